package io.autogaze4j.kernels;

import static org.jocl.CL.*;

import io.autogaze4j.tensor.Backend;
import io.autogaze4j.tensor.DeviceTokens;
import io.autogaze4j.tensor.LinearWeight;
import io.autogaze4j.tensor.Tensor;
import io.autogaze4j.tensor.VisionSession;
import io.autogaze4j.tensor.VisionWeights;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.jocl.Pointer;
import org.jocl.Sizeof;
import org.jocl.cl_event;
import org.jocl.cl_kernel;
import org.jocl.cl_mem;

/**
 * The vision encoder on the device, end to end, for a batch of rows. One call ({@link #encode}, or {@link #submit} of
 * some of the clip's frames: a time chunk) moves its rows in waves (all of them in one wave unless their pixels exceed
 * {@link #WAVE_BYTES}); per wave:
 *
 * <pre>
 * clip (Java array) --parallel copy--> page-locked stage --one upload, in pieces--> pixels [f][3][S][S]
 *   patch_embed            -> patches [f][tokens][hidden]
 *   layer_norm             -> trunk input, copied into the extended input [row][H + T][tokens][hidden] after each
 *                             row's history (H = kt - 1 frames, device-resident between calls)
 *   per trunk block: causal_conv (taps read in place from the extended input), relu; the last H frames of each
 *                    row's extended input become its history
 *   matmul (projection), add_periodic (position table) -> embeddings [f][tokens][out]
 * embeddings --one read into the page-locked stage--> per-frame Java arrays (parallel copy)
 * </pre>
 *
 * <p>f counts the wave's frames row-major ({@code row * T + t}, T the frames of the call). Every frame's arithmetic is
 * the same whatever the call's frames: the trunk reads a frame's earlier frames from the extended input, history
 * included, so a clip submitted in time chunks gives the bits one call gives. {@link #submit} returns once the last
 * wave's read is enqueued: the model enqueues decoder frames of an earlier chunk behind it ({@link #chunkFrames}, from
 * {@link OpenClBackend#VISION_CHUNKS_PROPERTY}) and takes the embeddings when it needs them.
 *
 * <p>With {@link OpenClBackend#DEVICE_HANDOFF_PROPERTY} on (the default) a submission's embeddings stay on the device,
 * in a buffer of their own ({@link ClDeviceTokens}, {@link Submitted#onDevice}) from which a decoder session of the same
 * context copies each frame's rows into its prefill ({@code FrameSteps.residentTokens}); nothing is read back unless
 * {@link Submitted#embeddings} is asked for. With it off they come back to the host through the page-locked stage, and
 * each frame's prefill uploads them again with the previous frame's gaze tokens in front. CPU twin: the model module's
 * {@code VisionEncoder} (the same single operations on the host); tests: {@code OpenClVisionTest}, {@code
 * DeviceHandoffTest} and the OpenCL vision, generation and streaming parity tests.
 */
final class ClVisionSession implements VisionSession {
    /** Largest pixel upload of one wave (a 16-frame 224x224 row is 9.6 MB, so 111 rows go in one wave). */
    static final long WAVE_BYTES = 1L << 30;
    /** Frames per piece of the upload: the host fills the next piece while the device copies this one. */
    private static final int PIECE_FRAMES = 32;

    private final OpenClBackend backend;
    private final ClContext ctx;
    private final PinnedStage stage;
    private final Backend pool;
    private final VisionWeights w;
    private final int batch;
    private final long waveBytes;
    /** Frames per time chunk the model should submit ({@link #chunkFrames}); 0: whole clips. */
    private final int chunkFrames;
    /** Submissions keep their embeddings on the device ({@link OpenClBackend#DEVICE_HANDOFF_PROPERTY}). */
    private final boolean resident;
    /** The session's commands go to the context's side queue ({@link OpenClBackend#VISION_QUEUE_PROPERTY}). */
    private final boolean sideQueue;
    /** The device tokens this session made; those still open when it closes are closed then. */
    private final List<ClDeviceTokens> made = new ArrayList<>();

    private final int history;
    private final Constants constants;
    /** Per trunk block, every row's last {@link #history} input frames {@code [batch][H][tokens][hidden]} (zeros first). */
    private final cl_mem[] histories;

    private final Buffers buffers;
    private boolean closed;

