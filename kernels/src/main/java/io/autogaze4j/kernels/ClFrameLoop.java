package io.autogaze4j.kernels;

import static org.jocl.CL.clEnqueueCopyBufferRect;

import io.autogaze4j.tensor.DeviceTokens;
import io.autogaze4j.tensor.FrameSteps;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.jocl.Sizeof;
import org.jocl.cl_event;
import org.jocl.cl_kernel;
import org.jocl.cl_mem;
import org.jocl.cl_program;

/**
 * The device side of {@link ClDecoderSession#forwardFrame} and {@link ClDecoderSession#submitFrame} (the decode loop of
 * one frame without a host round trip per step): every step's parameters packed into one upload, each step's region of
 * it a sub-buffer that step's kernels read as their parameter buffer (no copy per step); a decode step's fed ids and
 * embeddings gathered from the results of the step before it, by {@code feed_qkv_rope} (the session's layer 0) or by
 * the {@code feed_step} kernel; every step's results written by the heads straight into the frame's results buffer
 * ({@link StepLayout#P_STEP}) and kept on the device until one read at the end of the frame.
 *
 * <p>Two frames may be in flight: the one the device runs and the one the host enqueues behind it. Each has its own
 * {@link Slot} (upload stage, results buffer, results stage, pending read), used in turn, so the host packs and
 * enqueues frame f + 1 while frame f runs, and reads frame f's results after that. A frame that carries tokens
 * ({@link FrameSteps#carriedPerRow}) gets them from the previous frame's results on the device: {@code feed_step} into
 * a small carry buffer as if they were fed to a step after that frame's last, then a copy into the prefill's rows.
 *
 * <p>Used by one session under the context's lock, per frame in this order: {@link #upload}, then per step
 * {@link #enqueueInput} before its layers (with {@link #bindFeed} for a fused layer 0) and heads writing to
 * {@link #results}, then {@link #readLater} and {@link #await} (the await outside the lock is fine; the next-but-one
 * {@link #upload} waits for it otherwise).
 */
final class ClFrameLoop implements AutoCloseable {
    /** Frames in flight at once. */
    private static final int SLOTS = 2;

    private final ClContext ctx;
    private final cl_kernel feedStep;
    private final int batch;
    private final int k;
    private final int hidden;
    /**
     * Where the frame being enqueued has each step's parameters in its slot's {@link Slot#params}: step s from byte
     * {@code at[s]} (a multiple of the sub-buffer alignment) to {@code at[s + 1]}; then a carry header; then, from
     * byte {@code at[steps + 1]}, the table of {@code at[s] / 4} that persistent_frame reads (ints).
     */
    private long[] at = new long[1];
    /** The device copy of the embedding table and the array it came from (uploaded again only for another array). */
    private cl_mem table;

    private float[] tableSource;
    /** The frame's task-loss stop as {@code feed_step} takes it: 1 on, 0 off, and the float32 threshold. */
    private int stop;

    private float threshold;
    /** Parameters of the carry pseudo-step: header, ids and embeddings of the previous frame's last step's ids. */
    private cl_mem carry;

    private long carryBytes;
    private final Slot[] slots = new Slot[SLOTS];
    /** Slot of the frame being enqueued. */
    private int current = SLOTS - 1;

    /** The buffers of one frame in flight. */
    private final class Slot {
        final PinnedStage upload = new PinnedStage(ctx);
        /** Every step's results of the frame, step s from byte {@code s * Results.bytes(batch, k)}, and their host stage. */
        cl_mem results;

        ByteBuffer resultStage;
        long resultsBytes;
        /** Steps of the frame whose results are read ({@link #readLater}): the last one is what a next frame carries. */
        int steps;
        /**
         * The frame's parameters (every step's, then a carry header: {@link #at}). One per slot, not shared: a buffer
         * must outlive the sub-buffers made of it, and the other slot's frame may still hold its step regions when this
         * one grows (the NVIDIA driver crashed releasing a sub-buffer of a released parent).
         */
        cl_mem params;

        long paramsBytes;
        /** Each step's region of {@link #params}, step 0 first. */
        cl_mem[] stepParams = new cl_mem[0];
        /** The pending read of the results, null when none (or awaited). */
        cl_event read;
        /** Counts the frames of this slot: a {@link Pending} of an earlier one is stale. */
        long frame;
        /** The upload stage was sent from and no read has confirmed the transfer done yet. */
        boolean sent;

        /** A parameters buffer of at least {@code bytes}; only with no step regions of the old one left. */
        void ensureParams(long bytes) {
            if (bytes > paramsBytes) {
                ClContext.release(params);
                paramsBytes = Math.max(bytes, paramsBytes * 2);
                params = ctx.alloc(paramsBytes);
            }
        }

