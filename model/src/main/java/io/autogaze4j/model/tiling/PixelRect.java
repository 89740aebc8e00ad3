package io.autogaze4j.model.tiling;

/**
 * A half-open pixel rectangle {@code [x0, x1) x [y0, y1)} on a frame.
 *
 * @param x0 left column (inclusive)
 * @param y0 top row (inclusive)
 * @param x1 right column (exclusive)
 * @param y1 bottom row (exclusive)
 */
public record PixelRect(int x0, int y0, int x1, int y1) {
    /** Checks that the rectangle is not empty and starts inside the first quadrant. */
    public PixelRect {
        if (x0 < 0 || y0 < 0 || x1 <= x0 || y1 <= y0) {
            throw new IllegalArgumentException(
                    "not a pixel rectangle: [" + x0 + ", " + x1 + ") x [" + y0 + ", " + y1 + ")");
        }
    }

    /**
     * The pixels of the normalised rectangle {@code [nx0, nx1) x [ny0, ny1)} on a {@code width x height} frame: floor of
     * the start, ceiling of the end, clamped to the frame, at least one pixel. The one pixel rule of gaze cells and
     * readout rectangles.
     */
    public static PixelRect covering(double nx0, double ny0, double nx1, double ny1, int width, int height) {
        if (width < 1 || height < 1) {
            throw new IllegalArgumentException("frame must be at least 1x1 pixels, got " + width + "x" + height);
        }
        int px0 = clamp((int) Math.floor(nx0 * width), 0, width - 1);
        int py0 = clamp((int) Math.floor(ny0 * height), 0, height - 1);
        int px1 = clamp((int) Math.ceil(nx1 * width), px0 + 1, width);
        int py1 = clamp((int) Math.ceil(ny1 * height), py0 + 1, height);
        return new PixelRect(px0, py0, px1, py1);
    }

    private static int clamp(int v, int lo, int hi) {
        return Math.max(lo, Math.min(hi, v));
    }

    /** Columns covered. */
    public int width() {
        return x1 - x0;
    }

    /** Rows covered. */
    public int height() {
        return y1 - y0;
    }
}
