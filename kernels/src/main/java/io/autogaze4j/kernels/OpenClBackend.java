package io.autogaze4j.kernels;

import io.autogaze4j.tensor.Backend;
import io.autogaze4j.tensor.BackendKind;
import io.autogaze4j.tensor.DecoderSession;
import io.autogaze4j.tensor.DecoderWeights;
import io.autogaze4j.tensor.LinearWeight;
import io.autogaze4j.tensor.RectCompositor;
import io.autogaze4j.tensor.Tensor;
import io.autogaze4j.tensor.VisionSession;
import io.autogaze4j.tensor.VisionWeights;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.jocl.Sizeof;
import org.jocl.cl_kernel;
import org.jocl.cl_mem;

/**
 * The OpenCL backend (through JOCL). Heavy work runs on the device: the whole gaze decoder
 * ({@link #openDecoder(DecoderWeights, int, int, int)} returns a device-resident session with on-device token choice
 * that decodes a whole frame per host round trip unless {@link #FRAME_LOOP_PROPERTY} is {@code off}), the whole vision
 * encoder ({@link #openVision(VisionWeights, int)}: {@link ClVisionSession}), matrix products, the patch-embedding stem
 * and the causal 3-D trunk convolution. The light single operations (norms, ReLU, additions, the bicubic squash) run
 * on an internal {@link Backend#cpu()} backend. Weights are copied to the device on first use and kept until
 * {@link #close()}, which releases all device memory.
 *
 * <p>Thread-safe: device work is serialised on one in-order queue.
 */
