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
    public PixelRect {
        if (x0 < 0 || y0 < 0 || x1 <= x0 || y1 <= y0) {
            throw new IllegalArgumentException("not a pixel rectangle: [" + x0 + ", " + x1 + ") x [" + y0 + ", " + y1 + ")");
        }
    }

    public int width() {
        return x1 - x0;
    }

    public int height() {
        return y1 - y0;
    }
}