    /**
     * The device buffers of one wave, grown to the largest wave seen and kept by the backend from call to call (a
     * session per call would otherwise allocate them every call).
     */
    static final class Buffers {
        final OpenClBackend.Scratch pixels = new OpenClBackend.Scratch();
        final OpenClBackend.Scratch patches = new OpenClBackend.Scratch();
        final OpenClBackend.Scratch normed = new OpenClBackend.Scratch();
        final OpenClBackend.Scratch extended = new OpenClBackend.Scratch();
        final OpenClBackend.Scratch trunkOut = new OpenClBackend.Scratch();
        final OpenClBackend.Scratch embeddings = new OpenClBackend.Scratch();
        /** The buffers of submissions whose embeddings stay on the device. */
        final TokenBuffers tokens = new TokenBuffers();
        /** The submission whose read into the backend's page-locked stage is in flight; null when none. */
        InFlight inFlight;
        /**
         * Done once the last pixel upload of a submission that reads nothing back has left the page-locked stage; null
         * when none is pending.
         */
        cl_event stageFree;

        /**
         * Takes the embeddings of the submission in flight out of the stage, or waits for the pixel upload still
         * reading it, so that the stage and buffers are free.
         */
        void settle(ClContext ctx) {
            if (inFlight != null) {
                inFlight.settle();
            }
            if (stageFree != null) {
                cl_event ev = stageFree;
                stageFree = null;
                ctx.await(ev);
            }
        }

        void release() {
            inFlight = null; // releasing the stage waits for the device
            stageFree = null;
            tokens.release();
            pixels.release();
            patches.release();
            normed.release();
            extended.release();
            trunkOut.release();
            embeddings.release();
        }
    }

    /**
     * The device copies of a model's LayerNorm weight and bias and position table, uploaded once per model and kept by
     * the backend (a session per call would otherwise upload them every call).
     */
    record Constants(cl_mem normWeight, cl_mem normBias, cl_mem posEmbed) {
        static Constants upload(ClContext ctx, VisionWeights w) {
            return new Constants(ctx.upload(w.normWeight()), ctx.upload(w.normBias()), ctx.upload(w.posEmbed()));
        }

        void release() {
            ClContext.release(normWeight, normBias, posEmbed);
        }
    }

    /** Called under the context's lock by {@link OpenClBackend#openVision}. */
    ClVisionSession(
            OpenClBackend backend,
            ClContext ctx,
            PinnedStage stage,
            Buffers buffers,
            Constants constants,
            Backend pool,
            VisionWeights w,
            int batch,
            long waveBytes,
            int chunkFrames,
            boolean resident,
            boolean sideQueue) {
        if (batch < 1) {
            throw new IllegalArgumentException("vision session batch must be >= 1, got " + batch);
        }
        this.backend = backend;
        this.ctx = ctx;
        this.stage = stage;
        this.buffers = buffers;
        this.constants = constants;
        this.pool = pool;
        this.w = w;
        this.batch = batch;
        this.waveBytes = waveBytes;
        this.chunkFrames = chunkFrames;
        this.resident = resident;
        this.sideQueue = sideQueue;
        this.history = w.temporalKernel() - 1;
        this.histories = new cl_mem[w.trunk().size()];
        long historyBytes = (long) batch * history * w.tokens() * w.hidden() * Sizeof.cl_float;
        for (int blk = 0; blk < histories.length; blk++) {
            histories[blk] = ctx.alloc(historyBytes);
            cl_mem history = histories[blk];
            onQueue(() -> clEnqueueFillBuffer(
                    ctx.queue,
                    history,
                    Pointer.to(new float[] {0f}),
                    Sizeof.cl_float,
                    0,
                    Math.max(Sizeof.cl_float, historyBytes),
                    0,
                    null,
                    null));
        }
    }

    @Override
    public int batch() {
        return batch;
    }

    @Override
    public int chunkFrames() {
        return chunkFrames;
    }

    @Override
    public Tensor[][] encode(Tensor clip) {
        checkClip(clip);
        Submitted s = submit(clip, 0, clip.dim(1));
        try {
            return s.embeddings();
        } finally {
            s.onDevice().ifPresent(DeviceTokens::close);
        }
    }

    /**
     * Enqueues frames {@code [first, first + count)} of every row through every stage and the read of their embeddings
     * into the page-locked stage; returns without waiting for the last wave (earlier waves, when the pixels exceed
     * {@link #WAVE_BYTES}, are read as they finish: the next wave's pixels need the stage). The stage and the wave
     * buffers are the backend's: a submission still in flight, of this session or another, is settled first.
     */
    @Override
    public Submitted submit(Tensor clip, int first, int count) {
        checkClip(clip);
        VisionSession.checkFrames(clip, first, count);
        int size = w.inputSize();
        long rowBytes = (long) count * 3 * size * size * Sizeof.cl_float;
        int rowsPerWave = (int) Math.max(1, Math.min(batch, waveBytes / rowBytes));
        synchronized (ctx) {
            if (closed) {
                throw new IllegalStateException("vision session is closed");
            }
            backend.checkOpen();
            buffers.settle(ctx);
            return onQueue(() -> resident
                    ? submitResident(clip, first, count, rowsPerWave)
                    : submitThroughHost(clip, first, count, rowsPerWave));
        }
    }

