package io.autogaze4j.kernels;

import io.autogaze4j.tensor.Backend;
import io.autogaze4j.tensor.BackendKind;
import io.autogaze4j.tensor.DecoderSession;
import io.autogaze4j.tensor.DecoderWeights;
import io.autogaze4j.tensor.LinearWeight;
import io.autogaze4j.tensor.RectCompositor;
import io.autogaze4j.tensor.Tensor;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jocl.Sizeof;
import org.jocl.cl_kernel;
import org.jocl.cl_mem;

/**
 * The OpenCL backend (through JOCL). Heavy work runs on the device: the whole gaze decoder
 * ({@link #openDecoder(DecoderWeights, int, int, int)} returns a device-resident session with on-device token choice
 * that decodes a whole frame per host round trip unless {@link #FRAME_LOOP_PROPERTY} is {@code off}), matrix
 * products, the patch-embedding stem and the causal 3-D trunk convolution. The light element-wise
 * operations of the vision encoder (norms, ReLU, additions, the bicubic squash) run on an internal
 * {@link Backend#cpu()} backend. Weights are copied to the device on first use and kept until
 * {@link #close()}, which releases all device memory.
 *
 * <p>Thread-safe: device work is serialised on one in-order queue.
 */
public final class OpenClBackend implements Backend {
    /** Frames per stacked vision launch (bounds the split-K scratch buffers to ~100 MB). */
    private static final int STACK = 16;
    /**
     * System property that turns the decode loop on the device on ({@code on}; {@code off}, every decode step its own host
     * round trip, is the default until the loop has been measured on a GPU: token-exact on PoCL, never timed on one).
     */
    public static final String FRAME_LOOP_PROPERTY = "autogaze.opencl.frameLoop";

    private final ClContext ctx;
    private final Backend cpu;
    /** Output columns per work-item of the ops.cl kernels ({@code VW}: one float16 on CPUs, float4 on GPUs). */
    private final int columnsPerItem;
    /** Output rows per work-item of the ops.cl kernels ({@code MR}). */
    private final int rowsPerItem;
    /** The build of ops.cl. */
    private final ClContext.ProgramSource opsSource;
    /** The ops.cl kernels by name, created (and ops.cl built) on first use: a run builds only what it launches. */
    private final Map<String, cl_kernel> opsKernels = new HashMap<>();
    /** Split the k loop of the convolutions across work-items (GPUs); CPUs run one loop per work-item. */
    private final boolean splitK;

    private final Map<LinearWeight, cl_mem[]> linearWeights = new IdentityHashMap<>();
    private final Map<DecoderWeights, ClDecoderWeights> decoderWeights = new IdentityHashMap<>();
    /** Device copies of single-call inputs, outputs and split-K partial sums, reused across calls. */
    private final Scratch inputs = new Scratch();

    private final Scratch outputs = new Scratch();
    private final Scratch partial = new Scratch();
    /** Page-locked staging of the stacked vision launches' inputs and outputs. */
    private final PinnedStage stage;
    /** Decoder sessions decode whole frames on the device ({@link DecoderSession#decodesFrames}). */
    private final boolean frameLoop;

    private boolean closed;

    private OpenClBackend(ClContext ctx, boolean splitK) {
        this.ctx = ctx;
        this.cpu = Backend.cpu();
        this.columnsPerItem = ctx.info.cpu() ? 16 : 4;
        this.rowsPerItem = 4;
        this.opsSource = new ClContext.ProgramSource(
                "ops.cl",
                "vision kernels",
                "-cl-std=CL1.2 -D VW=" + columnsPerItem + " -D VF=float" + columnsPerItem + " -D VLOAD=vload"
                        + columnsPerItem + " -D VSTORE=vstore" + columnsPerItem + " -D MR=" + rowsPerItem);
        this.splitK = splitK;
        this.stage = new PinnedStage(ctx);
        this.frameLoop = frameLoop(System.getProperty(FRAME_LOOP_PROPERTY));
    }

    /**
     * The value of {@link #FRAME_LOOP_PROPERTY}: {@code on} true, unset or {@code off} false.
     *
     * @throws IllegalArgumentException for any other value
     */
    static boolean frameLoop(String value) {
        if (value == null || value.trim().equalsIgnoreCase("off")) {
            return false;
        }
        if (value.trim().equalsIgnoreCase("on")) {
            return true;
        }
        throw new IllegalArgumentException(
                "-D" + FRAME_LOOP_PROPERTY + "=" + value + ": expected on or off (the decode loop on the device)");
    }

