package io.autogaze4j.readout;

/**
 * Image-grid tokens of a batch of clips: for every clip and frame, the selected token ids of a
 * {@link SparseReadoutGrid} in selection order (see {@link ReadoutOptions}). Immutable.
 */
public final class ImageReadout {
    private final SparseReadoutGrid grid;
    private final int[][][] tokens;

    ImageReadout(SparseReadoutGrid grid, int[][][] tokens) {
        this.grid = grid;
        this.tokens = tokens;
    }

    /** The grid the tokens index. */
    public SparseReadoutGrid grid() {
        return grid;
    }

    /** Clips in the batch. */
    public int clips() {
        return tokens.length;
    }

    /** Frames of clip {@code clip}. */
    public int frames(int clip) {
        return tokens[clip].length;
    }

    /** Token ids of the {@code t}-th frame of clip {@code clip}, in selection order. */
    public int[] tokens(int clip, int t) {
        return tokens[clip][t].clone();
    }

    /** Token ids of the {@code t}-th frame of clip {@code clip}, ascending. */
    public int[] sortedTokens(int clip, int t) {
        int[] s = tokens(clip, t);
        java.util.Arrays.sort(s);
        return s;
    }

    /** {@code [grid.tokens()]} mask of the {@code t}-th frame of clip {@code clip}: true where selected. */
    public boolean[] mask(int clip, int t) {
        boolean[] m = new boolean[grid.tokens()];
        for (int id : tokens[clip][t]) {
            m[id] = true;
        }
        return m;
    }
}