    /**
     * {@code work}'s result with its commands on the context's side queue where this session's work goes there
     * ({@link OpenClBackend#VISION_QUEUE_PROPERTY}), else on the queue in use. Every command of the session's buffers
     * goes through here, so they are in order with each other.
     */
    private <T> T onQueue(Supplier<T> work) {
        return sideQueue ? ctx.onSideQueue(work) : work.get();
    }

    /**
     * Enqueues the submission's waves and the read of their embeddings into the page-locked stage; earlier waves are
     * read at once (the next wave's pixels need the stage), the last one's read is left in flight. Under the context's
     * lock.
     */
    private Submitted submitThroughHost(Tensor clip, int first, int count, int rowsPerWave) {
        long t0 = System.nanoTime();
        Tensor[][] out = new Tensor[batch][];
        InFlight last = null;
        for (int from = 0; from < batch; from += rowsPerWave) {
            Wave wave = new Wave(from, Math.min(batch, from + rowsPerWave), first, count);
            cl_mem e = enqueueWave(clip, wave, null);
            if (wave.to() < batch) {
                collect(stage.fetch(e, floats(wave)), wave, out);
            } else {
                last = new InFlight(wave, out, stage.fetchLater(e, floats(wave)));
            }
        }
        buffers.inFlight = last;
        ctx.hostTime("host: vision encoder: pixels staged, upload and kernels enqueued", System.nanoTime() - t0);
        return last;
    }

    /**
     * Enqueues the submission's waves with their embeddings written into device tokens of its own (the last stage
     * writes them there when one wave takes every row, else each wave's are copied in), and no read. Each wave's pixel
     * upload must leave the page-locked stage before the next wave refills it (waited for), the last one before the
     * next submission's ({@link Buffers#stageFree}). Under the context's lock.
     */
    private Submitted submitResident(Tensor clip, int first, int count, int rowsPerWave) {
        long t0 = System.nanoTime();
        int width = w.outProj().out();
        ClDeviceTokens tokens = new ClDeviceTokens(ctx, buffers.tokens, batch, count, w.tokens(), width);
        made.removeIf(ClDeviceTokens::closed);
        made.add(tokens);
        for (int from = 0; from < batch; from += rowsPerWave) {
            Wave wave = new Wave(from, Math.min(batch, from + rowsPerWave), first, count);
            boolean whole = wave.rows() == batch;
            cl_mem e = enqueueWave(clip, wave, whole ? tokens.mem() : null);
            if (!whole) {
                long bytes = (long) floats(wave) * Sizeof.cl_float;
                ctx.copy(e, 0, tokens.mem(), (long) wave.from() * count * w.tokens() * width * Sizeof.cl_float, bytes);
            }
            cl_event uploaded = ctx.marker();
            if (wave.to() < batch) {
                ctx.await(uploaded);
            } else {
                buffers.stageFree = uploaded;
                if (sideQueue) { // the marker is also the end of the tokens' work, which the decoder's copy waits for
                    clRetainEvent(uploaded);
                    tokens.ready(uploaded);
                }
            }
        }
        ctx.hostTime(
                "host: vision encoder: pixels staged, upload and kernels enqueued (tokens kept on the device)",
                System.nanoTime() - t0);
        return new Resident(tokens, new Wave(0, batch, first, count));
    }

    /** A submission whose embeddings stay on the device: read back only when {@link #embeddings} is asked for. */
    private final class Resident implements Submitted {
        private final ClDeviceTokens tokens;
        private final Wave all;

        Resident(ClDeviceTokens tokens, Wave all) {
            this.tokens = tokens;
            this.all = all;
        }

        @Override
        public Tensor[][] embeddings() {
            Tensor[][] out = new Tensor[batch][];
            synchronized (ctx) {
                long t0 = System.nanoTime();
                buffers.settle(ctx);
                tokens.awaitReady();
                collect(stage.fetch(tokens.mem(), floats(all)), all, out);
                ctx.hostTime("host: vision encoder: device tokens read back", System.nanoTime() - t0);
            }
            return out;
        }

        @Override
        public Optional<DeviceTokens> onDevice() {
            return Optional.of(tokens);
        }
    }

