package io.autogaze4j.readout;

import java.util.ArrayList;
import java.util.List;

/**
 * Video-token ids of a batch of clips on a {@link SparseVideoPatchGeometry}: per clip, temporal bin by
 * bin, each bin's tokens in selection order (see {@link ReadoutOptions}). Immutable.
 */
public final class VideoReadout {
    private final SparseVideoPatchGeometry geometry;
    private final int[][] ids;

    VideoReadout(SparseVideoPatchGeometry geometry, int[][] ids) {
        this.geometry = geometry;
        this.ids = ids;
    }

    /** The geometry the ids index. */
    public SparseVideoPatchGeometry geometry() {
        return geometry;
    }

    /** Clips in the batch. */
    public int clips() {
        return ids.length;
    }

    /** Video-token ids of clip {@code clip}. */
    public int[] ids(int clip) {
        return ids[clip].clone();
    }

    /** Coordinates of the tokens of clip {@code clip}, in the order of {@link #ids(int)}. */
    public List<VideoTokenCoord> coords(int clip) {
        List<VideoTokenCoord> out = new ArrayList<>(ids[clip].length);
        for (int id : ids[clip]) {
            out.add(geometry.coord(id));
        }
        return out;
    }

    /** {@code [geometry.tokens()]} mask of clip {@code clip}: true where selected. */
    public boolean[] mask(int clip) {
        boolean[] m = new boolean[geometry.tokens()];
        for (int id : ids[clip]) {
            m[id] = true;
        }
        return m;
    }

    /** The coordinates of the whole batch as a padded {@code [batch, length, 4]} int tensor. */
    public VideoCoordTensor coordTensor() {
        return new VideoCoordTensor(geometry, ids);
    }
}
