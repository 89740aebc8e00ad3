package io.autogaze4j.model;

import io.autogaze4j.tensor.Backend;
import io.autogaze4j.tensor.DecoderHeads;
import io.autogaze4j.tensor.Tensor;
import io.autogaze4j.tensor.TokenChoice;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Greedy multi-token gazing of one frame for a batch of rows, exactly as the official per-frame loop
 * (spec section 4.3-4.4): prefill of the pending tokens and the frame's vision tokens, then steps of up
 * to K tokens with no-repeat and pad masking, the budget and task-loss stop rules, stale decode
 * positions, and the mask bookkeeping that later frames see.
 */
final class FrameGenerator {
    private final ModelWeights w;
    private final Backend backend;
    private final int k;
    private final int vocab;
    private final int pad;

    FrameGenerator(ModelWeights w, Backend backend) {
        this.w = w;
        this.backend = backend;
        this.k = w.config.numHeads();
        this.vocab = w.config.decoder().vocabSize();
        this.pad = w.config.decoder().eosTokenId();
    }

    /** One frame's output: local ids {@code [B][N_t]} (pads = the pad id) and their confidences. */
    record FrameOutput(int[][] ids, float[][] confidence) {
    }

    /**
     * Gazes frame {@code st.frames} of every row. {@code vision[b]} is row b's {@code [196, hidden]}
     * embeddings; {@code threshold} is the float32 task-loss requirement or null.
     */
    FrameOutput run(GazeState st, Tensor[] vision, int budget, Float threshold, List<StepTrace> trace) {
        int batch = st.batch();
        int hidden = w.config.decoder().hiddenSize();
        int visionTokens = vision[0].dim(0);
        int nPending = st.pending == null ? 0 : st.pending[0].length;
        int prefill = nPending + visionTokens;

        // ---- prefill: pending tokens of the previous frame, then this frame's vision tokens
        float[] x = new float[batch * prefill * hidden];
        int[][] positions = new int[batch][];
        int[][] tail = new int[batch][];
        for (int b = 0; b < batch; b++) {
            AttentionMask seq = st.masks[b];
            if (nPending > 0) {
                System.arraycopy(w.embedTokens(st.pending[b]).data(), 0, x, b * prefill * hidden, nPending * hidden);
            }
            System.arraycopy(vision[b].data(), 0, x, (b * prefill + nPending) * hidden, visionTokens * hidden);
            for (int i = 0; i < visionTokens; i++) {
                seq.appendMask(true);
            }
            int[] full = seq.cumulativePositions();
            positions[b] = Arrays.copyOfRange(full, full.length - prefill, full.length);
            tail[b] = Arrays.copyOfRange(full, Math.max(0, full.length - k), full.length);
        }
        Tensor query = Tensor.wrap(x, batch * prefill, hidden);
        int queryLength = prefill;
        int frameStart = st.masks[0].maskLength(); // first mask index of this frame's gaze tokens

        List<Integer>[] generated = newLists(batch);
        List<Float>[] confidences = newLists(batch);
        boolean[] finished = new boolean[batch];
        boolean firstStep = true;
        int[][] lastStep = null;
        for (int step = 0; ; step++) {
            int cacheBefore = st.decoder.length();
            int already = generated[0].size();
            Choice choice = st.decoder.choosesTokens()
                    ? chooseOnDevice(st, query, queryLength, positions, firstStep ? null : lastStep, finished, budget - already)
                    : chooseOnHost(st.decoder.forward(query, queryLength, positions, st.maskArrays(), null), generated, finished,
                    already, budget - already, trace != null);
            float[][] margins = choice.margins();
            float[][] probability = choice.probability();
            float[] taskLoss = choice.taskLoss();
            int n = choice.count();
            boolean stoppedEarly = n < k;
            boolean[][] meet = new boolean[batch][n];
            int[][] stepIds = new int[batch][n];
            for (int b = 0; b < batch; b++) {
                boolean rowMeets = false;
                for (int i = 0; i < n; i++) {
                    int id = finished[b] ? pad : choice.tokens()[b][i];
                    if (threshold != null && !(firstStep && i == 0) && taskLoss[b * k + i] <= threshold) {
                        meet[b][i] = true;
                        rowMeets = true;
                        id = pad;
                    }
                    stepIds[b][i] = id;
                }
                finished[b] |= rowMeets;
            }
            boolean reachedBudget = n + already >= budget;
            for (int b = 0; b < batch; b++) {
                for (int i = 0; i < n; i++) {
                    generated[b].add(stepIds[b][i]);
                    confidences[b].add(stepIds[b][i] == pad ? Float.NaN : probability[b][i]);
                }
                finished[b] |= reachedBudget || stoppedEarly;
            }
            if (trace != null) {
                float[][] tl = new float[batch][];
                for (int b = 0; b < batch; b++) {
                    tl[b] = Arrays.copyOfRange(taskLoss, b * k, (b + 1) * k);
                    margins[b] = Arrays.copyOf(margins[b], n);
                }
                trace.add(new StepTrace(st.frames, step, queryLength, cacheBefore, positions, stepIds, tl, margins, meet));
            }
            firstStep = false;
            lastStep = stepIds;
            if (allTrue(finished)) {
                break;
            }
            // ---- next decode step: feed this step's tokens at the frame's stale tail positions
            float[] fed = new float[batch * n * hidden];
            positions = new int[batch][n];
            for (int b = 0; b < batch; b++) {
                System.arraycopy(w.embedTokens(stepIds[b]).data(), 0, fed, b * n * hidden, n * hidden);
                for (int j = 0; j < n; j++) {
                    positions[b][j] = tail[b][j % tail[b].length];
                    st.masks[b].appendMask(true);
                }
            }
            query = Tensor.wrap(fed, batch * n, hidden);
            queryLength = n;
        }

        // ---- epilogue: pads of this frame are masked for later frames; the last step becomes pending
        int total = generated[0].size();
        int lastCount = lastStep[0].length;
        int[][] ids = new int[batch][total];
        float[][] confidence = new float[batch][total];
        for (int b = 0; b < batch; b++) {
            AttentionMask seq = st.masks[b];
            for (int j = 0; j < total; j++) {
                ids[b][j] = generated[b].get(j);
                confidence[b][j] = confidences[b].get(j);
            }
            for (int j = 0; j < total - lastCount; j++) {
                seq.setMask(frameStart + j, ids[b][j] != pad);
            }
            for (int j = total - lastCount; j < total; j++) {
                seq.appendMask(ids[b][j] != pad);
            }
        }
        st.pending = lastStep;
        st.frames++;
        return new FrameOutput(ids, confidence);
    }