    private void checkClip(Tensor clip) {
        int size = w.inputSize();
        if (clip.rank() != 5
                || clip.dim(0) != batch
                || clip.dim(2) != 3
                || clip.dim(3) != size
                || clip.dim(4) != size) {
            throw new IllegalArgumentException("vision session of " + batch + " rows takes clips [" + batch + ", T, 3, "
                    + size + ", " + size + "], got " + clip);
        }
    }

    /** Rows {@code [from, to)} and their frames {@code [first, first + count)}: what one pass through the stages takes. */
    private record Wave(int from, int to, int first, int count) {
        int rows() {
            return to - from;
        }

        int frames() {
            return rows() * count;
        }
    }

    /** Floats of the wave's embeddings. */
    private int floats(Wave wave) {
        return wave.frames() * w.tokens() * w.outProj().out();
    }

    /** Copies the wave's embeddings out of {@code result} into per-frame arrays of {@code out} (in parallel). */
    private void collect(FloatBuffer result, Wave wave, Tensor[][] out) {
        int tokens = w.tokens();
        int width = w.outProj().out();
        int per = tokens * width;
        for (int r = wave.from(); r < wave.to(); r++) {
            out[r] = new Tensor[wave.count()];
        }
        pool.forEachTask(wave.frames(), f -> {
            float[] frame = new float[per];
            result.get(f * per, frame, 0, per);
            out[wave.from() + f / wave.count()][f % wave.count()] = Tensor.wrap(frame, tokens, width);
        });
    }

    /**
     * The read of a submission's last wave, in flight until {@link #settle} copies it out of the page-locked stage
     * (which the next submission of any session reuses, so it settles this one first).
     */
    private final class InFlight implements Submitted {
        private final Wave wave;
        private final Tensor[][] out;
        private cl_event read;
        private boolean done;

        /** The session that submitted it. */
        ClVisionSession owner() {
            return ClVisionSession.this;
        }

        InFlight(Wave wave, Tensor[][] out, cl_event read) {
            this.wave = wave;
            this.out = out;
            this.read = read;
        }

        @Override
        public Tensor[][] embeddings() {
            synchronized (ctx) {
                settle();
            }
            if (!done) {
                throw new IllegalStateException("the read of these vision tokens failed earlier");
            }
            return out;
        }

        /** Waits for the read (once) and copies the embeddings out of the stage. Under the context's lock. */
        void settle() {
            if (read == null) {
                return;
            }
            long t0 = System.nanoTime();
            cl_event ev = read;
            read = null;
            if (buffers.inFlight == this) {
                buffers.inFlight = null;
            }
            ctx.await(ev);
            collect(stage.floats(floats(wave)), wave, out);
            done = true;
            ctx.hostTime("host: vision encoder: wait for the tokens, read back", System.nanoTime() - t0);
        }
    }

    /**
     * Enqueues the wave's frames through every stage (pixels uploaded through the page-locked stage) and returns the
     * device buffer of their embeddings {@code [f][tokens][out]}: {@code into}, or the backend's wave buffer when null.
     */
    private cl_mem enqueueWave(Tensor clip, Wave wave, cl_mem into) {
        int frames = wave.frames();
        int tokens = w.tokens();
        int hidden = w.hidden();
        long cells = (long) frames * tokens;
        cl_mem in = upload(clip, wave);
        cl_mem x = buffers.patches.of(ctx, cells * hidden);
        backend.enqueuePatchEmbed(in, frames, 3, w.inputSize(), w.inputSize(), w.patch(), w.patchEmbed(), x);
        cl_mem y = buffers.normed.of(ctx, cells * hidden);
        cl_kernel layerNorm = backend.ops("layer_norm");
        ClContext.args(layerNorm, (int) cells, hidden, w.normEps(), x, constants.normWeight(), constants.normBias(), y);
        ctx.launch(layerNorm, "vision: layer_norm", new long[] {cells}, null);
        OpenClBackend.TrunkInput shape = new OpenClBackend.TrunkInput(
                wave.rows(), wave.count(), w.temporalKernel(), w.spatialKernel(), w.gridSide(), w.gridSide(), hidden);
        for (int blk = 0; blk < histories.length; blk++) {
            cl_mem ext = buffers.extended.of(ctx, (long) wave.rows() * (history + wave.count()) * tokens * hidden);
            extend(histories[blk], wave.from(), y, ext, shape);
            LinearWeight conv = w.trunk().get(blk);
            cl_mem z = buffers.trunkOut.of(ctx, cells * conv.out());
            backend.enqueueCausalConv(ext, shape, conv, z);
            cl_kernel relu = backend.ops("relu");
            ClContext.args(relu, (int) (cells * conv.out()), z);
            ctx.launch(relu, "vision: relu", new long[] {cells * conv.out()}, null);
            y = z;
        }
        int width = w.outProj().out();
        cl_mem e = into != null ? into : buffers.embeddings.of(ctx, cells * width);
        backend.enqueueLinear(y, (int) cells, w.outProj(), e, "vision: matmul (projection)");
        cl_kernel addPeriodic = backend.ops("add_periodic");
        ClContext.args(addPeriodic, (int) (cells * width), tokens * width, e, constants.posEmbed());
        ctx.launch(addPeriodic, "vision: add_periodic", new long[] {cells * width}, null);
        return e;
    }

