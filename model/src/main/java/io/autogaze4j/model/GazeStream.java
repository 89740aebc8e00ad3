package io.autogaze4j.model;

import java.util.ArrayList;
import java.util.List;

/**
 * A streaming gazing session: feed frames one or a few at a time, and every call returns the gazing of
 * just those frames, identical to what the whole clip would give. It holds the conv, KV-cache and mask
 * state of a batch of independent rows; close it to release that memory. Not thread-safe: use one
 * stream per thread (the model itself may be shared).
 */
public final class GazeStream implements AutoCloseable {
    private final AutoGaze model;
    private final GazeOptions options;
    private final Budget budget;
    private final int maxFrames;
    private GazeState state;

    GazeStream(AutoGaze model, int batch, GazeOptions options, int expectedFrames) {
        if (batch < 1) {
            throw new IllegalArgumentException("batch must be >= 1, got " + batch);
        }
        this.model = model;
        this.options = options;
        this.budget = Budget.resolve(options, model.config());
        this.maxFrames = options.maxFrames() == 0 ? model.config().maxNumFrames() : options.maxFrames();
        int perFrame = model.config().visionTokensPerFrame() + model.config().cellsPerFrame();
        int k = model.config().numHeads();
        int maxEntries = maxFrames * perFrame + k;
        int firstFrames = Math.max(1, Math.min(expectedFrames, maxFrames));
        int initial =
                Math.min(maxEntries, firstFrames * (model.config().visionTokensPerFrame() + budget.maxTokens()) + k);
        long t0 = System.nanoTime();
        this.state = GazeState.create(model.weights(), model.backend(), model.encoder(), batch, initial, maxEntries);
        model.backend().hostTime("host: gaze call: sessions opened (decoder, vision)", System.nanoTime() - t0);
    }

    /** Rows in this stream. */
    public int batch() {
        return state.batch();
    }

    /** Frames processed so far. */
    public int framesSeen() {
        return state.frames;
    }

    /**
     * Gazes the next frames. {@code frames} must have this stream's batch size; its frames continue the
     * stream. The result's ids count frames from 0 within this call ({@link GazeResult#firstFrame()}
     * says where they start), as the official streaming API does.
     */
    public GazeResult push(VideoClip frames) {
        if (state == null) {
            throw new IllegalStateException("stream is closed");
        }
        model.ensureOpen();
        if (frames.batch() != state.batch()) {
            throw new IllegalArgumentException(
                    "stream has batch " + state.batch() + " but the clip has batch " + frames.batch());
        }
        if (state.frames + frames.frames() > maxFrames) {
            throw new IllegalArgumentException(
                    "stream would hold " + (state.frames + frames.frames()) + " frames but its caches hold at most "
                            + maxFrames + " (raise GazeOptions.maxFrames, or split the video into clips)");
        }
        long t0 = System.nanoTime();
        model.checkInput(frames);
        model.backend().hostTime("host: gaze call: input checked", System.nanoTime() - t0);
        int first = state.frames;
        List<StepTrace> trace = options.recordTrace() ? new ArrayList<>() : null;
        int[] budgets = new int[frames.frames()];
        for (int t = 0; t < frames.frames(); t++) {
            budgets[t] = budget.tokens(first + t);
        }
        List<FrameGenerator.FrameOutput> perFrame;
        try (VisionChunks vision = new VisionChunks(
                state.vision, model.encoder().inputClip(frames), model.backend(), state.decoder::readsInPlace)) {
            perFrame = model.generator().run(state, vision, budgets, budget.stop(), trace);
        }
        long t1 = System.nanoTime();
        GazeResult result = assemble(first, perFrame, trace);
        model.backend().hostTime("host: gaze call: result assembled", System.nanoTime() - t1);
        return result;
    }

    private GazeResult assemble(int first, List<FrameGenerator.FrameOutput> perFrame, List<StepTrace> trace) {
        int batch = state.batch();
        int cells = model.config().cellsPerFrame();
        int pad = model.config().decoder().eosTokenId();
        int total = 0;
        int[] counts = new int[perFrame.size()];
        for (int t = 0; t < counts.length; t++) {
            counts[t] = perFrame.get(t).ids()[0].length;
            total += counts[t];
        }
        long[][] pos = new long[batch][total];
        boolean[][] padded = new boolean[batch][total];
        float[][] confidence = new float[batch][total];
        for (int b = 0; b < batch; b++) {
            int j = 0;
            for (int t = 0; t < counts.length; t++) {
                int[] ids = perFrame.get(t).ids()[b];
                for (int i = 0; i < ids.length; i++, j++) {
                    pos[b][j] = (long) t * cells + ids[i];
                    padded[b][j] = ids[i] == pad;
                    confidence[b][j] = perFrame.get(t).confidence()[b][i];
                }
            }
        }
        return new GazeResult(
                model.layout(), first, pos, padded, counts, trace == null ? List.of() : trace, confidence);
    }

    @Override
    public void close() {
        if (state != null) {
            state.close();
        }
        state = null;
    }
}