    /**
     * One step's greedy choice: {@code count} heads chose, ids {@code tokens[b][i]} with their margins and
     * softmax probabilities (all {@code [B][K]}, NaN where unknown); fewer than K means the step stopped early.
     */
    private record Choice(int[][] tokens, int count, float[][] margins, float[][] probability, float[] taskLoss) {
    }

    /** The reference selection on the host: mask, then argmax head by head (spec 4.3). */
    private Choice chooseOnHost(DecoderHeads heads, List<Integer>[] generated, boolean[] finished, int already, int room,
                                boolean withMargins) {
        int batch = finished.length;
        float[] scores = heads.logits().data().clone();
        float[][] margins = new float[batch][k];
        float[][] probability = new float[batch][k];
        int[][] tokens = new int[batch][k];
        // A head can only be fully forbidden (which stops the step for every row) once every cell id has been
        // used in this frame or step; until then rows are independent and choose in parallel.
        int wanted = Math.min(k, room);
        boolean rowsIndependent = already + wanted - 1 < vocab - 1;
        int chosen = rowsIndependent ? wanted : 0;
        if (rowsIndependent) {
            backend.forEachTask(batch, b -> {
                forbidFrame(scores, b, generated[b]);
                for (int i = 0; i < wanted; i++) {
                    select(scores, b, i, finished[b], withMargins, tokens, margins, probability);
                }
            });
        } else {
            for (int b = 0; b < batch; b++) {
                forbidFrame(scores, b, generated[b]);
            }
            while (chosen < wanted && !allForbidden(scores, batch, chosen)) {
                for (int b = 0; b < batch; b++) {
                    select(scores, b, chosen, finished[b], withMargins, tokens, margins, probability);
                }
                chosen++;
            }
        }
        return new Choice(tokens, chosen, margins, probability, heads.taskLoss().data());
    }