    /**
     * Uploads the wave's frames of {@code clip} through the page-locked stage, filling piece after piece in parallel
     * while the device copies the previous one; returns the device copy {@code [f][3][S][S]}, f counting the wave's
     * frames row-major.
     */
    private cl_mem upload(Tensor clip, Wave wave) {
        int frameSize = 3 * w.inputSize() * w.inputSize();
        int frames = wave.frames();
        long count = (long) frames * frameSize;
        cl_mem dst = buffers.pixels.of(ctx, count);
        FloatBuffer staged = stage.floats(count);
        long t0 = System.nanoTime();
        for (int piece = 0; piece < frames; piece += PIECE_FRAMES) {
            int from = piece;
            int n = Math.min(PIECE_FRAMES, frames - piece);
            pool.forEachTask(n, i -> {
                int f = from + i;
                long frame = (long) (wave.from() + f / wave.count()) * clip.dim(1) + wave.first() + f % wave.count();
                staged.put(f * frameSize, clip.data(), (int) (frame * frameSize), frameSize);
            });
            stage.send(dst, (long) from * frameSize * Sizeof.cl_float, (long) n * frameSize * Sizeof.cl_float);
        }
        ctx.hostTime("host: vision pixels into the page-locked stage", System.nanoTime() - t0);
        return dst;
    }

    /**
     * Enqueues the filling of the extended trunk input {@code ext} of rows {@code [from, from + rows)}: each row's
     * history frames from {@code hist}, then its new frames from {@code x} {@code [rows][T][tokens][hidden]}; then the
     * copy of each row's last {@code H} extended frames into {@code hist}, its history for the next call (the queue is
     * in order: the old history is in {@code ext} before it is overwritten).
     */
    private void extend(cl_mem hist, int from, cl_mem x, cl_mem ext, OpenClBackend.TrunkInput shape) {
        long frameBytes = (long) shape.tokensPerFrame() * shape.channels() * Sizeof.cl_float;
        long newBytes = shape.perRow() * frameBytes;
        long histBytes = history * frameBytes;
        long extBytes = histBytes + newBytes;
        Runs newFrames = new Runs(ext, 0, histBytes, extBytes);
        copy(new Runs(x, 0, 0, newBytes), newFrames, newBytes, shape.rows());
        if (history > 0) {
            Runs rowHistory = new Runs(hist, from, 0, histBytes);
            copy(rowHistory, new Runs(ext, 0, 0, extBytes), histBytes, shape.rows());
            copy(new Runs(ext, 0, newBytes, extBytes), rowHistory, histBytes, shape.rows());
        }
    }

    /**
     * Equal runs of bytes, one per row, in a buffer: run {@code i} starts at byte {@code (firstRow + i) * pitch + offset}.
     */
    private record Runs(cl_mem mem, int firstRow, long offset, long pitch) {}

    /** Enqueues a device copy of {@code rows} runs of {@code bytes} bytes from {@code src} to {@code dst}. */
    private void copy(Runs src, Runs dst, long bytes, int rows) {
        clEnqueueCopyBufferRect(
                ctx.queue,
                src.mem(),
                dst.mem(),
                new long[] {src.offset(), src.firstRow(), 0},
                new long[] {dst.offset(), dst.firstRow(), 0},
                new long[] {bytes, rows, 1},
                src.pitch(),
                0,
                dst.pitch(),
                0,
                0,
                null,
                null);
    }

    @Override
    public void close() {
        synchronized (ctx) {
            if (closed) {
                return;
            }
            closed = true;
            try {
                if (buffers.inFlight != null && buffers.inFlight.owner() == this) {
                    buffers.settle(ctx); // its read event is released once done
                }
                made.forEach(ClDeviceTokens::close);
            } finally {
                ClContext.release(histories);
            }
        }
    }
}
