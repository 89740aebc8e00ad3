package io.autogaze4j.readout;

import java.util.ArrayList;
import java.util.List;

/**
 * Video-token ids of a batch of clips on a {@link SparseVideoReadoutGrid}, each clip's ids in selection order (see
 * {@link VideoReadoutOptions}). Immutable.
 */
public final class VideoReadout {
    private final SparseVideoReadoutGrid grid;
    private final int[][] ids;

    VideoReadout(SparseVideoReadoutGrid grid, int[][] ids) {
        this.grid = grid;
        this.ids = ids;
    }

    /** The grid the ids index. */
    public SparseVideoReadoutGrid grid() {
        return grid;
    }

    /** Clips in the batch. */
    public int clips() {
        return ids.length;
    }

    /** Video-token ids of clip {@code clip}. */
    public int[] ids(int clip) {
        return ids[clip].clone();
    }

    /** Video-token ids of every clip, {@code [clip][selected]}. */
    public int[][] ids() {
        int[][] out = new int[ids.length][];
        for (int c = 0; c < out.length; c++) {
            out[c] = ids[c].clone();
        }
        return out;
    }

    /** Coordinates of the tokens of clip {@code clip}, in the order of {@link #ids(int)}. */
    public List<VideoTokenCoord> coords(int clip) {
        List<VideoTokenCoord> out = new ArrayList<>(ids[clip].length);
        for (int id : ids[clip]) {
            out.add(grid.coord(id));
        }
        return out;
    }

    /** {@code [grid.tokens()]} mask of clip {@code clip}: true where selected. */
    public boolean[] mask(int clip) {
        boolean[] m = new boolean[grid.tokens()];
        for (int id : ids[clip]) {
            m[id] = true;
        }
        return m;
    }

    /** The coordinates of the whole batch as flat {@code [N, 4]} rows, batch column = clip index. */
    public VideoCoords flatCoords() {
        return VideoCoords.ofBatch(ids, grid);
    }

    /** The coordinates of the whole batch as a padded {@code [batch, length, 4]} int tensor. */
    public VideoCoordTensor coordTensor() {
        return new VideoCoordTensor(grid, ids);
    }
}