public final class OpenClBackend implements Backend {
    /** Frames per split-K vision launch (bounds the split-K scratch buffers to ~100 MB). */
    private static final int STACK = 16;
    /**
     * System property that turns the decode loop on the device off ({@code off}: every decode step its own host round
     * trip) or on ({@code on}, the default: one round trip per frame; 8-14% less time per call at batch 1-45 on the H200,
     * docs/benchmarks.md).
     */
    public static final String FRAME_LOOP_PROPERTY = "autogaze.opencl.frameLoop";
    /**
     * System property that picks the decoder's attention kernels: {@code tiled} (keys staged in local memory and read once
     * per block of queries, one kernel for prefills and one for decode steps), {@code strided} (the earlier kernel: two
     * queries per work-group, each work-item strides over the keys) or {@code auto}, the default: tiled from two batch
     * rows on, strided for one ({@link AttentionChoice}).
     */
    public static final String ATTENTION_PROPERTY = "autogaze.opencl.attention";
    /**
     * System property that turns the streamed decode attention off ({@code off}: decode steps run the tiled decode
     * kernel and the last layer's last-token attention the strided one, as before it) or on ({@code on}, the default);
     * it applies where the tiled kernels run ({@link #ATTENTION_PROPERTY}). For A/B runs on the same jars.
     */
    public static final String STREAM_ATTENTION_PROPERTY = "autogaze.opencl.streamAttention";
    /**
     * System property that turns the overlap of frames off ({@code off}: the host reads each frame's choices before it
     * prepares the next) or on ({@code on}, the default: without a task-loss stop, the model prepares and enqueues frame
     * f + 1 while the device runs frame f, {@link DecoderSession#submitFrame}). Needs the decode loop on the device.
     */
    public static final String OVERLAP_PROPERTY = "autogaze.opencl.overlap";
    /**
     * System property that unfuses the gathering of a frame's decode step's ids and embeddings from layer 0
     * ({@code off}: a {@code feed_step} launch before {@code qkv_rope}, as before) or keeps it fused ({@code on}, the
     * default: {@code feed_qkv_rope}, one launch less per decode step; the same bits). For A/B runs on the same jars.
     */
    public static final String FUSE_FEED_PROPERTY = "autogaze.opencl.fuseFeed";
    /**
     * System property that sends decoder calls of at most N rows (batch x new tokens; {@code N} below
     * {@link DecoderBuilds#WIDE_FROM}) through the split row kernels (decoder.cl SPLIT_KERNELS: each layer's products
     * spread over output columns and many work-groups, the same bits as the narrow kernels), or {@code off}, the
     * default. Measured on the H200: no faster at batch 1, 4-5 % faster at batch 2-4 (docs/benchmarks.md); for A/B runs.
     */
    public static final String SPLIT_ROWS_PROPERTY = "autogaze.opencl.splitRows";
    /**
     * System property: rows per work-group of the split row kernels ({@link #SPLIT_ROWS_PROPERTY}), 1 (the default: the
     * most work-groups) to 8 (each weight load serves that many rows: a batch-1 decode step's 10 rows read each weight
     * twice). For A/B runs.
     */
    public static final String SPLIT_GROUP_ROWS_PROPERTY = "autogaze.opencl.splitGroupRows";
    /**
     * System property that sets the frames per time chunk in which the model encodes a clip's vision tokens: a number
     * N >= 1, or {@code off} (the whole clip in one piece before the first decoder frame, as before). The default, 4,
     * lets the decoder start on frame 0 while the vision encoder still has later frames' pixels to stage, upload and
     * encode; the results are the same bits. N >= 3 keeps the next chunk's tokens ready before they are needed (2
     * may wait for them, 1 waits for every frame's). Read when the backend opens.
     */
    public static final String VISION_CHUNKS_PROPERTY = "autogaze.opencl.visionChunks";
    /**
     * System property that keeps the vision tokens on the device for the decoder ({@code on}, the default: each vision
     * submission's embeddings stay in a device buffer of their own, and a frame's prefill copies its rows from there,
     * device to device; the same bits) or sends them through the host ({@code off}: read back after the vision
     * kernels, uploaded again in each frame's prefill, about 19 MB per frame at batch 128). Read when the backend
     * opens. For A/B runs on the same jars.
     */
    public static final String DEVICE_HANDOFF_PROPERTY = "autogaze.opencl.deviceHandoff";
    /**
     * System property that sends the vision encoder's commands to a second in-order queue of the context ({@code on}: they
     * may run beside the decoder's; events order the hand-off of the tokens and the reuse of their buffers) or keeps them
     * on the decoder's queue ({@code off}, the default: the vision work of a later chunk runs between the decoder's
     * frames). While kernel times are collected everything runs on the one profiled queue. Read when the backend opens.
     * For A/B runs on the same jars.
     */
    public static final String VISION_QUEUE_PROPERTY = "autogaze.opencl.visionQueue";
    /** Frames per vision chunk when {@link #VISION_CHUNKS_PROPERTY} is unset. */
    static final int DEFAULT_VISION_CHUNK_FRAMES = 4;
    /**
     * System property that runs decoder steps of few rows (at most {@link PersistentSteps#MOST_ROWS}: batch 1-4 decode
     * steps at K = 10) as one launch of the persistent step kernel ({@code on}; {@link ClPersistentStep}: the step's
     * kernels as phases between grid barriers, the same bits) or not ({@code off}, the default until measured on the
     * H200, docs/benchmarks.md). GPUs only: on a CPU device it stays off. Needs the strided attention, the default at
     * batch 1 ({@link #ATTENTION_PROPERTY}); sessions that run the tiled kernels run their steps as before.
     */
    public static final String PERSISTENT_PROPERTY = "autogaze.opencl.persistent";
    /**
     * System property: {@code on} builds the persistent step kernel ({@link #PERSISTENT_PROPERTY}) with a clock of its
     * phases (decoder.cl {@code PHASE_CLOCK}: work-group 0 reads the GPU's global timer after each grid barrier; NVIDIA
     * only, inline PTX), which the profile shows as {@code phase NN ...} labels in microseconds per step; {@code off},
     * the default, builds it without. For the batch-1 profile (docs/benchmarks.md); no other build changes.
     */
    public static final String PHASE_CLOCK_PROPERTY = "autogaze.opencl.phaseClock";
    /**
     * System property: with {@link #PERSISTENT_PROPERTY} on, {@code on} runs a frame's consecutive persistent steps as
     * one launch ({@code persistent_frame}: the steps' phases with a grid barrier between steps, each decode step fed
     * on the device from the one before; one launch per frame, or per round trip with a task-loss stop); {@code off},
     * the default, one launch per step. For A/B runs (docs/benchmarks.md).
     */
    public static final String PERSISTENT_FRAMES_PROPERTY = "autogaze.opencl.persistentFrames";

