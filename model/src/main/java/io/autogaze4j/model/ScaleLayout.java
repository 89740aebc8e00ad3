package io.autogaze4j.model;

import io.autogaze4j.weights.AutoGazeConfig;
import java.util.Arrays;

/**
 * How a frame's gaze cell ids map onto the multi-scale pyramid: scale {@code s} owns local ids
 * {@code [offset(s), offset(s) + grid(s)^2)}, row-major over a {@code grid(s) x grid(s)} grid.
 */
public final class ScaleLayout {
    private final int[] scales;
    private final int[] grids;
    private final int[] offsets;
    private final int cellsPerFrame;

    private ScaleLayout(int[] scales, int[] grids) {
        this.scales = scales.clone();
        this.grids = grids.clone();
        this.offsets = new int[grids.length];
        int o = 0;
        for (int s = 0; s < grids.length; s++) {
            offsets[s] = o;
            o += grids[s] * grids[s];
        }
        this.cellsPerFrame = o;
    }

    /** The layout of a model configuration. */
    public static ScaleLayout of(AutoGazeConfig config) {
        int[] grids = new int[config.numScales()];
        for (int s = 0; s < grids.length; s++) {
            grids[s] = config.gridOfScale(s);
        }
        return new ScaleLayout(config.scales(), grids);
    }

    /** A layout from pixel scales and grid sides, e.g. scales {32,64,112,224}, grids {2,4,7,14}. */
    public static ScaleLayout of(int[] scales, int[] grids) {
        if (scales.length != grids.length || grids.length == 0) {
            throw new IllegalArgumentException("scales and grids must be non-empty and of equal length");
        }
        return new ScaleLayout(scales, grids);
    }

    public int numScales() {
        return grids.length;
    }

    /** Side of scale s's cell grid. */
    public int grid(int s) {
        return grids[s];
    }

    /** Pixel size of scale s in the pyramid. */
    public int scale(int s) {
        return scales[s];
    }

    /** First local id of scale s. */
    public int offset(int s) {
        return offsets[s];
    }

    /** Cells of scale s. */
    public int cells(int s) {
        return grids[s] * grids[s];
    }

    /** Cells of all scales together (265 for the official model); also the pad id. */
    public int cellsPerFrame() {
        return cellsPerFrame;
    }

    /** The scale a local id belongs to. */
    public int scaleOf(int localId) {
        if (localId < 0 || localId >= cellsPerFrame) {
            throw new IllegalArgumentException("local id " + localId + " outside [0, " + cellsPerFrame + ")");
        }
        int s = grids.length - 1;
        while (offsets[s] > localId) {
            s--;
        }
        return s;
    }

    /** Decodes a local id into its cell (frame given by the caller). */
    public GazeCell cell(int frame, int localId) {
        int s = scaleOf(localId);
        int g = grids[s];
        int r = (localId - offsets[s]) / g;
        int c = (localId - offsets[s]) % g;
        return new GazeCell(frame, localId, s, r, c, g);
    }

    /** The local id of cell (row, col) of scale s. */
    public int id(int s, int row, int col) {
        if (row < 0 || col < 0 || row >= grids[s] || col >= grids[s]) {
            throw new IllegalArgumentException(
                    "cell (" + row + ", " + col + ") outside the " + grids[s] + "x" + grids[s] + " grid");
        }
        return offsets[s] + row * grids[s] + col;
    }

    @Override
    public String toString() {
        return "ScaleLayout" + Arrays.toString(grids);
    }
}