    /** Forbids, for every head of row {@code b}, the ids already emitted in this frame and the pad id. */
    private void forbidFrame(float[] scores, int b, List<Integer> generated) {
        for (int id : generated) {
            forbid(scores, b, 0, id);
        }
        forbid(scores, b, 0, pad);
    }

    /** Head {@code i} of row {@code b}: first maximal id, its margin and probability; later heads may not repeat it. */
    private void select(float[] scores, int b, int i, boolean finished, boolean withMargins, int[][] tokens, float[][] margins,
                        float[][] probability) {
        int off = (b * k + i) * vocab;
        int best = backend.argmax(scores, off, vocab);
        tokens[b][i] = best < 0 ? 0 : best;
        margins[b][i] = !withMargins || finished ? Float.NaN : margin(scores, off, tokens[b][i]);
        probability[b][i] = best < 0 ? Float.NaN : probabilityOfMax(scores, off, tokens[b][i]);
        forbid(scores, b, i + 1, tokens[b][i]);
    }

    /**
     * The same selection done by the decoder session next to the logits; {@code fed} are the ids of the
     * previous step (now fed and forbidden), null on the frame's first step.
     */
    private Choice chooseOnDevice(GazeState st, Tensor query, int perRow, int[][] positions, int[][] fed, boolean[] finished, int room) {
        int batch = finished.length;
        TokenChoice c = st.decoder.forwardAndChoose(query, perRow, positions, st.maskArrays(), fed, pad);
        int[][] tokens = new int[batch][k];
        float[][] margins = new float[batch][k];
        float[][] probability = new float[batch][k];
        int chosen = 0;
        for (; chosen < Math.min(k, room); chosen++) {
            boolean any = false;
            for (int b = 0; b < batch; b++) {
                int best = c.tokens()[b][chosen];
                any |= best >= 0;
                tokens[b][chosen] = best < 0 ? 0 : best;
                margins[b][chosen] = finished[b] ? Float.NaN : c.margins()[b][chosen];
                probability[b][chosen] = c.probabilities()[b][chosen];
            }
            if (!any) {
                break;
            }
        }
        return new Choice(tokens, chosen, margins, probability, c.taskLoss());
    }

    /** Softmax probability of the maximum {@code best} over one head's processed scores. */
    private float probabilityOfMax(float[] scores, int off, int best) {
        float max = scores[off + best];
        double sum = 0;
        for (int v = 0; v < vocab; v++) {
            float s = scores[off + v];
            if (s != Float.NEGATIVE_INFINITY) {
                sum += Math.exp((double) s - max);
            }
        }
        return (float) (1 / sum);
    }

    private void forbid(float[] scores, int row, int fromHead, int id) {
        for (int h = fromHead; h < k; h++) {
            scores[(row * k + h) * vocab + id] = Float.NEGATIVE_INFINITY;
        }
    }

    private boolean allForbidden(float[] scores, int batch, int head) {
        for (int b = 0; b < batch; b++) {
            int off = (b * k + head) * vocab;
            for (int v = 0; v < vocab; v++) {
                if (scores[off + v] != Float.NEGATIVE_INFINITY) {
                    return false;
                }
            }
        }
        return true;
    }

    private float margin(float[] scores, int off, int best) {
        float second = Float.NEGATIVE_INFINITY;
        for (int v = 0; v < vocab; v++) {
            if (v != best && scores[off + v] > second) {
                second = scores[off + v];
            }
        }
        return scores[off + best] - second;
    }

    private static boolean allTrue(boolean[] a) {
        for (boolean b : a) {
            if (!b) {
                return false;
            }
        }
        return true;
    }

    @SuppressWarnings("unchecked")
    private static <T> List<T>[] newLists(int n) {
        List<T>[] l = new List[n];
        for (int i = 0; i < n; i++) {
            l[i] = new ArrayList<>();
        }
        return l;
    }
}
