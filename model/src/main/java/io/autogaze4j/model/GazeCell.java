package io.autogaze4j.model;

import io.autogaze4j.model.tiling.PixelRect;

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

    /** The pixel rectangle of this cell on a {@code width x height} frame ({@link PixelRect#covering}). */
    public PixelRect pixelRect(int width, int height) {
        return PixelRect.covering(x0(), y0(), x1(), y1(), width, height);
    }
}