    /** Kernel {@code name} of ops.cl, building the program on the first call. */
    private cl_kernel ops(String name) {
        synchronized (ctx) {
            return opsKernels.computeIfAbsent(name, k -> ctx.kernel(ctx.program(opsSource), k));
        }
    }

    /** Every OpenCL device of every installed platform (empty when there is no OpenCL runtime). */
    public static List<OpenClDevice> devices() {
        return ClContext.list();
    }

    /**
     * The device to use when the caller has no preference: system property {@code autogaze.opencl.device}
     * if set, else the first non-CPU device (a GPU), else 0.
     */
    public static int preferredDevice() {
        String forced = System.getProperty("autogaze.opencl.device");
        if (forced != null) {
            return Integer.parseInt(forced.trim());
        }
        return devices().stream()
                .filter(d -> !d.cpu())
                .mapToInt(OpenClDevice::index)
                .findFirst()
                .orElse(0);
    }

    /**
     * Opens device {@code index} of {@link #devices()}.
     *
     * @throws IllegalStateException when there is no such device or it cannot be initialised
     */
    public static OpenClBackend open(int index) {
        ClContext ctx = ClContext.open(index);
        SignalChaining.checkFor(ctx.info);
        return create(ctx, !ctx.info.cpu());
    }

    /** Opens device {@code index}, choosing the split-K convolution kernels explicitly (tests run both forms). */
    static OpenClBackend open(int index, boolean splitK) {
        return create(ClContext.open(index), splitK);
    }

    /** Opens device {@code index} with the program cache {@code cache} (tests use their own directory). */
    static OpenClBackend open(int index, ProgramCache cache) {
        ClContext ctx = ClContext.open(index, cache);
        return create(ctx, !ctx.info.cpu());
    }

    /** How many programs this backend built from source and loaded from the program cache so far. */
    ClContext.ProgramBuilds programBuilds() {
        return ctx.programBuilds();
    }

    private static OpenClBackend create(ClContext ctx, boolean splitK) {
        try {
            return new OpenClBackend(ctx, splitK);
        } catch (RuntimeException e) {
            ctx.close();
            throw e;
        }
    }

    /** The device this backend runs on. */
    public OpenClDevice device() {
        return ctx.info;
    }

    @Override
    public String name() {
        // benchmarks print the name: an A/B with the loop off says so
        return "opencl (" + ctx.info.name() + ", " + ctx.info.platform()
                + (frameLoop ? ", decode loop on the device" : "") + ")";
    }

    @Override
    public BackendKind kind() {
        return BackendKind.OPENCL;
    }

    @Override
    public boolean profiles() {
        return true;
    }

    /** {@link Profiling#KERNELS} times every launch with an OpenCL profiling event; host times are labelled "host: ...". */
    @Override
    public void profiling(Profiling what) {
        ctx.profiling(what != Profiling.OFF, what == Profiling.KERNELS);
    }

    @Override
    public Map<String, long[]> profile() {
        return new TreeMap<>(ctx.profile());
    }

    /**
     * Whether the device kernels take weight {@code w}: its output width a whole number of {@code VW}-wide vectors.
     * Shapes they do not take run on the CPU twin (same numbers); these three checks are the only such decisions.
     */
    private boolean deviceMultiplies(LinearWeight w) {
        return w.out() % columnsPerItem == 0;
    }

    /** Whether the patch-embedding kernels take an image (or a stack) {@code [ch, h, wd]} and a biased weight {@code w}. */
    private boolean deviceEmbeds(int ch, int h, int wd, int patch, LinearWeight w) {
        return h % patch == 0
                && wd % patch == 0
                && w.in() == ch * patch * patch
                && w.bias() != null
                && deviceMultiplies(w);
    }

    /** Whether the causal-convolution kernels take {@code kt} frames, kernel {@code ks} and a biased weight {@code w}. */
    private boolean deviceConvolves(int kt, int ks, LinearWeight w) {
        int cin = w.in() / (kt * ks * ks);
        return cin * kt * ks * ks == w.in() && w.bias() != null && deviceMultiplies(w);
    }