    /** Output rows per work-item of the ops.cl kernels ({@code MR}). */
    private static final int ROWS_PER_ITEM = 4;

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
    private final Map<VisionWeights, ClVisionSession.Constants> visionConstants = new IdentityHashMap<>();
    /** Device copies of single-call inputs, outputs and split-K partial sums, reused across calls. */
    private final Scratch inputs = new Scratch();

    private final Scratch outputs = new Scratch();
    private final Scratch partial = new Scratch();
    /** Page-locked staging of the vision sessions' pixels and embeddings. */
    private final PinnedStage stage;
    /** The vision sessions' per-wave device buffers (one session runs at a time, under the context's lock). */
    private final ClVisionSession.Buffers visionBuffers = new ClVisionSession.Buffers();
    /** The switches of the decoder sessions {@link #openDecoder(DecoderWeights, int, int, int)} opens. */
    private final DecoderSessionOptions decoderOptions;
    /** Frames per time chunk of the vision sessions, 0 for whole clips ({@link #VISION_CHUNKS_PROPERTY}). */
    private final int visionChunkFrames;
    /** Vision sessions keep their tokens on the device for the decoder ({@link #DEVICE_HANDOFF_PROPERTY}). */
    private final boolean deviceHandoff;
    /** Vision sessions enqueue on the context's second queue ({@link #VISION_QUEUE_PROPERTY}). */
    private final boolean visionQueue;

    private boolean closed;

    private OpenClBackend(ClContext ctx, boolean splitK) {
        this.ctx = ctx;
        this.cpu = Backend.cpu();
        this.columnsPerItem = columnsPerItem(ctx.info);
        this.rowsPerItem = ROWS_PER_ITEM;
        this.opsSource = opsSource(ctx.info);
        this.splitK = splitK;
        this.stage = new PinnedStage(ctx);
        this.decoderOptions = DecoderSessionOptions.fromProperties(ctx.info);
        this.visionChunkFrames = visionChunkFrames(System.getProperty(VISION_CHUNKS_PROPERTY));
        this.deviceHandoff = deviceHandoff(System.getProperty(DEVICE_HANDOFF_PROPERTY));
        this.visionQueue = OnOffProperty.isOn(
                VISION_QUEUE_PROPERTY,
                System.getProperty(VISION_QUEUE_PROPERTY, "off"),
                "the vision encoder on a second command queue");
    }

    /**
     * The value of {@link #VISION_CHUNKS_PROPERTY} as frames per chunk: unset {@link #DEFAULT_VISION_CHUNK_FRAMES},
     * {@code off} 0 (whole clips), else the number.
     *
     * @throws IllegalArgumentException for anything but off or a whole number >= 1
     */
    static int visionChunkFrames(String value) {
        if (value == null) {
            return DEFAULT_VISION_CHUNK_FRAMES;
        }
        return CountProperty.countOrOff(VISION_CHUNKS_PROPERTY, value, Integer.MAX_VALUE, "frames per vision chunk");
    }

    /**
     * The value of {@link #DEVICE_HANDOFF_PROPERTY}: unset or {@code on} true, {@code off} false.
     *
     * @throws IllegalArgumentException for any other value
     */
    static boolean deviceHandoff(String value) {
        return OnOffProperty.isOn(
                DEVICE_HANDOFF_PROPERTY, value, "the vision tokens handed to the decoder on the device");
    }

