package io.autogaze4j.readout;

/**
 * The patch grid of a downstream image model: {@code height x width} patches over the frame, token id
 * {@code row * width + col}. Patch {@code (row, col)} owns the normalised half-open area
 * {@code [col/width, (col+1)/width) x [row/height, (row+1)/height)}.
 *
 * <p><b>Coverage rule.</b> A rectangle {@code [x0, x1) x [y0, y1)} covers a patch when the two half-open
 * areas overlap in a region of positive area: {@code x0 < (col+1)/width && col/width < x1}, and the same
 * for rows. A rectangle that only touches a patch along an edge does not cover it. In grid units this is
 * columns {@code floor(x0*width) .. ceil(x1*width) - 1}. Before the floor and ceiling, a product within
 * {@value #EDGE_SNAP} of an integer is taken as that integer, so that edges which coincide exactly in
 * rational arithmetic (cell edge {@code 1/7} on a 14-patch grid) are not moved by floating-point rounding.
 * The rectangle is clipped to the frame first; a rectangle with a positive area inside the frame always
 * covers at least one patch.
 *
 * @param height patch rows
 * @param width  patch columns
 */
public record SparseReadoutGrid(int height, int width) {

    /** Distance from an integer, in patch units, below which an edge is snapped onto the patch boundary. */
    public static final double EDGE_SNAP = 1e-9;

    public SparseReadoutGrid {
        if (height < 1 || width < 1) {
            throw new IllegalArgumentException(
                    "sparse image readout grid dimensions must be nonzero and positive, got " + height + "x" + width);
        }
        if ((long) height * width > Integer.MAX_VALUE / 4) {
            throw new IllegalArgumentException("sparse image readout grid " + height + "x" + width + " is too large");
        }
    }

    /** The square grid of {@code tokens} tokens ({@code 196 -> 14x14}); {@code tokens} must be a positive square. */
    public static SparseReadoutGrid squareFromTokenCount(int tokens) {
        if (tokens < 1) {
            throw new IllegalArgumentException(
                    "sparse readout token count must be nonzero and positive, got " + tokens);
        }
        int side = (int) Math.floor(Math.sqrt(tokens));
        if (side * side != tokens) {
            throw new IllegalArgumentException("sparse readout token count " + tokens + " must form a square grid");
        }
        return new SparseReadoutGrid(side, side);
    }

    /** The grid of an image of {@code imageHeight x imageWidth} pixels cut into {@code patchHeight x patchWidth} patches. */
    public static SparseReadoutGrid ofImage(int imageHeight, int imageWidth, int patchHeight, int patchWidth) {
        if (patchHeight < 1
                || patchWidth < 1
                || imageHeight < patchHeight
                || imageWidth < patchWidth
                || imageHeight % patchHeight != 0
                || imageWidth % patchWidth != 0) {
            throw new IllegalArgumentException("image " + imageHeight + "x" + imageWidth + " is not a whole number of "
                    + patchHeight + "x" + patchWidth + " patches");
        }
        return new SparseReadoutGrid(imageHeight / patchHeight, imageWidth / patchWidth);
    }

    /** Number of tokens. */
    public int tokens() {
        return height * width;
    }

    /** Token id of patch {@code (row, col)}. */
    public int id(int row, int col) {
        if (row < 0 || col < 0 || row >= height || col >= width) {
            throw new IllegalArgumentException(
                    "patch (" + row + ", " + col + ") is outside the " + height + "x" + width + " grid");
        }
        return row * width + col;
    }

    /** Row of token {@code id}. */
    public int row(int id) {
        checkId(id);
        return id / width;
    }

    /** Column of token {@code id}. */
    public int col(int id) {
        checkId(id);
        return id % width;
    }

    /** The normalised area of token {@code id}. */
    public NormRect patchRect(int id) {
        int r = row(id);
        int c = col(id);
        return new NormRect(
                (double) c / width, (double) r / height, (double) (c + 1) / width, (double) (r + 1) / height);
    }

    /** The patches a rectangle covers (see the class comment), or {@code null} when it lies outside the frame. */
    public TokenBox cover(NormRect rect) {
        NormRect r = rect.clippedToFrame();
        if (r == null) {
            return null;
        }
        int c0 = Math.min(width - 1, (int) Math.floor(snap(r.x0() * width)));
        int r0 = Math.min(height - 1, (int) Math.floor(snap(r.y0() * height)));
        int c1 = Math.max(c0 + 1, Math.min(width, (int) Math.ceil(snap(r.x1() * width))));
        int r1 = Math.max(r0 + 1, Math.min(height, (int) Math.ceil(snap(r.y1() * height))));
        return new TokenBox(r0, c0, r1, c1);
    }

    private static double snap(double v) {
        double n = Math.rint(v);
        return Math.abs(v - n) <= EDGE_SNAP ? n : v;
    }

    private void checkId(int id) {
        if (id < 0 || id >= tokens()) {
            throw new IllegalArgumentException(
                    "image token id " + id + " is outside the " + height + "x" + width + " grid [0, " + tokens() + ")");
        }
    }
}
