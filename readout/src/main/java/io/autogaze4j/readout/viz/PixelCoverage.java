package io.autogaze4j.readout.viz;

import io.autogaze4j.model.tiling.PixelRect;
import java.util.List;

/**
 * The pixels covered by a set of pixel rectangles, and their count: the footprint that gaze ratios and
 * interframe updates are measured on.
 */
public final class PixelCoverage {
    private final boolean[] mask;
    private final int width;
    private final int height;
    private final long count;

    private PixelCoverage(boolean[] mask, int width, int height) {
        this.mask = mask;
        this.width = width;
        this.height = height;
        long n = 0;
        for (boolean b : mask) {
            n += b ? 1 : 0;
        }
        this.count = n;
    }

    /** The footprint of packed rectangles ({@code [x0, y0, x1, y1)} per 4 ints) on a {@code width x height} frame. */
    public static PixelCoverage of(int[] rects, int width, int height) {
        boolean[] mask = new boolean[width * height];
        for (int k = 0; k < rects.length; k += 4) {
            check(rects, k, width, height);
            for (int y = rects[k + 1]; y < rects[k + 3]; y++) {
                java.util.Arrays.fill(mask, y * width + rects[k], y * width + rects[k + 2], true);
            }
        }
        return new PixelCoverage(mask, width, height);
    }

    /** The packed pixel rectangles of cells on a {@code width x height} frame. */
    public static int[] rects(List<MaskCell> cells, int width, int height) {
        int[] out = new int[4 * cells.size()];
        for (int i = 0; i < cells.size(); i++) {
            PixelRect r = cells.get(i).pixelRect(width, height);
            out[4 * i] = r.x0();
            out[4 * i + 1] = r.y0();
            out[4 * i + 2] = r.x1();
            out[4 * i + 3] = r.y1();
        }
        return out;
    }

    /** The whole frame as one packed rectangle. */
    public static int[] wholeFrame(int width, int height) {
        return new int[] {0, 0, width, height};
    }

    /** Throws unless rectangle {@code k/4} lies inside the frame and is not empty. */
    static void check(int[] rects, int k, int width, int height) {
        if (rects[k] < 0
                || rects[k + 1] < 0
                || rects[k + 2] > width
                || rects[k + 3] > height
                || rects[k] >= rects[k + 2]
                || rects[k + 1] >= rects[k + 3]) {
            throw new IllegalArgumentException(
                    "pixel rectangle [" + rects[k] + ", " + rects[k + 1] + ", " + rects[k + 2] + ", " + rects[k + 3]
                            + ") is empty or outside the " + width + "x" + height + " frame");
        }
    }

    /** Covered pixels. */
    public long count() {
        return count;
    }

    /** Covered pixels over all pixels. */
    public double ratio() {
        return (double) count / ((long) width * height);
    }

    /** Whether pixel {@code (x, y)} is covered. */
    public boolean covers(int x, int y) {
        return mask[y * width + x];
    }

    /** The mask itself (package use, never written). */
    boolean[] mask() {
        return mask;
    }
}