    /**
     * The switches of the decoder sessions {@link #openDecoder(DecoderWeights, int, int, int)} opens, from the system
     * properties; tests change some and pass them to {@link #openDecoder(DecoderWeights, int, int, int,
     * DecoderSessionOptions)}.
     */
    DecoderSessionOptions decoderOptions() {
        return decoderOptions;
    }

    /** Output columns per work-item of the ops.cl kernels on {@code device}: one float16 on CPUs, float4 on GPUs. */
    private static int columnsPerItem(OpenClDevice device) {
        return device.cpu() ? 16 : 4;
    }

    /** The build of ops.cl for {@code device}. */
    static ClContext.ProgramSource opsSource(OpenClDevice device) {
        int columns = columnsPerItem(device);
        return new ClContext.ProgramSource(
                "ops.cl",
                "vision kernels",
                "-cl-std=CL1.2 -D VW=" + columns + " -D VF=float" + columns + " -D VLOAD=vload" + columns
                        + " -D VSTORE=vstore" + columns + " -D MR=" + ROWS_PER_ITEM);
    }

    /** Kernel {@code name} of ops.cl, building the program on the first call. */
    cl_kernel ops(String name) {
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

    /** Opens device {@code index}, adding {@code extraOptions} to every build's compiler options (tests: a define). */
    static OpenClBackend open(int index, String extraOptions) {
        ClContext ctx = ClContext.open(index, ProgramCache.configured(), extraOptions);
        return create(ctx, !ctx.info.cpu());
    }

    /** Opens device {@code index} with the program cache {@code cache} (tests use their own directory). */
    static OpenClBackend open(int index, ProgramCache cache) {
        ClContext ctx = ClContext.open(index, cache);
        return create(ctx, !ctx.info.cpu());
    }

    /** Opens device {@code index} with the program cache {@code cache}, building programs as {@code prebuild} says (tests). */
    static OpenClBackend open(int index, ProgramCache cache, Prebuild prebuild) {
        ClContext ctx = ClContext.open(index, cache, prebuild);
        return create(ctx, !ctx.info.cpu());
    }

    /** Whether the command queue in use now is profiling-enabled (tests: only while kernel times are collected). */
    boolean queueProfiles() {
        return ctx.queueProfiles();
    }

    /** How many programs this backend built from source and loaded from the program cache so far. */
    ClContext.ProgramBuilds programBuilds() {
        return ctx.programBuilds();
    }

    /** The programs whose build or load was started so far, done or not (tests; empty once closed). */
    Set<ClContext.ProgramSource> startedBuilds() {
        return ctx.startedBuilds();
    }

    /** decoder.cl's builds for {@code decoder} on this backend's device, with its streamed and prefill attention shapes. */
    DecoderBuilds decoderBuilds(DecoderWeights decoder) {
        return ClDecoderSession.builds(ctx, decoder, decoderOptions.streamShape(), decoderOptions.prefillShape());
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
                + (decoderOptions.decodesFrames() ? ", decode loop on the device" : "")
                + (decoderOptions.attention() == AttentionChoice.AUTO
                        ? ""
                        : ", " + decoderOptions.attention().name().toLowerCase(Locale.ROOT) + " attention")
                + (decoderOptions.streamAttention() ? "" : ", tiled decode attention")
                + (visionChunkFrames == DEFAULT_VISION_CHUNK_FRAMES
                        ? ""
                        : visionChunkFrames == 0
                                ? ", vision in one piece"
                                : ", vision chunks of " + visionChunkFrames + " frames")
                + (decoderOptions.fuseFeed() ? "" : ", feed_step unfused")
                + (deviceHandoff ? "" : ", vision tokens through the host")
                + (visionQueue ? ", vision on a second queue" : "")
                // whether recording a frame's commands once could be tried here (docs/benchmarks.md)
                + (ctx.info.cpu() ? "" : ctx.commandBuffers ? ", cl_khr_command_buffer" : ", no cl_khr_command_buffer")
                + decoderOptions.streamShape().differences()
                + decoderOptions.prefillShape().differences()
                + (decoderOptions.persistentSteps().most() == 0
                        ? ""
                        : decoderOptions.persistentSteps().frames()
                                ? ", persistent steps (a frame per launch)"
                                : ", persistent steps")
                + ")";
    }

    @Override
    public BackendKind kind() {
        return BackendKind.OPENCL;
    }

    @Override
    public boolean profiles() {
        return true;
    }

    @Override
    public void hostTime(String label, long nanos) {
        ctx.hostTime(label, nanos);
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
            cl_mem in = inputs.of(ctx, x.size());
            ctx.write(in, 0, x.data(), x.size());
            cl_mem out = outputs.of(ctx, (long) m * w.out());
            enqueueLinear(in, m, w, out, "matmul");
            return read(out, m, w.out());
        }
    }

