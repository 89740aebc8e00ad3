package io.autogaze4j.readout;

/**
 * The token grid of a downstream video model (VideoMAE-style tubelet embedding): a clip of
 * {@code frames} frames of {@code height x width} pixels is cut into tubelets of {@code tubeletSize}
 * consecutive frames and {@code patchHeight x patchWidth} pixels. That gives {@link #temporalBins()}
 * bins of {@link #gridHeight()} x {@link #gridWidth()} tokens; video token id
 * {@code (temporal * gridHeight + row) * gridWidth + col}. Frames {@code t} with the same
 * {@code t / tubeletSize} share a bin.
 *
 * @param frames       frames of the clip (a multiple of {@code tubeletSize})
 * @param height       frame height in pixels (a multiple of {@code patchHeight})
 * @param width        frame width in pixels (a multiple of {@code patchWidth})
 * @param tubeletSize  frames per tubelet
 * @param patchHeight  patch height in pixels
 * @param patchWidth   patch width in pixels
 */
public record SparseVideoPatchGeometry(int frames, int height, int width, int tubeletSize, int patchHeight, int patchWidth) {

    public SparseVideoPatchGeometry {
        if (frames < 1 || tubeletSize < 1 || frames % tubeletSize != 0) {
            throw new IllegalArgumentException(frames + " frames are not a whole number (>= 1) of tubelets of " + tubeletSize);
        }
        SparseReadoutGrid.ofImage(height, width, patchHeight, patchWidth); // validates the spatial division
        if ((long) frames / tubeletSize * (height / patchHeight) * (width / patchWidth) > Integer.MAX_VALUE / 4) {
            throw new IllegalArgumentException("video token grid of " + frames + "x" + height + "x" + width + " is too large");
        }
    }

    /** Tubelets along time. */
    public int temporalBins() {
        return frames / tubeletSize;
    }

    /** Token rows per bin. */
    public int gridHeight() {
        return height / patchHeight;
    }

    /** Token columns per bin. */
    public int gridWidth() {
        return width / patchWidth;
    }

    /** The spatial grid of one bin (the image grid every frame is projected onto). */
    public SparseReadoutGrid frameGrid() {
        return new SparseReadoutGrid(gridHeight(), gridWidth());
    }

    /** Tokens per bin. */
    public int tokensPerBin() {
        return gridHeight() * gridWidth();
    }

    /** All video tokens. */
    public int tokens() {
        return temporalBins() * tokensPerBin();
    }

    /** The bin of frame {@code t} (counted from the clip's first frame). */
    public int bin(int t) {
        if (t < 0 || t >= frames) {
            throw new IllegalArgumentException("frame " + t + " is outside the clip's " + frames + " frames");
        }
        return t / tubeletSize;
    }

    /** Video token id of {@code (temporal, row, col)}. */
    public int id(int temporal, int row, int col) {
        if (temporal < 0 || temporal >= temporalBins() || row < 0 || row >= gridHeight() || col < 0 || col >= gridWidth()) {
            throw new IllegalArgumentException("video token (" + temporal + ", " + row + ", " + col + ") is outside the "
                    + temporalBins() + "x" + gridHeight() + "x" + gridWidth() + " grid");
        }
        return (temporal * gridHeight() + row) * gridWidth() + col;
    }

    /** Video token id of a coordinate. */
    public int id(VideoTokenCoord coord) {
        return id(coord.temporal(), coord.row(), coord.col());
    }

    /** The coordinate of video token {@code id}. */
    public VideoTokenCoord coord(int id) {
        if (id < 0 || id >= tokens()) {
            throw new IllegalArgumentException("video token id " + id + " is outside [0, " + tokens() + ")");
        }
        int perBin = tokensPerBin();
        int spatial = id % perBin;
        return new VideoTokenCoord(id / perBin, spatial / gridWidth(), spatial % gridWidth());
    }
}
