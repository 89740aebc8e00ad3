package io.autogaze4j.pipeline;

import io.autogaze4j.model.GazeResult;
import java.util.Arrays;
import java.util.List;

/**
 * Splits a batch result into the results of its clips and joins the parts of a clip that ran in several batches.
 * Frames keep the official layout: a frame's slots are the batch maximum, padding marked (spec section 4.5).
 */
final class ResultRows {
    private ResultRows() {}

    /**
     * Rows {@code [from, to)} of {@code result}. Slots at the end of a frame that are padding in every one of these rows
     * are dropped, so a clip's frames hold as many slots as its own rows need; without a task-loss stop there are none.
     * The step trace, which describes the whole batch, is kept only when all rows are taken.
     */
    static GazeResult slice(GazeResult result, int from, int to) {
        if (from == 0 && to == result.batch()) {
            return result;
        }
        int frames = result.frames();
        int[] keep = new int[frames];
        for (int t = 0; t < frames; t++) {
            int start = result.frameStart(t);
            for (int j = result.numGazingEachFrame()[t] - 1; j >= 0 && keep[t] == 0; j--) {
                for (int b = from; b < to; b++) {
                    if (!result.padded()[b][start + j]) {
                        keep[t] = j + 1;
                        break;
                    }
                }
            }
            keep[t] = Math.max(keep[t], 1); // a frame always has a slot (the official first token is never padded)
        }
        return gather(result, from, to, keep);
    }

    /** The rows of several results of one clip's frames stacked in order, frames padded at their end to the widest. */
    static GazeResult concat(List<GazeResult> parts) {
        if (parts.size() == 1) {
            return parts.get(0);
        }
        GazeResult first = parts.get(0);
        int frames = first.frames();
        int[] width = new int[frames];
        int rows = 0;
        for (GazeResult p : parts) {
            if (p.frames() != frames || p.firstFrame() != first.firstFrame()) {
                throw new IllegalArgumentException("parts of a clip must cover the same frames");
            }
            for (int t = 0; t < frames; t++) {
                width[t] = Math.max(width[t], p.numGazingEachFrame()[t]);
            }
            rows += p.batch();
        }
        int total = Arrays.stream(width).sum();
        long[][] pos = new long[rows][];
        boolean[][] padded = new boolean[rows][];
        float[][] confidence = new float[rows][];
        int row = 0;
        int cells = first.layout().cellsPerFrame();
        for (GazeResult p : parts) {
            for (int b = 0; b < p.batch(); b++, row++) {
                pos[row] = new long[total];
                padded[row] = new boolean[total];
                confidence[row] = new float[total];
                int at = 0;
                for (int t = 0; t < frames; t++) {
                    int start = p.frameStart(t), n = p.numGazingEachFrame()[t];
                    System.arraycopy(p.gazingPos()[b], start, pos[row], at, n);
                    System.arraycopy(p.padded()[b], start, padded[row], at, n);
                    System.arraycopy(p.confidence()[b], start, confidence[row], at, n);
                    for (int j = n; j < width[t]; j++) { // official padding: id 265 of the frame, flagged
                        pos[row][at + j] = (long) (t + 1) * cells;
                        padded[row][at + j] = true;
                        confidence[row][at + j] = Float.NaN;
                    }
                    at += width[t];
                }
            }
        }
        return new GazeResult(first.layout(), first.firstFrame(), pos, padded, width, List.of(), confidence);
    }

    private static GazeResult gather(GazeResult result, int from, int to, int[] keep) {
        int total = Arrays.stream(keep).sum();
        int rows = to - from;
        long[][] pos = new long[rows][total];
        boolean[][] padded = new boolean[rows][total];
        float[][] confidence = new float[rows][total];
        for (int b = 0; b < rows; b++) {
            int at = 0;
            for (int t = 0; t < keep.length; t++) {
                int start = result.frameStart(t);
                System.arraycopy(result.gazingPos()[from + b], start, pos[b], at, keep[t]);
                System.arraycopy(result.padded()[from + b], start, padded[b], at, keep[t]);
                System.arraycopy(result.confidence()[from + b], start, confidence[b], at, keep[t]);
                at += keep[t];
            }
        }
        return new GazeResult(result.layout(), result.firstFrame(), pos, padded, keep, List.of(), confidence);
    }
}
