package io.autogaze4j.readout;

/**
 * How a normalised rectangle becomes a block of grid tokens, and how a fixation point becomes a
 * rectangle. Both rules share the semantics of burn_autogaze 0.21.6 (a cell's half extent, scaled, is
 * capped at 0.5 before clipping; dilation grows the block on every side and is clipped to the grid);
 * they differ only in arithmetic.
 */
public enum CoverageRule {
    /**
     * Exact half-open overlap: a rectangle covers a patch when they share a positive area, computed in
     * float64 with edges within {@link SparseReadoutGrid#EDGE_SNAP} of a patch boundary snapped onto it;
     * a rectangle with area inside the frame covers at least one patch. Equals {@link #BINARY32} for
     * the AutoGaze cells on every grid of at most 41 patches a side (the reference's own analysis).
     */
    EXACT,
    /**
     * burn_autogaze 0.21.6 token for token: binary32 arithmetic, rows
     * {@code floor(y0*h + 1e-6f) .. ceil(y1*h - 1e-6f) - 1}; an overlap of at most {@code 1e-6} grid
     * units covers nothing, so a thin rectangle may cover no token.
     */
    BINARY32;

    /** The binary32 rule's tolerance in grid units ({@code 1.0e-6f}). */
    public static final float EPS = 1.0e-6f;

    /** Smallest effective fixation scale and cell extent, as in the reference. */
    static final double MIN_EXTENT = 1e-6;

    /**
     * The tokens of {@code rect} on {@code grid}, grown by {@code dilation} on every side and clipped to
     * the grid, or {@code null} when it covers none. The part of {@code rect} outside the frame is ignored.
     */
    public TokenBox block(NormRect rect, SparseReadoutGrid grid, int dilation) {
        if (dilation < 0) {
            throw new IllegalArgumentException("dilation must be >= 0 tokens, got " + dilation);
        }
        boolean inside = rect.x0() >= 0 && rect.y0() >= 0 && rect.x1() <= 1 && rect.y1() <= 1;
        NormRect r = inside ? rect : rect.clippedToFrame();
        if (r == null) {
            return null;
        }
        if (this == EXACT) {
            return grid.cover(r).dilated(dilation, grid);
        }
        float h = grid.height();
        float w = grid.width();
        // dilation before the clamp: a rectangle that covers nothing still grows into a block (reference R1)
        long r0 = clamp((long) Math.floor((float) r.y0() * h + EPS) - dilation, grid.height());
        long r1 = clamp((long) Math.ceil((float) r.y1() * h - EPS) + dilation, grid.height());
        long c0 = clamp((long) Math.floor((float) r.x0() * w + EPS) - dilation, grid.width());
        long c1 = clamp((long) Math.ceil((float) r.x1() * w - EPS) + dilation, grid.width());
        boolean nonEmpty = (float) r.x0() < (float) r.x1() && (float) r.y0() < (float) r.y1();
        return nonEmpty && r0 < r1 && c0 < c1 ? new TokenBox((int) r0, (int) c0, (int) r1, (int) c1) : null;
    }

    /**
     * The rectangle of a fixation point grown by {@code scale} (effective scale {@code max(scale, 1e-6)}):
     * half extents {@code min(extent * scale / 2, 0.5)} about the centre, then clipped to the frame; or
     * {@code null} when nothing of it is left (reference {@code scaled_bounds}).
     */
    public NormRect bounds(FixationPoint p, double scale) {
        if (this == EXACT) {
            double s = Math.max(scale, MIN_EXTENT);
            double hw = Math.min(Math.max(p.width(), MIN_EXTENT) * s * 0.5, 0.5);
            double hh = Math.min(Math.max(p.height(), MIN_EXTENT) * s * 0.5, 0.5);
            return rect(
                    Math.max(p.x() - hw, 0), Math.max(p.y() - hh, 0), Math.min(p.x() + hw, 1), Math.min(p.y() + hh, 1));
        }
        float s = Math.max(Math.max((float) scale, 1.1920929e-7f), (float) MIN_EXTENT);
        float hw = Math.min(Math.max(Math.max((float) p.width(), (float) MIN_EXTENT) * s * 0.5f, 0f), 0.5f);
        float hh = Math.min(Math.max(Math.max((float) p.height(), (float) MIN_EXTENT) * s * 0.5f, 0f), 0.5f);
        float x = (float) p.x();
        float y = (float) p.y();
        return rect(clamp01(x - hw), clamp01(y - hh), clamp01(x + hw), clamp01(y + hh));
    }

    private static NormRect rect(double x0, double y0, double x1, double y1) {
        return x0 < x1 && y0 < y1 ? new NormRect(x0, y0, x1, y1) : null;
    }

    private static float clamp01(float v) {
        return Math.min(Math.max(v, 0f), 1f);
    }

    private static long clamp(long v, int hi) {
        return Math.max(0, Math.min(hi, v));
    }
}
