package io.autogaze4j.kernels;

import io.autogaze4j.tensor.FrameSteps;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.jocl.Sizeof;
import org.jocl.cl_kernel;
import org.jocl.cl_mem;
import org.jocl.cl_program;

/**
 * The device side of {@link ClDecoderSession#forwardFrame} (the decode loop of one frame without a host round trip per
 * step): every step's parameters packed into one upload, copied step by step into the session's step buffer; the
 * {@code feed_step} kernel, which writes a decode step's fed ids and embeddings from the results of the step before it;
 * every step's results kept on the device until one read at the end of the frame.
 *
 * <p>Used by one session under the context's lock, per frame in this order: {@link #upload}, then per step
 * {@link #enqueueInput} before its layers and {@link #keepResults} after its heads, then {@link #read}.
 */
final class ClFrameLoop implements AutoCloseable {
    private final ClContext ctx;
    private final cl_kernel feedStep;
    private final int batch;
    private final int k;
    private final int hidden;
    /** Every step's parameters of the frame, step s from byte {@code at[s]} to {@code at[s + 1]}. */
    private cl_mem params;

    private long paramsBytes;
    private long[] at = new long[1];
    /** Every step's results of the frame, step s from byte {@code s * Results.bytes(batch, k)}, and their host stage. */
    private cl_mem results;

    private ByteBuffer resultStage;
    private long resultsBytes;
    /** The device copy of the embedding table and the array it came from (uploaded again only for another array). */
    private cl_mem table;

    private float[] tableSource;
    /** The frame's task-loss stop as {@code feed_step} takes it: 1 on, 0 off, and the float32 threshold. */
    private int stop;

    private float threshold;

    /**
     * @param program the session's decoder.cl build of the step kernels (it holds {@code feed_step})
     * @param batch   batch rows of the session
     * @param k       heads (ids per decode step at most)
     * @param hidden  embedding width
     */
    ClFrameLoop(ClContext ctx, cl_program program, int batch, int k, int hidden) {
        this.ctx = ctx;
        this.feedStep = ClContext.ownedKernel(program, "feed_step");
        this.batch = batch;
        this.k = k;
        this.hidden = hidden;
    }

    /**
     * Packs every step of {@code plan} into {@code stage} (the decode steps' fed ids and embeddings left empty:
     * {@code feed_step} writes them) and enqueues one upload, with the embedding table when it is another array. The
     * mask entries each step uploads are copied into {@code deviceMask}, the session's record of what the device holds.
     */
    void upload(FrameSteps plan, List<StepLayout.Header> headers, PinnedStage stage, byte[][] deviceMask) {
        int steps = headers.size();
        at = new long[steps + 1];
        for (int s = 0; s < steps; s++) {
            at[s + 1] = at[s] + (long) headers.get(s).ints(hidden) * Sizeof.cl_int;
        }
        ByteBuffer packed = stage.reserve(at[steps]);
        int decodeFrom = headers.get(0).first() + headers.get(0).perRow();
        int end = headers.get(steps - 1).first() + headers.get(steps - 1).perRow();
        byte[][] masks = new byte[batch][];
        for (int b = 0; b < batch; b++) {
            masks[b] = Arrays.copyOf(plan.masks()[b], end);
            Arrays.fill(masks[b], decodeFrom, end, (byte) 1); // every decode step's tokens are visible
        }
        for (int s = 0; s < steps; s++) {
            StepLayout.Header h = headers.get(s);
            int[][] positions = s == 0 ? plan.prefillPositions() : tailPositions(plan.tail(), h.perRow());
            float[] embeddings = s == 0 ? plan.prefill().data() : new float[h.rows() * hidden];
            ByteBuffer step =
                    packed.slice((int) at[s], (int) (at[s + 1] - at[s])).order(ByteOrder.nativeOrder());
            StepLayout.pack(step, h, positions, new int[batch][h.perRow()], masks, embeddings, hidden);
            for (int b = 0; b < batch; b++) {
                System.arraycopy(masks[b], h.maskLo(), deviceMask[b], h.maskLo(), h.maskSpan());
            }
        }
        if (at[steps] > paramsBytes) {
            ClContext.release(params);
            paramsBytes = Math.max(at[steps], paramsBytes * 2);
            params = ctx.alloc(paramsBytes);
        }
        stage.send(params, at[steps]);
        if (plan.embeddings().data() != tableSource) {
            ClContext.release(table);
            table = ctx.upload(plan.embeddings().data());
            tableSource = plan.embeddings().data();
        }
        long bytes = StepLayout.Results.bytes(batch, k) * steps;
        if (bytes > resultsBytes) {
            ClContext.release(results);
            resultsBytes = Math.max(bytes, resultsBytes * 2);
            results = ctx.alloc(resultsBytes);
            resultStage = ClContext.direct(resultsBytes);
        }
        stop = plan.taskLossStop().isPresent() ? 1 : 0;
        threshold = (float) plan.taskLossStop().orElse(0);
    }

    /** Token j of row b of a decode step sits at {@code tail[b][j % T]}. */
    private int[][] tailPositions(int[][] tail, int perRow) {
        int[][] positions = new int[batch][perRow];
        for (int b = 0; b < batch; b++) {
            for (int j = 0; j < perRow; j++) {
                positions[b][j] = tail[b][j % tail[b].length];
            }
        }
        return positions;
    }

    /**
     * Enqueues step {@code s}'s input: its parameters copied into {@code stepParams} (the buffer the layers read) and,
     * for a decode step, {@code feed_step} writing its fed ids and embeddings from step {@code s - 1}'s results.
     */
    void enqueueInput(int s, StepLayout.Header header, cl_mem stepParams) {
        ctx.copy(params, at[s], stepParams, 0, at[s + 1] - at[s]);
        if (s > 0) {
            ClContext.args(feedStep, stepParams, results, table, s - 1, stop, threshold);
            ctx.launch(feedStep, "feed_step", new long[] {(long) header.rows() * hidden}, null);
        }
    }

    /** Enqueues the copy of step {@code s}'s results ({@code stepResults}, written by the heads) into the frame's. */
    void keepResults(int s, cl_mem stepResults) {
        long bytes = StepLayout.Results.bytes(batch, k);
        ctx.copy(stepResults, 0, results, s * bytes, bytes);
    }

    /**
     * Waits for the frame and reads the results of its {@code steps} steps, step 0 first. They are views of one host
     * stage: read them before the next frame.
     */
    List<StepLayout.Results> read(int steps) {
        long bytes = StepLayout.Results.bytes(batch, k);
        resultStage.clear();
        ctx.readWhenDone(results, resultStage, bytes * steps);
        List<StepLayout.Results> out = new ArrayList<>();
        for (int s = 0; s < steps; s++) {
            ByteBuffer words = resultStage.slice((int) (s * bytes), (int) bytes).order(ByteOrder.nativeOrder());
            out.add(new StepLayout.Results(words, batch, k));
        }
        return out;
    }

    @Override
    public void close() {
        ClContext.release(params, results, table);
        ClContext.release(feedStep);
    }
}