    @Override
    public Tensor linear(Tensor x, LinearWeight w) {
        if (x.rank() != 2 || x.dim(1) != w.in()) {
            throw new IllegalArgumentException(
                    "linear: input " + x + " does not match weight [" + w.in() + ", " + w.out() + "]");
        }
        if (!deviceMultiplies(w)) {
            return cpu.linear(x, w);
        }
        int m = x.dim(0);
        synchronized (ctx) {
            cl_mem[] wb = weight(w);
            cl_mem in = inputs.of(ctx, x.size());
            ctx.write(in, 0, x.data(), x.size());
            cl_mem out = outputs.of(ctx, m * w.out());
            cl_kernel matmul = ops("matmul");
            ClContext.args(matmul, m, w.out(), w.in(), in, wb[0], wb[1], w.bias() == null ? 0 : 1, out);
            return run(matmul, "matmul", m, w.out(), out);
        }
    }

    @Override
    public Tensor patchEmbed(Tensor image, LinearWeight w, int patch) {
        int ch = image.dim(0), h = image.dim(1), wd = image.dim(2);
        if (!deviceEmbeds(ch, h, wd, patch, w)) {
            return cpu.patchEmbed(image, w, patch);
        }
        int tokens = (h / patch) * (wd / patch);
        synchronized (ctx) {
            checkOpen(); // before the input touches the device
            cl_mem in = inputs.of(ctx, image.size());
            ctx.write(in, 0, image.data(), image.size());
            return read(enqueuePatchEmbed(in, ch, h, wd, patch, w), tokens, w.out());
        }
    }

    /** All images of a call in tall stacks of at most {@link #STACK} frames: one launch and round trip per stack. */
    @Override
    public Tensor patchEmbed(List<Tensor> images, LinearWeight w, int patch) {
        long t0 = System.nanoTime();
        List<Tensor> parts = new ArrayList<>();
        for (List<Tensor> chunk : FrameStacks.chunks(images, STACK)) {
            parts.add(chunk.size() == 1 ? patchEmbed(chunk.get(0), w, patch) : patchEmbedStack(chunk, w, patch));
        }
        Tensor out = parts.size() == 1 ? parts.get(0) : Tensor.concatRows(parts);
        ctx.hostTime("host: vision patch embed", System.nanoTime() - t0);
        return out;
    }

    /** All output frames of a call as tall stacks of windows, zero rows between frames (see {@link FrameStacks}). */
    @Override
    public Tensor causalConv3d(List<Tensor[]> windows, LinearWeight w, int ks, int gh, int gw) {
        long t0 = System.nanoTime();
        List<Tensor> parts = new ArrayList<>();
        for (List<Tensor[]> chunk : FrameStacks.chunks(windows, STACK)) {
            parts.add(
                    chunk.size() == 1
                            ? causalConv3d(chunk.get(0), w, ks, gh, gw)
                            : causalConvStack(chunk, w, ks, gh, gw));
        }
        Tensor out = parts.size() == 1 ? parts.get(0) : Tensor.concatRows(parts);
        ctx.hostTime("host: vision conv", System.nanoTime() - t0);
        return out;
    }

    @Override
    public Tensor causalConv3d(Tensor[] window, LinearWeight w, int ks, int gh, int gw) {
        int kt = window.length;
        if (!deviceConvolves(kt, ks, w)) {
            return cpu.causalConv3d(window, w, ks, gh, gw);
        }
        int cin = w.in() / (kt * ks * ks);
        int tokens = gh * gw;
        int frame = tokens * cin;
        float[] packed = new float[kt * frame];
        for (int dt = 0; dt < kt; dt++) {
            if (window[dt] != null) {
                System.arraycopy(window[dt].data(), 0, packed, dt * frame, frame);
            }
        }
        synchronized (ctx) {
            checkOpen(); // before the input touches the device
            cl_mem in = inputs.of(ctx, packed.length);
            ctx.write(in, 0, packed, packed.length);
            return read(enqueueCausalConv(in, kt, ks, gh, gw, cin, w), tokens, w.out());
        }
    }

