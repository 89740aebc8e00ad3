package io.autogaze4j.model;

import java.util.ArrayList;
import java.util.List;

/**
 * The gazing of a clip (or of one streaming call), in the official output layout plus decoded helpers.
 *
 * @param layout             the scale layout that gives ids their meaning
 * @param firstFrame         index of the first frame covered (non-zero for later streaming calls)
 * @param gazingPos          {@code [B][N]} ids {@code frame * cellsPerFrame + localId}, frames counted from
 *                           {@link #firstFrame()}; padded slots hold junk, see {@code padded}
 * @param padded             {@code [B][N]} true where the slot is padding
 * @param numGazingEachFrame {@code [T]} slots per frame including padding (shared by all rows)
 * @param trace              per decoder call records, empty unless asked for
 * @param confidence         {@code [B][N]} softmax probability of each chosen id over its head's processed
 *                           scores at selection time (ids already chosen in the frame, ids chosen by earlier
 *                           heads of the step and the pad id excluded); NaN for padding or when unknown
 */
public record GazeResult(
        ScaleLayout layout,
        int firstFrame,
        long[][] gazingPos,
        boolean[][] padded,
        int[] numGazingEachFrame,
        List<StepTrace> trace,
        float[][] confidence) {

    public GazeResult {
        trace = List.copyOf(trace);
        if (confidence.length != gazingPos.length) {
            throw new IllegalArgumentException(
                    "confidence has " + confidence.length + " rows, gazingPos " + gazingPos.length);
        }
    }

    /** A result without confidences (all NaN), e.g. rebuilt from masks. */
    public GazeResult(
            ScaleLayout layout,
            int firstFrame,
            long[][] gazingPos,
            boolean[][] padded,
            int[] numGazingEachFrame,
            List<StepTrace> trace) {
        this(layout, firstFrame, gazingPos, padded, numGazingEachFrame, trace, unknownConfidence(gazingPos));
    }

    private static float[][] unknownConfidence(long[][] gazingPos) {
        float[][] c = new float[gazingPos.length][];
        for (int b = 0; b < c.length; b++) {
            c[b] = new float[gazingPos[b].length];
            java.util.Arrays.fill(c[b], Float.NaN);
        }
        return c;
    }

    /** Rows in the batch. */
    public int batch() {
        return gazingPos.length;
    }

    /** Frames covered. */
    public int frames() {
        return numGazingEachFrame.length;
    }

    /** Slot index where frame {@code t} (relative to {@link #firstFrame()}) starts. */
    public int frameStart(int t) {
        int s = 0;
        for (int i = 0; i < t; i++) {
            s += numGazingEachFrame[i];
        }
        return s;
    }

    /** Non-padded cells of row {@code b}, frame {@code t} (relative), in gazing order. */
    public List<GazeCell> cells(int b, int t) {
        List<GazeCell> out = new ArrayList<>();
        int start = frameStart(t);
        int cells = layout.cellsPerFrame();
        for (int j = start; j < start + numGazingEachFrame[t]; j++) {
            if (!padded[b][j]) {
                out.add(layout.cell(firstFrame + t, (int) (gazingPos[b][j] - (long) t * cells)));
            }
        }
        return out;
    }

    /** Token slots of frame {@code t} (relative) over all rows, padding included. */
    public int slots(int t) {
        return batch() * numGazingEachFrame[t];
    }

    /** Of the {@link #slots(int)} of frame {@code t} (relative), those that are padding (the row stopped early). */
    public int paddedSlots(int t) {
        int start = frameStart(t);
        int n = 0;
        for (boolean[] row : padded) {
            for (int j = start; j < start + numGazingEachFrame[t]; j++) {
                n += row[j] ? 1 : 0;
            }
        }
        return n;
    }

    /** Number of non-padded slots of row {@code b}. */
    public int validCount(int b) {
        int n = 0;
        for (boolean p : padded[b]) {
            n += p ? 0 : 1;
        }
        return n;
    }

    /**
     * The per-scale mask {@code [B][T][cells(s)]}: true where the cell was gazed (padding excluded), as
     * the official {@code gazing_mask} list.
     */
    public boolean[][][] mask(int scale) {
        int frames = frames();
        boolean[][][] m = new boolean[batch()][frames][layout.cells(scale)];
        for (int b = 0; b < batch(); b++) {
            for (int t = 0; t < frames; t++) {
                for (GazeCell c : cells(b, t)) {
                    if (c.scale() == scale) {
                        m[b][t][c.row() * c.grid() + c.col()] = true;
                    }
                }
            }
        }
        return m;
    }
}
