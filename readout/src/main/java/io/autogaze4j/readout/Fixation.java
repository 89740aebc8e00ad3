package io.autogaze4j.readout;

/**
 * One gazed cell of a frame, decoded: the multi-scale cell the model picked, where it lies on the
 * (source) frame, and how sure the model was. Padding slots never become fixations.
 *
 * @param frame      frame index (absolute: counted from the start of the clip or stream)
 * @param cell       local cell id within the frame, {@code 0 .. cellsPerFrame-1} (tile-local for tiled frames)
 * @param scale      scale index, 0 = coarsest
 * @param row        grid row of the cell at its scale
 * @param col        grid column of the cell at its scale
 * @param grid       grid side of the scale
 * @param tile       index of the tile the cell was gazed in, or -1 when the frame was not tiled
 * @param rect       normalised half-open rectangle {@code [x0, y0, x1, y1)} on the source frame (for a tile,
 *                   mapped through its {@link TilePlacement} and clipped to the frame)
 * @param confidence softmax probability of the chosen token among the scores the model chose from, in
 *                   {@code [0, 1]}; {@code NaN} when the model did not provide one
 */
public record Fixation(
        int frame, int cell, int scale, int row, int col, int grid, int tile, NormRect rect, double confidence) {

    public Fixation {
        if (frame < 0
                || cell < 0
                || scale < 0
                || grid < 1
                || row < 0
                || col < 0
                || row >= grid
                || col >= grid
                || tile < -1) {
            throw new IllegalArgumentException("invalid fixation: frame " + frame + ", cell " + cell + ", scale "
                    + scale + ", (" + row + ", " + col + ") of grid " + grid + ", tile " + tile);
        }
        if (rect == null) {
            throw new IllegalArgumentException("fixation rectangle must be given");
        }
        if (!Double.isNaN(confidence) && !(confidence >= 0 && confidence <= 1)) {
            throw new IllegalArgumentException("confidence must be in [0, 1] or NaN (unknown), got " + confidence);
        }
    }

    /** Whether the model provided a confidence for this fixation. */
    public boolean hasConfidence() {
        return !Double.isNaN(confidence);
    }

    /** Whether the cell was gazed in a tile. */
    public boolean tiled() {
        return tile >= 0;
    }

    /**
     * This fixation as a {@link FixationPoint}: the centre and extent of its cell (for a tiled fixation, of its
     * rectangle on the source frame). An unknown confidence becomes 1.0, as burn_autogaze reads a missing one.
     */
    public FixationPoint point() {
        double c = hasConfidence() ? confidence : 1.0;
        if (!tiled()) {
            return FixationPoint.ofCell(row, col, grid, c);
        }
        return new FixationPoint(rect.centreX(), rect.centreY(), rect.width(), rect.height(), c, grid);
    }

    /** The cell's area on the frame it was gazed in (the tile's own frame for tiled fixations). */
    public NormRect cellRect() {
        return new NormRect(
                (double) col / grid, (double) row / grid, (double) (col + 1) / grid, (double) (row + 1) / grid);
    }
}