    /** Images stacked along their height, through the page-locked stage: one upload, launch and download. */
    private Tensor patchEmbedStack(List<Tensor> images, LinearWeight w, int patch) {
        Tensor first = images.get(0);
        int ch = first.dim(0), h = first.dim(1) * images.size(), wd = first.dim(2);
        if (!deviceEmbeds(ch, h, wd, patch, w)) {
            return cpu.patchEmbed(images, w, patch);
        }
        int tokens = (h / patch) * (wd / patch);
        long size = (long) ch * h * wd;
        synchronized (ctx) {
            checkOpen(); // before the input touches the device
            cl_mem in = inputs.of(ctx, size);
            FrameStacks.writeImages(images, stage.floats(size), cpu);
            stage.send(in, size * Sizeof.cl_float);
            cl_mem out = enqueuePatchEmbed(in, ch, h, wd, patch, w);
            return FrameStacks.copy(stage.fetch(out, tokens * w.out()), tokens, w.out(), cpu);
        }
    }

    /** Windows stacked into one tall window (see {@link FrameStacks}), through the page-locked stage. */
    private Tensor causalConvStack(List<Tensor[]> windows, LinearWeight w, int ks, int gh, int gw) {
        int kt = windows.get(0).length;
        if (!deviceConvolves(kt, ks, w)) {
            return cpu.causalConv3d(windows, w, ks, gh, gw);
        }
        int cin = w.in() / (kt * ks * ks);
        int pad = ks / 2;
        int n = windows.size();
        int stackGh = n * (gh + pad);
        int tokens = stackGh * gw;
        long size = (long) kt * tokens * cin;
        synchronized (ctx) {
            checkOpen(); // before the input touches the device
            cl_mem in = inputs.of(ctx, size);
            FrameStacks.writeWindows(windows, gh, gw, cin, pad, stage.floats(size), cpu);
            stage.send(in, size * Sizeof.cl_float);
            cl_mem out = enqueueCausalConv(in, kt, ks, stackGh, gw, cin, w);
            return FrameStacks.unstack(stage.fetch(out, tokens * w.out()), w.out(), n, gh, gw, pad, cpu);
        }
    }

    /** Enqueues the patch embedding of the image {@code [ch, h, wd]} in {@code in}; returns the output buffer. */
    private cl_mem enqueuePatchEmbed(cl_mem in, int ch, int h, int wd, int patch, LinearWeight w) {
        cl_mem[] wb = weight(w);
        int tokens = (h / patch) * (wd / patch);
        cl_mem out = outputs.of(ctx, (long) tokens * w.out());
        if (splitK) {
            cl_mem part = partial.of(ctx, (long) ch * patch * tokens * w.out());
            cl_kernel patchEmbedRows = ops("patch_embed_rows");
            ClContext.args(patchEmbedRows, ch, h, wd, patch, in, wb[0], w.out(), part);
            launchSplit(patchEmbedRows, "patch_embed", ch * patch, tokens, w.out(), part, wb[1], out);
        } else {
            cl_kernel patchEmbed = ops("patch_embed");
            ClContext.args(patchEmbed, ch, h, wd, patch, in, wb[0], wb[1], w.out(), out);
            launch(patchEmbed, "patch_embed", tokens, w.out());
        }
        return out;
    }

    /** Enqueues the causal convolution of the window {@code [kt][gh*gw*cin]} in {@code in}; returns the output buffer. */
    private cl_mem enqueueCausalConv(cl_mem in, int kt, int ks, int gh, int gw, int cin, LinearWeight w) {
        cl_mem[] wb = weight(w);
        int tokens = gh * gw;
        cl_mem out = outputs.of(ctx, (long) tokens * w.out());
        if (splitK) {
            int taps = kt * ks * ks;
            cl_mem part = partial.of(ctx, (long) taps * tokens * w.out());
            cl_kernel causalConvTap = ops("causal_conv_tap");
            ClContext.args(causalConvTap, ks, gh, gw, cin, in, wb[0], w.out(), part);
            launchSplit(causalConvTap, "causal_conv", taps, tokens, w.out(), part, wb[1], out);
        } else {
            cl_kernel causalConv = ops("causal_conv");
            ClContext.args(causalConv, kt, ks, gh, gw, cin, in, wb[0], wb[1], w.out(), out);
            launch(causalConv, "causal_conv", tokens, w.out());
        }
        return out;
    }

    private void launch(cl_kernel k, String label, int m, int n) {
        ctx.launch(k, label, new long[] {n / columnsPerItem, (m + rowsPerItem - 1) / rowsPerItem}, null);
    }