        void ensure(long bytes) {
            if (bytes > resultsBytes) {
                ClContext.release(results);
                resultsBytes = Math.max(bytes, resultsBytes * 2);
                results = ctx.alloc(resultsBytes);
                resultStage = ClContext.direct(resultsBytes);
            }
        }

        /** Waits until the device is done with this slot's last frame (its upload stage and results stage are free). */
        void settle() {
            if (read != null) {
                cl_event ev = read;
                read = null;
                ctx.await(ev);
            } else if (sent) {
                ctx.finish(); // a frame enqueued without a read (it failed half-way)
            }
            sent = false;
        }

        /** Releases the previous frame's step regions (the device is done with them: {@link #settle}). */
        void releaseSteps() {
            ClContext.release(stepParams);
            stepParams = new cl_mem[0];
        }

        void close() {
            try {
                settle(); // the device may still write the results stage
            } finally {
                upload.close();
                releaseSteps();
                ClContext.release(results, params);
            }
        }
    }

    /** A frame's pending read: the slot and the frame it was for. */
    record Pending(int slot, long frame, int steps) {}

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
        for (int i = 0; i < SLOTS; i++) {
            slots[i] = new Slot();
        }
    }

    /**
     * Takes the next slot (waiting for its previous frame), packs every step of {@code plan} into its stage (the decode
     * steps' fed ids and embeddings left as they are: {@code feed_step} writes them) and enqueues one upload, with the
     * embedding table when it is another array; with carried tokens, enqueues their gathering from the previous slot's
     * last step. The mask entries each step uploads are copied into {@code deviceMask}, the session's record of what
     * the device holds.
     */
    void upload(FrameSteps plan, List<StepLayout.Header> headers, byte[][] deviceMask) {
        Slot previous = slots[current];
        current = (current + 1) % SLOTS;
        Slot slot = slots[current];
        slot.settle();
        slot.releaseSteps();
        slot.frame++;
        int steps = headers.size();
        int carried = plan.carriedPerRow();
        // the carry pseudo-step: a decode step of the carried tokens without mask entries, uploaded with the frame
        StepLayout.Header carryHeader =
                carried > 0 ? new StepLayout.Header(carried, 0, 0, 0, false, batch, 1, 0) : null;
        at = new long[steps + 2];
        long align = ctx.subBufferAlign;
        for (int s = 0; s < steps; s++) {
            long end = at[s] + (long) headers.get(s).ints(hidden) * Sizeof.cl_int;
            at[s + 1] = (end + align - 1) / align * align;
        }
        at[steps + 1] = at[steps] + (carried > 0 ? (long) carryHeader.inputAt() * Sizeof.cl_int : 0);
        long bytes = at[steps + 1] + (long) steps * Sizeof.cl_int;
        ByteBuffer packed = slot.upload.reserve(bytes);
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
            boolean hostRows = s == 0 && plan.residentTokens().isPresent();
            float[] embeddings = s == 0 && !hostRows ? plan.prefill().data() : null;
            StepLayout.pack(slice(packed, s), h, positions, new int[batch][h.perRow()], masks, embeddings, hidden);
            if (hostRows) {
                packHostRows(slice(packed, s), h, plan);
            }
            for (int b = 0; b < batch; b++) {
                System.arraycopy(masks[b], h.maskLo(), deviceMask[b], h.maskLo(), h.maskSpan());
            }
        }
        if (carried > 0) {
            int[][] none = new int[batch][carried];
            StepLayout.pack(slice(packed, steps), carryHeader, none, none, masks, null, hidden);
        }
        for (int s = 0; s < steps; s++) {
            packed.putInt((int) at[steps + 1] + s * Sizeof.cl_int, (int) (at[s] / Sizeof.cl_int));
        }
        slot.ensureParams(bytes);
        send(slot, plan, headers.get(0), bytes);
        slot.sent = true;
        slot.stepParams = new cl_mem[steps];
        for (int s = 0; s < steps; s++) {
            slot.stepParams[s] = ClContext.subBuffer(slot.params, at[s], at[s + 1] - at[s]);
        }
        if (plan.embeddings().data() != tableSource) {
            ClContext.release(table);
            table = ctx.upload(plan.embeddings().data());
            tableSource = plan.embeddings().data();
        }
        slot.ensure(StepLayout.Results.bytes(batch, k) * steps);
        slot.steps = 0;
        stop = plan.taskLossStop().isPresent() ? 1 : 0;
        threshold = (float) plan.taskLossStop().orElse(0);
        if (carried > 0) {
            enqueueCarry(previous, carryHeader, headers.get(0), plan.prefillPerRow());
        }
        plan.residentTokens().ifPresent(frame -> enqueueResident(frame, headers.get(0), plan.hostPerRow()));
    }

    /**
     * Puts the host's prefill tokens of a plan with resident tokens ({@link FrameSteps#hostPerRow} per row, in
     * {@code plan.prefill()}) in front of each row's place in step 0's embeddings ({@code stepZero}, its region).
     */
    private void packHostRows(ByteBuffer stepZero, StepLayout.Header prefill, FrameSteps plan) {
        int host = plan.hostPerRow();
        FloatBuffer floats = stepZero.asFloatBuffer();
        for (int b = 0; b < batch; b++) {
            floats.put(
                    prefill.inputAt() + b * prefill.perRow() * hidden,
                    plan.prefill().data(),
                    b * host * hidden,
                    host * hidden);
        }
    }

    /**
     * Enqueues the upload of the frame's parameters from its slot's stage: all of it, or, with resident tokens, all but
     * their rows of step 0's embeddings (a frame's vision tokens: 19 MB at batch 128), which {@link #enqueueResident}
     * fills on the device: the bytes before step 0's embeddings, each row's host tokens, the bytes after them
     * ({@code bytes} in all, the step offsets of a persistent frame after the steps).
     */
    private void send(Slot slot, FrameSteps plan, StepLayout.Header prefill, long bytes) {
        if (plan.residentTokens().isEmpty()) {
            slot.upload.send(slot.params, bytes);
            return;
        }
        long inputs = at[0] + (long) prefill.inputAt() * Sizeof.cl_int;
        long end = at[0] + (long) prefill.ints(hidden) * Sizeof.cl_int;
        slot.upload.send(slot.params, 0, inputs);
        long rowBytes = (long) prefill.perRow() * hidden * Sizeof.cl_float;
        if (plan.hostPerRow() > 0) {
            slot.upload.sendRows(
                    slot.params, inputs, (long) plan.hostPerRow() * hidden * Sizeof.cl_float, rowBytes, batch);
        }
        if (bytes > end) {
            slot.upload.send(slot.params, end, bytes - end);
        }
    }

    /**
     * Enqueues the copy of {@code frame}'s tokens, device to device, behind each row's host tokens in step 0's
     * embeddings ({@code prefill}, of which {@code hostPerRow} tokens per row come before them).
     */
    private void enqueueResident(DeviceTokens.Frame frame, StepLayout.Header prefill, int hostPerRow) {
        ClDeviceTokens tokens = (ClDeviceTokens) frame.tokens();
        long tokenBytes = (long) hidden * Sizeof.cl_float;
        long dst = at[0] + (long) prefill.inputAt() * Sizeof.cl_int + hostPerRow * tokenBytes;
        cl_event[] after = tokens.waitList(); // the vision work, where it ran on its own queue
        cl_event copied = after.length == 0 ? null : new cl_event();
        clEnqueueCopyBufferRect(
                ctx.queue,
                tokens.mem(),
                slots[current].params,
                new long[] {tokens.frameOffset(frame.frame()), 0, 0},
                new long[] {dst, 0, 0},
                new long[] {frame.count() * tokenBytes, batch, 1},
                tokens.rowPitch(),
                0,
                prefill.perRow() * tokenBytes,
                0,
                after.length,
                after.length == 0 ? null : after,
                copied);
        if (copied != null) {
            tokens.readBy(copied);
        }
    }

    /** Bytes {@code [at[s], at[s + 1])} of the packed stage. */
    private ByteBuffer slice(ByteBuffer packed, int s) {
        return packed.slice((int) at[s], (int) (at[s + 1] - at[s])).order(ByteOrder.nativeOrder());
    }

    /**
     * Enqueues the carried tokens of step 0 ({@code prefill}, {@code prefillPerRow} tokens per row): {@code feed_step}
     * writes the embeddings of the ids the last step of {@code previous} chose (no task-loss stop: the caller checked)
     * into the carry buffer, as for a step after it of {@code carryHeader.perRow()} tokens, and a rectangular copy puts
     * row b's into the first prefill rows of batch row b.
     */
    private void enqueueCarry(
            Slot previous, StepLayout.Header carryHeader, StepLayout.Header prefill, int prefillPerRow) {
        long headerBytes = (long) carryHeader.inputAt() * Sizeof.cl_int;
        long rowBytes = (long) carryHeader.perRow() * hidden * Sizeof.cl_float;
        long bytes = headerBytes + batch * rowBytes;
        if (bytes > carryBytes) {
            ClContext.release(carry);
            carryBytes = bytes;
            carry = ctx.alloc(carryBytes);
        }
        int steps = at.length - 2;
        cl_mem params = slots[current].params;
        ctx.copy(params, at[steps], carry, 0, headerBytes);
        ClContext.args(feedStep, carry, previous.results, table, previous.steps - 1, 0, 0f);
        ctx.launch(feedStep, "feed_step/carry", new long[] {(long) carryHeader.rows() * hidden}, null);
        long prefillAt = at[0] + (long) prefill.inputAt() * Sizeof.cl_int;
        clEnqueueCopyBufferRect(
                ctx.queue,
                carry,
                params,
                new long[] {headerBytes, 0, 0},
                new long[] {prefillAt, 0, 0},
                new long[] {rowBytes, batch, 1},
                rowBytes,
                0,
                (long) prefillPerRow * hidden * Sizeof.cl_float,
                0,
                0,
                null,
                null);
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
     * Step {@code s}'s parameters, the buffer its kernels read; for a decode step that {@code feeds} (its layer 0 does
     * not gather its ids itself: {@link #bindFeed}), first enqueues {@code feed_step} writing its fed ids and
     * embeddings there from step {@code s - 1}'s results.
     */
    cl_mem enqueueInput(int s, StepLayout.Header header, boolean feeds) {
        cl_mem stepParams = slots[current].stepParams[s];
        if (s > 0 && feeds) {
            ClContext.args(feedStep, stepParams, slots[current].results, table, s - 1, stop, threshold);
            ctx.launch(feedStep, "feed_step", new long[] {(long) header.rows() * hidden}, null);
        }
        return stepParams;
    }

    /**
     * Sets the arguments from {@code first} on of a {@code feed_qkv_rope} kernel to the current frame: its results, the
     * embedding table and its task-loss stop.
     */
    void bindFeed(cl_kernel feedQkv, int first) {
        ClContext.argsFrom(feedQkv, first, slots[current].results, table, stop, threshold);
    }

    /** The current frame's results buffer: the heads write step s's at {@link StepLayout#P_STEP} = s. */
    cl_mem results() {
        return slots[current].results;
    }

    /**
     * Step {@code s} ({@code header}) as one persistent launch takes it: its parameters where the frame's upload put
     * them (a decode step's fed ids and embeddings are written there), its results into the frame's at
     * {@link StepLayout#P_STEP} = s, a decode step fed from step {@code s - 1}'s results there.
     */
    ClPersistentStep.Step persistentStep(int s, StepLayout.Header header) {
        Slot slot = slots[current];
        return new ClPersistentStep.Step(slot.stepParams[s], header, slot.results, s - 1, table, stop, threshold);
    }

    /** Steps {@code [from, to)} of the current frame as one persistent_frame launch takes them (see {@link #at}). */
    ClPersistentStep.FrameRun persistentSteps(int from, int to) {
        Slot slot = slots[current];
        int stepsAt = Math.toIntExact(at[at.length - 1] / Sizeof.cl_int);
        return new ClPersistentStep.FrameRun(slot.params, stepsAt, from, to, slot.results, table, stop, threshold);
    }

    /** Enqueues the read of the results of the current frame's first {@code steps} steps, without waiting. */
    Pending readLater(int steps) {
        Slot slot = slots[current];
        if (slot.read != null) {
            ctx.await(slot.read); // an earlier read of this frame (task-loss stop: one per round trip)
        }
        slot.resultStage.clear();
        slot.read = ctx.readLater(slot.results, slot.resultStage, StepLayout.Results.bytes(batch, k) * steps);
        slot.steps = steps;
        return new Pending(current, slot.frame, steps);
    }

    /**
     * Waits for a {@link #readLater} and returns its steps' results, step 0 first: views of the slot's host stage, to
     * be read before the frame after the next one is uploaded.
     *
     * @throws IllegalStateException when the slot has been taken by a later frame since
     */
    List<StepLayout.Results> await(Pending p) {
        Slot slot = slots[p.slot()];
        if (slot.frame != p.frame()) {
            throw new IllegalStateException(
                    "the results of a frame were read after the frame after the next was enqueued");
        }
        if (slot.read != null) {
            cl_event ev = slot.read;
            slot.read = null;
            ctx.await(ev);
            slot.sent = false;
        }
        long bytes = StepLayout.Results.bytes(batch, k);
        List<StepLayout.Results> out = new ArrayList<>();
        for (int s = 0; s < p.steps(); s++) {
            ByteBuffer words =
                    slot.resultStage.slice((int) (s * bytes), (int) bytes).order(ByteOrder.nativeOrder());
            out.add(new StepLayout.Results(words, batch, k));
        }
        return out;
    }

    @Override
    public void close() {
        try {
            for (Slot slot : slots) {
                slot.close();
            }
        } finally {
            ClContext.release(table, carry);
            ClContext.release(feedStep);
        }
    }
}
