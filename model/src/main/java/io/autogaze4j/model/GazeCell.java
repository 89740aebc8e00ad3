package io.autogaze4j.model;

/**
 * One gazed cell of a frame: the 16-px patch {@code (row, col)} of the frame resized to pyramid scale
 * {@code scale}. Its area on the frame is the normalised half-open square
 * {@code x in [col/grid, (col+1)/grid)}, {@code y in [row/grid, (row+1)/grid)}.
 *
 * @param frame   frame index
 * @param localId id within the frame (0 .. cellsPerFrame-1)
 * @param scale   scale index (0 = coarsest)
 * @param row     grid row
 * @param col     grid column
 * @param grid    grid side of the scale
 */
public record GazeCell(int frame, int localId, int scale, int row, int col, int grid) {
    /** Left edge, normalised to [0, 1]. */
    public double x0() {
        return (double) col / grid;
    }

    /** Top edge, normalised. */
    public double y0() {
        return (double) row / grid;
    }

    /** Right edge (exclusive), normalised. */
    public double x1() {
        return (double) (col + 1) / grid;
    }

    /** Bottom edge (exclusive), normalised. */
    public double y1() {
        return (double) (row + 1) / grid;
    }

    /**
     * The pixel rectangle {@code [x0, y0, x1, y1)} on a {@code width x height} frame: floor of the start,
     * ceiling of the end, clamped, at least one pixel.
     */
    public int[] pixelRect(int width, int height) {
        int px0 = clamp((int) Math.floor(x0() * width), 0, width - 1);
        int py0 = clamp((int) Math.floor(y0() * height), 0, height - 1);
        int px1 = clamp((int) Math.ceil(x1() * width), px0 + 1, width);
        int py1 = clamp((int) Math.ceil(y1() * height), py0 + 1, height);
        return new int[] {px0, py0, px1, py1};
    }

    private static int clamp(int v, int lo, int hi) {
        return Math.max(lo, Math.min(hi, v));
    }
}