    /** Enqueues {@code out[m, out] = in[m, in] · W + b} ({@link #deviceMultiplies} must hold), profiled as {@code label}. */
    void enqueueLinear(cl_mem in, int m, LinearWeight w, cl_mem out, String label) {
        cl_mem[] wb = weight(w);
        cl_kernel matmul = ops("matmul");
        ClContext.args(matmul, m, w.out(), w.in(), in, wb[0], wb[1], w.bias() == null ? 0 : 1, out);
        launch(matmul, label, m, w.out());
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
            cl_mem out = outputs.of(ctx, (long) tokens * w.out());
            enqueuePatchEmbed(in, 1, ch, h, wd, patch, w, out);
            return read(out, tokens, w.out());
        }
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
            cl_mem out = outputs.of(ctx, (long) tokens * w.out());
            enqueueCausalConv(in, new TrunkInput(1, 1, kt, ks, gh, gw, cin), w, out);
            return read(out, tokens, w.out());
        }
    }

    /**
     * Enqueues the patch embedding of {@code frames} images {@code [ch, h, wd]} stored one after the other in {@code in}
     * into {@code out} {@code [frames * tokens, w.out()]} ({@link #deviceEmbeds} must hold). The split-K form runs
     * {@link #STACK} images per launch, which bounds its partial sums.
     */
    void enqueuePatchEmbed(cl_mem in, int frames, int ch, int h, int wd, int patch, LinearWeight w, cl_mem out) {
        cl_mem[] wb = weight(w);
        int per = (h / patch) * (wd / patch);
        if (!splitK) {
            cl_kernel patchEmbed = ops("patch_embed");
            ClContext.args(patchEmbed, frames, ch, h, wd, patch, in, wb[0], wb[1], w.out(), out);
            launch(patchEmbed, "vision: patch_embed", frames * per, w.out());
            return;
        }
        for (int first = 0; first < frames; first += STACK) {
            int n = Math.min(STACK, frames - first);
            cl_mem part = partial.of(ctx, (long) ch * patch * n * per * w.out());
            cl_kernel patchEmbedRows = ops("patch_embed_rows");
            ClContext.args(patchEmbedRows, first, n, ch, h, wd, patch, in, wb[0], w.out(), part);
            launchSplit(
                    patchEmbedRows, "vision: patch_embed", ch * patch, n * per, w.out(), part, wb[1], first * per, out);
        }
    }

    /**
     * The shape of an extended trunk input (ops.cl, vision layouts): {@code rows} rows of {@code kt - 1} history frames
     * then {@code perRow} new frames, each a {@code gh x gw} grid of {@code channels}-wide tokens.
     */
    record TrunkInput(int rows, int perRow, int kt, int ks, int gh, int gw, int channels) {
        /** Output frames: {@code rows * perRow}. */
        int frames() {
            return rows * perRow;
        }

        int tokensPerFrame() {
            return gh * gw;
        }
    }

    /**
     * Enqueues the causal convolution of every new frame of the extended input {@code in} (shape {@code x}) into
     * {@code out} {@code [frames * gh * gw, w.out()]} ({@link #deviceConvolves} must hold). The split-K form runs
     * {@link #STACK} output frames per launch, which bounds its partial sums.
     */
    void enqueueCausalConv(cl_mem in, TrunkInput x, LinearWeight w, cl_mem out) {
        cl_mem[] wb = weight(w);
        int per = x.tokensPerFrame();
        if (!splitK) {
            cl_kernel causalConv = ops("causal_conv");
            ClContext.args(
                    causalConv,
                    x.frames(),
                    x.perRow(),
                    x.kt(),
                    x.ks(),
                    x.gh(),
                    x.gw(),
                    x.channels(),
                    in,
                    wb[0],
                    wb[1],
                    w.out(),
                    out);
            launch(causalConv, "vision: causal_conv", x.frames() * per, w.out());
            return;
        }
        int taps = x.kt() * x.ks() * x.ks();
        for (int first = 0; first < x.frames(); first += STACK) {
            int n = Math.min(STACK, x.frames() - first);
            cl_mem part = partial.of(ctx, (long) taps * n * per * w.out());
            cl_kernel causalConvTap = ops("causal_conv_tap");
            ClContext.args(
                    causalConvTap,
                    first,
                    n,
                    x.perRow(),
                    x.kt(),
                    x.ks(),
                    x.gh(),
                    x.gw(),
                    x.channels(),
                    in,
                    wb[0],
                    w.out(),
                    part);
            launchSplit(causalConvTap, "vision: causal_conv", taps, n * per, w.out(), part, wb[1], first * per, out);
        }
    }

    private void launch(cl_kernel k, String label, int m, int n) {
        ctx.launch(k, label, new long[] {n / columnsPerItem, (m + rowsPerItem - 1) / rowsPerItem}, null);
    }

    /**
     * Runs a split-K kernel over {@code slices} slices of k for {@code m} output rows, then sums them in order, adds the
     * bias and writes the rows from row {@code firstRow} of {@code out}.
     */
    private void launchSplit(
            cl_kernel k, String label, int slices, int m, int n, cl_mem part, cl_mem bias, int firstRow, cl_mem out) {
        ctx.launch(k, label, new long[] {n / columnsPerItem, (m + rowsPerItem - 1) / rowsPerItem, slices}, null);
        cl_kernel sumSlices = ops("sum_slices");
        ClContext.args(sumSlices, slices, m * n, n, part, bias, firstRow * n, out);
        ctx.launch(sumSlices, "vision: sum_slices", new long[] {(long) m * n}, null);
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
        return openDecoder(weights, batch, initialCapacity, maxCapacity, decoderOptions);
    }

    /**
     * A decoder session with the switches {@code options} (tests change some of {@link #decoderOptions()}); the device
     * caches hold {@code maxCapacity} entries from the start, so {@code initialCapacity} is not used.
     */
    ClDecoderSession openDecoder(
            DecoderWeights weights, int batch, int initialCapacity, int maxCapacity, DecoderSessionOptions options) {
        synchronized (ctx) {
            checkOpen();
            ClDecoderWeights dw = decoderWeights.computeIfAbsent(weights, k -> new ClDecoderWeights(ctx, k));
            return new ClDecoderSession(this, ctx, dw, batch, maxCapacity, options);
        }
    }

    /**
     * Starts building (or loading from the program cache) the programs every run of a model with {@code decoder} needs,
     * ops.cl and decoder.cl's step and narrow row kernels ({@link DecoderBuilds#atOpen}), one after another on a
     * background thread, so that they overlap the rest of model loading and the first clip. The programs only some runs
     * need are started when a run shows it needs them: the tiled attention by a decoder session of two batch rows or
     * more, the wide row kernels by a call of {@link DecoderBuilds#WIDE_FROM} rows or more. With
     * {@code -Dautogaze.opencl.prebuild=all} every program starts here; with {@code off} none, each is built on first
     * use ({@link ClContext#PREBUILD_PROPERTY}).
     */
    @Override
    public void prepareFor(DecoderWeights decoder) {
        synchronized (ctx) {
            checkOpen();
            ctx.prebuild(opsSource);
            decoderBuilds(decoder).atOpen(false, ctx.prebuildsAll()).forEach(ctx::prebuild);
        }
    }

    /** The device kernels take the model's shapes: every stage's output width a whole number of vectors. */
    @Override
    public boolean encodesVision(VisionWeights weights) {
        LinearWeight stem = weights.patchEmbed();
        return deviceEmbeds(3, weights.inputSize(), weights.inputSize(), weights.patch(), stem)
                && weights.trunk().stream()
                        .allMatch(t -> t.out() == stem.out()
                                && t.in()
                                        == weights.temporalKernel()
                                                * weights.spatialKernel()
                                                * weights.spatialKernel()
                                                * stem.out()
                                && deviceConvolves(weights.temporalKernel(), weights.spatialKernel(), t))
                && deviceMultiplies(weights.outProj());
    }

    /** The whole vision encoder on the device ({@link ClVisionSession}); the caller closes it before the backend. */
    @Override
    public VisionSession openVision(VisionWeights weights, int batch) {
        return openVision(weights, batch, ClVisionSession.WAVE_BYTES);
    }

    /** A device vision encoder whose waves upload at most {@code waveBytes} of pixels each (tests use small waves). */
    ClVisionSession openVision(VisionWeights weights, int batch, long waveBytes) {
        return openVision(weights, batch, waveBytes, deviceHandoff);
    }

    /**
     * A device vision encoder whose waves upload at most {@code waveBytes} of pixels each and whose submissions keep their
     * tokens on the device or not ({@link #DEVICE_HANDOFF_PROPERTY}; tests choose).
     */
    ClVisionSession openVision(VisionWeights weights, int batch, long waveBytes, boolean resident) {
        return openVision(weights, batch, waveBytes, resident, visionQueue);
    }

    /**
     * A device vision encoder as {@link #openVision(VisionWeights, int, long, boolean)} whose commands go to the
     * context's second queue or not ({@link #VISION_QUEUE_PROPERTY}; tests choose).
     */
    ClVisionSession openVision(VisionWeights weights, int batch, long waveBytes, boolean resident, boolean sideQueue) {
        if (!encodesVision(weights)) {
            throw new UnsupportedOperationException("the OpenCL vision kernels do not take these weights' shapes");
        }
        synchronized (ctx) {
            checkOpen();
            ClVisionSession.Constants constants =
                    visionConstants.computeIfAbsent(weights, k -> ClVisionSession.Constants.upload(ctx, k));
            return new ClVisionSession(
                    this,
                    ctx,
                    stage,
                    visionBuffers,
                    constants,
                    cpu,
                    weights,
                    batch,
                    waveBytes,
                    visionChunkFrames,
                    resident,
                    sideQueue);
        }
    }

    /**
     * Device tokens {@code [rows][frames][tokens][width]} holding {@code data}, as a vision session keeps them (tests: a
     * decoder plan reading them in place without a vision encoder). The caller closes them.
     */
    ClDeviceTokens deviceTokens(float[] data, int rows, int frames, int tokens, int width) {
        synchronized (ctx) {
            checkOpen();
            ClDeviceTokens t = new ClDeviceTokens(ctx, visionBuffers.tokens, rows, frames, tokens, width);
            ctx.write(t.mem(), 0, data, data.length);
            return t;
        }
    }

    /** The light element-wise operations, host-cache attention and host tasks run on the internal CPU backend. */
    @Override
    public Backend host() {
        return cpu;
    }

    void checkOpen() {
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
            visionConstants.values().forEach(ClVisionSession.Constants::release);
            visionConstants.clear();
            stage.close();
            visionBuffers.release();
            inputs.release();
            outputs.release();
            partial.release();
            ctx.close();
            cpu.close();
        }
    }

    /** A reusable device buffer that grows to the largest size asked for. */
    static final class Scratch {
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
