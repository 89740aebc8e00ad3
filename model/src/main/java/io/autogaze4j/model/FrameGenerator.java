package io.autogaze4j.model;

import io.autogaze4j.tensor.Backend;
import io.autogaze4j.tensor.DecoderHeads;
import io.autogaze4j.tensor.DeviceTokens;
import io.autogaze4j.tensor.FrameSteps;
import io.autogaze4j.tensor.SubmittedFrame;
import io.autogaze4j.tensor.Tensor;
import io.autogaze4j.tensor.TokenChoice;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.OptionalDouble;

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
    record FrameOutput(int[][] ids, float[][] confidence) {}

    /**
     * Gazes the next {@code vision.frames()} frames of every row, in order: {@code vision.frame(t)} holds every row's
     * {@code [196, hidden]} embeddings of the t-th (on the host or kept on the device), {@code budgets[t]} its token
     * budget. Each frame is a prefill, decode steps until every row is finished, then the end-of-frame mask bookkeeping.
     * Each frame's embeddings are asked for just before the frame is planned, and {@code vision} is told once the decoder
     * holds it (it then submits the vision work of later frames behind it).
     *
     * <p>With a decoder that {@link io.autogaze4j.tensor.DecoderSession#pipelinesFrames pipelines frames} and no task-loss
     * stop, frame t + 1 is planned and enqueued before frame t's choices are read, so the device runs it while the host
     * replays frame t. Nothing of it depends on those choices but the ids of frame t's last step (its carried tokens,
     * gathered on the device): without a stop every token is kept, so the masks and positions follow from the budget.
     * Once frame t is replayed the prediction is checked against the real bookkeeping.
     */
    List<FrameOutput> run(
            GazeState st, VisionChunks vision, int[] budgets, Budget.TaskLossStop stop, List<StepTrace> trace) {
        boolean overlap = st.decoder.pipelinesFrames() && !stop.on();
        List<FrameOutput> out = new ArrayList<>();
        Started current = null;
        for (int t = 0; t < vision.frames(); t++) {
            if (current == null) {
                current = start(st, vision.frame(t), budgets[t], stop);
                vision.enqueued(t);
            }
            Started next = overlap && current.choices() != null && t + 1 < vision.frames()
                    ? startAhead(st, current.frame(), vision.frame(t + 1), budgets[t + 1])
                    : null;
            if (next != null) {
                vision.enqueued(t + 1);
            }
            out.add(finish(st, current, stop, trace));
            if (next != null) {
                confirm(st, next, current.frame().cacheLength);
            }
            current = next;
        }
        return out;
    }

    /**
     * A frame begun: its loop state, and its choices from the decoder when they were planned on the device (null: step
     * by step). {@code predicted}: for a frame planned ahead, the masks it was planned on (else null).
     */
    private record Started(Frame frame, SubmittedFrame choices, AttentionMask[] predicted) {}

    /** The frame's prefill and, where the decoder takes whole frames, its steps enqueued (or run). */
    private Started start(GazeState st, FrameTokens vision, int budget, Budget.TaskLossStop stop) {
        long t0 = System.nanoTime();
        int nPending = st.pending == null ? 0 : st.pending[0].length;
        Frame f = prefill(st.masks, st.pending, nPending, tokensFor(st, vision, budget), budget, st.decoder.length());
        FrameSteps plan = frameOnDevice(st, f, st.maskArrays(), stop);
        backend.hostTime("host: generator: prefill (embeddings, masks, positions)", System.nanoTime() - t0);
        SubmittedFrame choices = null;
        if (plan != null && st.decoder.pipelinesFrames() && !stop.on()) {
            choices = st.decoder.submitFrame(plan);
        } else if (plan != null) {
            List<TokenChoice> all = st.decoder.forwardFrame(plan);
            choices = () -> all;
        }
        f.deviceLength = st.decoder.length();
        return new Started(f, choices, null);
    }

    /**
     * Plans and enqueues the frame after {@code f} (enqueued, not replayed yet) as it will be once {@code f} is done:
     * every row keeps all {@code f.budget} tokens of {@code f} (no task-loss stop), its last step's ids are the carried
     * tokens of this frame's prefill.
     */
    private Started startAhead(GazeState st, Frame f, FrameTokens vision, int budget) {
        long t0 = System.nanoTime();
        int batch = st.batch();
        AttentionMask[] masks = new AttentionMask[batch];
        for (int b = 0; b < batch; b++) {
            masks[b] = st.masks[b].copy();
            for (int j = 0; j < f.budget; j++) {
                masks[b].appendMask(true);
            }
        }
        int carried = f.plannedSizes.get(f.plannedSizes.size() - 1);
        Frame next = prefill(masks, null, carried, tokensFor(st, vision, budget), budget, st.decoder.length());
        FrameSteps plan = frameOnDevice(st, next, GazeState.maskArrays(masks), Budget.TaskLossStop.NONE);
        backend.hostTime("host: generator: next frame planned ahead", System.nanoTime() - t0);
        if (plan == null) {
            return null;
        }
        SubmittedFrame choices = st.decoder.submitFrame(plan.carrying(carried));
        next.deviceLength = st.decoder.length();
        return new Started(next, choices, masks);
    }

    /**
     * The real bookkeeping of a frame planned ahead, now that the frame before it is done ({@code cacheLength}: the
     * decoder entries it left): the vision tokens join the masks, and masks, positions, carried tokens and cache length
     * must be what the frame was planned on.
     *
     * @throws IllegalStateException when they are not (the plan ahead is only made where that cannot happen)
     */
    private void confirm(GazeState st, Started ahead, int cacheLength) {
        long t0 = System.nanoTime();
        Frame f = ahead.frame();
        int visionTokens = f.queryLength - st.pending[0].length;
        Positions real = appendVision(st.masks, visionTokens, f.queryLength);
        boolean same = cacheLength == f.cacheLength
                && Arrays.deepEquals(real.prefill(), f.positions)
                && Arrays.deepEquals(real.tail(), f.tail);
        for (int b = 0; b < st.batch(); b++) {
            same &= st.masks[b].sameAs(ahead.predicted()[b]);
        }
        if (!same) {
            throw new IllegalStateException(
                    "frame " + st.frames + " was enqueued ahead on masks and positions that did not come true");
        }
        backend.hostTime("host: generator: frame planned ahead confirmed", System.nanoTime() - t0);
    }

    /** Each row's rotary positions of a prefill and the last K positions (where the decode steps are fed). */
    private record Positions(int[][] prefill, int[][] tail) {}

    /** Appends {@code visionTokens} valid entries to every row's mask; the positions of the last {@code prefill} entries. */
    private Positions appendVision(AttentionMask[] masks, int visionTokens, int prefill) {
        int batch = masks.length;
        int[][] positions = new int[batch][];
        int[][] tail = new int[batch][];
        for (int b = 0; b < batch; b++) {
            AttentionMask seq = masks[b];
            for (int i = 0; i < visionTokens; i++) {
                seq.appendMask(true);
            }
            int[] full = seq.cumulativePositions();
            positions[b] = Arrays.copyOfRange(full, full.length - prefill, full.length);
            tail[b] = Arrays.copyOfRange(full, Math.max(0, full.length - k), full.length);
        }
        return new Positions(positions, tail);
    }

    /**
     * Replays a begun frame: its choices (from the decoder's plan, or asked step by step) turned into ids, the
     * task-loss stop and budget applied, then the end-of-frame mask bookkeeping.
     */
    private FrameOutput finish(GazeState st, Started started, Budget.TaskLossStop stop, List<StepTrace> trace) {
        Frame f = started.frame();
        Deque<TokenChoice> planned = started.choices() == null
                ? new ArrayDeque<>()
                : new ArrayDeque<>(started.choices().choices());
        long t0 = System.nanoTime();
        for (int step = 0; ; step++) {
            int[][] stepIds = step(st, f, step, stop, trace, planned);
            if (allTrue(f.finished)) {
                break;
            }
            feed(st, f, stepIds, planned.isEmpty());
        }
        if (started.choices() != null && f.deviceLength > f.cacheLength) {
            st.decoder.rewind(f.cacheLength); // every row finished before the steps the device ran (task-loss stop)
        }
        FrameOutput out = endOfFrame(st, f);
        if (started.choices() != null) {
            backend.hostTime("host: generator: replay of the frame's choices (ids, masks)", System.nanoTime() - t0);
        }
        return out;
    }

    /**
     * Every step's choice of the frame at once, when the decoder can gather each step's input from the previous choice
     * on the device and the frame has fewer tokens than ids in the vocabulary (no step can find every id forbidden).
     * The plan runs K ids per step until the budget; with a task-loss stop the rows may all finish sooner, and
     * {@link #finish} rewinds the decoder over the steps it ran but did not need. Otherwise null, and {@link #step} asks
     * the decoder step by step. The host still replays each step ({@link #step}, {@link #feed}): the choices arrive in
     * one piece, the rules that turn them into ids and masks stay here (the device applies the same to feed its steps).
     */
    private FrameSteps frameOnDevice(GazeState st, Frame f, byte[][] masks, Budget.TaskLossStop stop) {
        if (!plansOnDevice(st, f.budget)) {
            return null;
        }
        List<Integer> sizes = new ArrayList<>();
        for (int taken = 0; taken < f.budget; taken += k) {
            sizes.add(Math.min(k, f.budget - taken));
        }
        f.plannedSizes = List.copyOf(sizes);
        FrameSteps plan = new FrameSteps(
                f.query,
                f.queryLength,
                f.positions,
                masks,
                f.tail,
                sizes,
                w.embeddingTable(),
                pad,
                stop.on() ? OptionalDouble.of(stop.threshold()) : OptionalDouble.empty());
        return f.resident == null ? plan : plan.readingInPlace(f.query, f.resident);
    }

    /** Whether a frame of {@code budget} tokens is planned on the device ({@link #frameOnDevice}). */
    private boolean plansOnDevice(GazeState st, int budget) {
        return st.decoder.decodesFrames() && budget < vocab;
    }

    /**
     * The frame's vision tokens as its prefill takes them: where they stay on the device, as they are if the frame is
     * planned on the device (its plan reads them there), else read back.
     */
    private FrameTokens tokensFor(GazeState st, FrameTokens vision, int budget) {
        return vision.device() == null || plansOnDevice(st, budget) ? vision : FrameTokens.onHost(vision.host());
    }

    /**
     * One frame's loop state for a batch of rows.
     *
     * <p>Tokens so far: {@code ids[b][0..count)} and their {@code confidence} (every row has the same count).
     * The next decoder call: {@code query} {@code [B * queryLength, hidden]} at {@code positions [B][queryLength]}; a
     * prefill whose vision tokens stay on the device ({@code resident}) has only the tokens before them in
     * {@code query}.
     */
    private static final class Frame {
        final int budget;
        final int[][] ids;
        final float[][] confidence;
        final boolean[] finished;
        /** Each row's last K prefill positions: where the frame's decode steps are fed (stale positions, spec 4.4). */
        final int[][] tail;
        /** First mask index of this frame's gaze tokens. */
        final int frameStart;

        int count;
        Tensor query;
        int queryLength;
        int[][] positions;
        /** The previous step's ids, fed in this step; null before the frame's first step. */
        int[][] lastStep;
        /** Decoder cache entries before this step (kept here: a frame decoded on the device has advanced the session already). */
        int cacheLength;
        /** The decoder's cache entries once the frame's planned steps were enqueued (the session's count, then). */
        int deviceLength;
        /** Ids per step of the frame's plan on the device, step 0 first; null when decoded step by step. */
        List<Integer> plannedSizes;
        /** The prefill's vision tokens where they stay on the device (its plan reads them there); null: in the query. */
        DeviceTokens.Frame resident;

        Frame(int batch, int budget, int[][] tail, int frameStart, Tensor query, int queryLength, int[][] positions) {
            this.budget = budget;
            this.ids = new int[batch][budget];
            this.confidence = new float[batch][budget];
            this.finished = new boolean[batch];
            this.tail = tail;
            this.frameStart = frameStart;
            this.query = query;
            this.queryLength = queryLength;
            this.positions = positions;
        }

        boolean firstStep() {
            return lastStep == null;
        }
    }

    /**
     * The frame's first decoder call: the previous frame's {@code nPending} pending tokens ({@code pending}, or left
     * zero when null: carried on the device), then this frame's vision tokens, appended to {@code masks}. Vision tokens
     * on the device stay there: the query holds the pending tokens alone.
     */
    private Frame prefill(
            AttentionMask[] masks, int[][] pending, int nPending, FrameTokens vision, int budget, int cacheLength) {
        int batch = masks.length;
        int hidden = w.config.decoder().hiddenSize();
        int visionTokens = vision.count();
        int prefill = nPending + visionTokens;
        boolean resident = vision.device() != null;
        int hostPerRow = resident ? nPending : prefill;
        Tensor[] host = resident ? null : vision.host();
        float[] x = new float[batch * hostPerRow * hidden];
        for (int b = 0; b < batch; b++) {
            if (pending != null && nPending > 0) {
                System.arraycopy(w.embedTokens(pending[b]).data(), 0, x, b * hostPerRow * hidden, nPending * hidden);
            }
            if (!resident) {
                System.arraycopy(host[b].data(), 0, x, (b * prefill + nPending) * hidden, visionTokens * hidden);
            }
        }
        Positions p = appendVision(masks, visionTokens, prefill);
        int frameStart = masks[0].maskLength(); // the frame's gaze tokens come after its vision tokens
        Frame f = new Frame(
                batch, budget, p.tail(), frameStart, Tensor.wrap(x, batch * hostPerRow, hidden), prefill, p.prefill());
        f.cacheLength = cacheLength;
        f.resident = vision.device();
        return f;
    }

    /**
     * One decoder call and its choice: up to K ids per row, the task-loss stop (never on the frame's first token) and
     * the budget; finished rows get pads. Appends the ids to the frame and returns them {@code [B][n]}.
     */
    private int[][] step(
            GazeState st,
            Frame f,
            int step,
            Budget.TaskLossStop stop,
            List<StepTrace> trace,
            Deque<TokenChoice> planned) {
        int batch = f.finished.length;
        int cacheBefore = f.cacheLength;
        f.cacheLength += f.queryLength;
        int already = f.count;
        int room = f.budget - already;
        Choice choice = !planned.isEmpty()
                ? deviceChoice(planned.poll(), f.finished, room)
                : st.decoder.choosesTokens()
                        ? chooseOnDevice(st, f.query, f.queryLength, f.positions, f.lastStep, f.finished, room)
                        : chooseOnHost(
                                st.decoder.forward(f.query, f.queryLength, f.positions, st.maskArrays(), null),
                                f,
                                room,
                                trace != null);
        float[][] margins = choice.margins();
        float[] taskLoss = choice.taskLoss();
        int n = choice.count();
        boolean stoppedEarly = n < k;
        boolean[][] meet = new boolean[batch][n];
        int[][] stepIds = new int[batch][n];
        for (int b = 0; b < batch; b++) {
            boolean rowMeets = false;
            for (int i = 0; i < n; i++) {
                int id = f.finished[b] ? pad : choice.tokens()[b][i];
                if (!(f.firstStep() && i == 0) && stop.meets(taskLoss[b * k + i])) {
                    meet[b][i] = true;
                    rowMeets = true;
                    id = pad;
                }
                stepIds[b][i] = id;
            }
            f.finished[b] |= rowMeets;
        }
        boolean reachedBudget = n + already >= f.budget;
        for (int b = 0; b < batch; b++) {
            for (int i = 0; i < n; i++) {
                f.ids[b][already + i] = stepIds[b][i];
                f.confidence[b][already + i] = stepIds[b][i] == pad ? Float.NaN : choice.probability()[b][i];
            }
            f.finished[b] |= reachedBudget || stoppedEarly;
        }
        f.count += n;
        if (trace != null) {
            float[][] tl = new float[batch][];
            for (int b = 0; b < batch; b++) {
                tl[b] = Arrays.copyOfRange(taskLoss, b * k, (b + 1) * k);
                margins[b] = Arrays.copyOf(margins[b], n);
            }
            trace.add(new StepTrace(
                    st.frames, step, f.queryLength, cacheBefore, f.positions, stepIds, tl, margins, meet));
        }
        f.lastStep = stepIds;
        return stepIds;
    }

    /**
     * The next decode step's input: this step's tokens at the frame's stale tail positions; their embeddings only when
     * {@code embed} (a step planned on the device was fed there).
     */
    private void feed(GazeState st, Frame f, int[][] stepIds, boolean embed) {
        int batch = stepIds.length;
        int n = stepIds[0].length;
        int hidden = w.config.decoder().hiddenSize();
        float[] fed = embed ? new float[batch * n * hidden] : null;
        int[][] positions = new int[batch][n];
        for (int b = 0; b < batch; b++) {
            if (embed) {
                System.arraycopy(w.embedTokens(stepIds[b]).data(), 0, fed, b * n * hidden, n * hidden);
            }
            for (int j = 0; j < n; j++) {
                positions[b][j] = f.tail[b][j % f.tail[b].length];
                st.masks[b].appendMask(true);
            }
        }
        f.query = embed ? Tensor.wrap(fed, batch * n, hidden) : null;
        f.queryLength = n;
        f.positions = positions;
    }

    /** The frame's pads are masked for later frames; the last step's tokens become the next frame's pending tokens. */
    private FrameOutput endOfFrame(GazeState st, Frame f) {
        int batch = f.finished.length;
        int total = f.count;
        int lastCount = f.lastStep[0].length;
        int[][] ids = new int[batch][];
        float[][] confidence = new float[batch][];
        for (int b = 0; b < batch; b++) {
            AttentionMask seq = st.masks[b];
            ids[b] = Arrays.copyOf(f.ids[b], total);
            confidence[b] = Arrays.copyOf(f.confidence[b], total);
            for (int j = 0; j < total - lastCount; j++) {
                seq.setMask(f.frameStart + j, ids[b][j] != pad);
            }
            for (int j = total - lastCount; j < total; j++) {
                seq.appendMask(ids[b][j] != pad);
            }
        }
        st.pending = f.lastStep;
        st.frames++;
        return new FrameOutput(ids, confidence);
    }

    /**
     * One step's greedy choice: {@code count} heads chose, ids {@code tokens[b][i]} with their margins and
     * softmax probabilities (all {@code [B][K]}, NaN where unknown); fewer than K means the step stopped early.
     */
    private record Choice(int[][] tokens, int count, float[][] margins, float[][] probability, float[] taskLoss) {}

    /**
     * The reference selection on the host: mask, then argmax head by head (spec 4.3). Device twin: the
     * {@code heads_choose} kernel of {@code kernels/decoder.cl}, reached through {@link #chooseOnDevice}.
     */
    private Choice chooseOnHost(DecoderHeads heads, Frame f, int room, boolean withMargins) {
        boolean[] finished = f.finished;
        int already = f.count;
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
                forbidFrame(scores, b, f.ids[b], already);
                for (int i = 0; i < wanted; i++) {
                    select(scores, b, i, finished[b], withMargins, tokens, margins, probability);
                }
            });
        } else {
            for (int b = 0; b < batch; b++) {
                forbidFrame(scores, b, f.ids[b], already);
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

    /** Forbids, for every head of row {@code b}, the ids already emitted in this frame ({@code ids[0..count)}) and the pad id. */
    private void forbidFrame(float[] scores, int b, int[] ids, int count) {
        for (int j = 0; j < count; j++) {
            forbid(scores, b, 0, ids[j]);
        }
        forbid(scores, b, 0, pad);
    }

    /** Head {@code i} of row {@code b}: first maximal id, its margin and probability; later heads may not repeat it. */
    private void select(
            float[] scores,
            int b,
            int i,
            boolean finished,
            boolean withMargins,
            int[][] tokens,
            float[][] margins,
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
    private Choice chooseOnDevice(
            GazeState st, Tensor query, int perRow, int[][] positions, int[][] fed, boolean[] finished, int room) {
        return deviceChoice(
                st.decoder.forwardAndChoose(query, perRow, positions, st.maskArrays(), fed, pad), finished, room);
    }

    /** A choice made by the decoder session, as {@link #chooseOnHost} returns it: heads in order until one found no id. */
    private Choice deviceChoice(TokenChoice c, boolean[] finished, int room) {
        int batch = finished.length;
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
}