    /** Runs a split-K kernel over {@code slices} slices of k, then sums them in order and adds the bias. */
    private void launchSplit(
            cl_kernel k, String label, int slices, int m, int n, cl_mem part, cl_mem bias, cl_mem out) {
        ctx.launch(k, label, new long[] {n / columnsPerItem, (m + rowsPerItem - 1) / rowsPerItem, slices}, null);
        cl_kernel sumSlices = ops("sum_slices");
        ClContext.args(sumSlices, slices, m * n, n, part, bias, out);
        ctx.launch(sumSlices, "sum_slices", new long[] {(long) m * n}, null);
    }

    private Tensor run(cl_kernel k, String label, int m, int n, cl_mem out) {
        launch(k, label, m, n);
        return read(out, m, n);
    }

    private Tensor read(cl_mem out, int m, int n) {
        float[] y = new float[m * n];
        ctx.read(out, 0, y, y.length);
        return Tensor.wrap(y, m, n);
    }

    /** The device copy of a weight: {transposed [in, out], bias (or a dummy)}. */
    private cl_mem[] weight(LinearWeight w) {
        checkOpen();
        return linearWeights.computeIfAbsent(
                w, k -> new cl_mem[] {
                    ctx.upload(k.transposed()), ctx.upload(k.bias() == null ? new float[k.out()] : k.bias())
                });
    }

    /** A rectangle compositor whose canvas lives on this backend's device (close it before the backend). */
    @Override
    public RectCompositor compositor(int width, int height) {
        synchronized (ctx) {
            checkOpen();
            return new ClRectCompositor(ctx, ops("composite_rects"), width, height);
        }
    }

    @Override
    public DecoderSession openDecoder(DecoderWeights weights, int batch, int initialCapacity, int maxCapacity) {
        return openDecoder(
                weights, batch, maxCapacity, ctx.info.computeUnits() * ClDecoderSession.GROUPS_PER_UNIT, frameLoop);
    }

    /**
     * A decoder session with a chosen attention split target and frame loop (see {@link ClDecoderSession}); tests choose
     * both.
     */
    ClDecoderSession openDecoder(
            DecoderWeights weights, int batch, int maxCapacity, int splitTarget, boolean decodesFrames) {
        synchronized (ctx) {
            checkOpen();
            ClDecoderWeights dw = decoderWeights.computeIfAbsent(weights, k -> new ClDecoderWeights(ctx, k));
            return new ClDecoderSession(this, ctx, dw, batch, maxCapacity, splitTarget, decodesFrames);
        }
    }

    /**
     * Starts building (or loading from the program cache) the programs a model with {@code decoder} runs, ops.cl and
     * decoder.cl's three builds, on threads of their own, so that they overlap each other, the rest of model loading
     * and the first clip's vision work ({@link ClContext#PREBUILD_PROPERTY} {@code =off}: each on first use instead).
     */
    @Override
    public void prepareFor(DecoderWeights decoder) {
        synchronized (ctx) {
            checkOpen();
            ctx.prebuild(opsSource);
            ClDecoderSession.builds(ctx, decoder).forEach(ctx::prebuild);
        }
    }

    /** The light element-wise operations, host-cache attention and host tasks run on the internal CPU backend. */
    @Override
    public Backend host() {
        return cpu;
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("OpenCL backend is closed");
        }
    }

    @Override
    public void close() {
        synchronized (ctx) {
            if (closed) {
                return;
            }
            closed = true;
            for (cl_mem[] m : linearWeights.values()) {
                ClContext.release(m);
            }
            linearWeights.clear();
            for (ClDecoderWeights d : decoderWeights.values()) {
                d.close();
            }
            decoderWeights.clear();
            stage.close();
            inputs.release();
            outputs.release();
            partial.release();
            ctx.close();
            cpu.close();
        }
    }

    /** A reusable device buffer that grows to the largest size asked for. */
    private static final class Scratch {
        private cl_mem mem;
        private long floats;

        cl_mem of(ClContext ctx, long n) {
            if (n > floats) {
                release();
                floats = Math.max(n, floats * 2);
                mem = ctx.alloc(floats * Sizeof.cl_float);
            }
            return mem;
        }

        void release() {
            ClContext.release(mem);
            mem = null;
            floats = 0;
        }
    }
}
