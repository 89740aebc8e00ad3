package io.autogaze4j.readout;

/**
 * The token grid of a downstream video model, independent of pixels: {@code temporalBins} bins of
 * {@code height x width} tokens, video token id {@code (t * height + row) * width + col}
 * (burn_autogaze's {@code SparseVideoReadoutGrid}). Get one from a pixel geometry with
 * {@link SparseVideoPatchGeometry#readoutGrid()}.
 *
 * @param temporalBins temporal bins (tubelets)
 * @param height       token rows per bin
 * @param width        token columns per bin
 */
public record SparseVideoReadoutGrid(int temporalBins, int height, int width) {

    public SparseVideoReadoutGrid {
        if (temporalBins < 1 || height < 1 || width < 1) {
            throw new IllegalArgumentException("sparse video readout grid dimensions must be nonzero and positive, got "
                    + temporalBins + "x" + height + "x" + width);
        }
        if ((long) temporalBins * height * width > Integer.MAX_VALUE / 4) {
            throw new IllegalArgumentException(
                    "sparse video readout grid " + temporalBins + "x" + height + "x" + width + " is too large");
        }
    }

    /** All video tokens. */
    public int tokens() {
        return temporalBins * height * width;
    }

    /** Tokens per bin. */
    public int tokensPerBin() {
        return height * width;
    }

    /** The spatial grid of one bin. */
    public SparseReadoutGrid spatialGrid() {
        return new SparseReadoutGrid(height, width);
    }

    /** Video token id of {@code (temporal, row, col)}. */
    public int id(int temporal, int row, int col) {
        if (temporal < 0 || temporal >= temporalBins || row < 0 || row >= height || col < 0 || col >= width) {
            throw new IllegalArgumentException("video token (" + temporal + ", " + row + ", " + col
                    + ") is outside the " + temporalBins + "x" + height + "x" + width + " grid");
        }
        return (temporal * height + row) * width + col;
    }

    /** Video token id of a coordinate. */
    public int id(VideoTokenCoord coord) {
        return id(coord.temporal(), coord.row(), coord.col());
    }

    /** The coordinate of video token {@code id}. */
    public VideoTokenCoord coord(int id) {
        checkId(id);
        int spatial = id % tokensPerBin();
        return new VideoTokenCoord(id / tokensPerBin(), spatial / width, spatial % width);
    }

    /** Refuses an id off the grid, naming it. */
    void checkId(int id) {
        if (id < 0 || id >= tokens()) {
            throw new IllegalArgumentException("sparse video readout token index " + id + " is outside grid "
                    + temporalBins + "x" + height + "x" + width + " (ids 0.." + (tokens() - 1) + ")");
        }
    }
}
