package io.autogaze4j.kernels;

import io.autogaze4j.tensor.DecoderHeads;
import io.autogaze4j.tensor.DecoderSession;
import io.autogaze4j.tensor.DecoderWeights;
import io.autogaze4j.tensor.DeviceTokens;
import io.autogaze4j.tensor.FrameSteps;
import io.autogaze4j.tensor.SubmittedFrame;
import io.autogaze4j.tensor.Tensor;
import io.autogaze4j.tensor.TokenChoice;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Stream;
import org.jocl.Sizeof;
import org.jocl.cl_kernel;
import org.jocl.cl_mem;
import org.jocl.cl_program;

/**
 * The gaze decoder kept on an OpenCL device: weights, every layer's KV cache, the attention masks and
 * the forbidden-id sets stay there. A step uploads only the new embeddings, their positions and the
 * mask entries that changed (one write from page-locked memory), runs {@code 2 * layers + 1} kernels (each layer's MLP is fused
 * with the next layer's q/k/v) plus two for the heads and the choice, and reads back either the logits or, with
 * {@link #forwardAndChoose}, just the chosen ids, margins and task-loss values. With {@link #forwardFrame} a whole frame's
 * steps are enqueued at once: layer 0 ({@code feed_qkv_rope}; {@code feed_step} before {@code qkv_rope} with
 * {@link OpenClBackend#FUSE_FEED_PROPERTY} off or on the split kernels) gathers each decode step's ids and embeddings on
 * the device from the choice just made, so the host uploads once and reads the chosen ids once per frame; a frame
 * step's commands are its kernels alone (no copy: its parameters are a region of the frame's upload, its results go
 * straight to the frame's). Calls of few rows may instead run each layer as four split kernels over many work-groups,
 * with the same bits ({@link RowSplit}, off by default).
 */
final class ClDecoderSession implements DecoderSession {
    private static final System.Logger LOG = System.getLogger("io.autogaze4j.opencl");
    /** Rows per work-group of the wide kernels. */
    private static final int WIDE_ROWS = 8;
    /** k slices per work-group of the 1-row kernels (decode steps): 4x the work-items per row. */
    private static final int NARROW_SLICES = 4;
    /**
     * Output columns per work-group of the split row kernels split_o, split_gate_up and split_down (decoder.cl SC; with
     * {@link #narrowSlices} k slices, 128 work-items): at batch 1 a decode step's 10 rows give 60 work-groups for the
     * hidden size 192 and 120 for the intermediate size 384.
     */
    private static final int SPLIT_COLUMNS = 32;
    /** Query rows per work-group of the strided attention kernel (each key is loaded once for all of them). */
    private static final int QUERY_BLOCK = 2;
    /** Tiled attention (decoder.cl attend_tiled): queries x keys of a work-item's score tile. */
    private static final int TILE_QUERIES = 4, TILE_KEYS = 4;
    /** Tiled attention: queries x head dimensions of a work-item's share of the output (one work-item per share). */
    private static final int OWNER_QUERIES = 2, OWNER_DIMS = 4;
    /** Tiled attention: keys per chunk staged in local memory. */
    private static final int CHUNK = 64;
    /** Query rows per work-group of the tiled prefill kernel. */
    private static final int PREFILL_QUERIES = 32;
    /** Most new tokens per batch row of a step the tiled decode kernel takes (one query block per row); more: prefill. */
    private static final int DECODE_QUERIES = 16;
    /**
     * Tiled attention: times more work-groups than the strided kernel wants before key splits stop (its groups are
     * smaller, and a decode step's group walks its keys chunk by chunk: more groups keep more loads in flight).
     */
    private static final int TILED_SPLIT_FACTOR = 4;
    /** Batch rows per heads_logits work-group (decoder.cl keeps them in a float4: each head weight read once for 4). */
    private static final int LOGIT_ROWS = 4;
    /** Most key splits per attention query block (the streamed kernel: {@link StreamShape#maxSplits}). */
    private static final int MAX_SPLITS = 16;
    /** Fewest keys per attention work-item worth a split of their own. */
    private static final int KEYS_PER_ITEM = 4;
    /**
     * Steps of a frame's first round trip with a task-loss stop, doubled each further one: the session stops soon after
     * every row finished (the steps after that run on pads, then get rewound) and waits a few times per frame, not once
     * per step. Without a stop a frame is one round trip.
     */
    private static final int FIRST_CHUNK = 2;
    /**
     * Attention work-groups per compute unit below which query blocks get key splits (H100, A/B in one run:
     * 8 -> batch 1 211-244 / batch 8 490-508 ms, 2 -> 218 / 457 ms, 1 -> 230 / 446 ms).
     */
    static final int GROUPS_PER_UNIT = 2;
    /** Arguments of {@code feed_qkv_rope} that {@code qkv_rope} has too; the frame's follow ({@link ClFrameLoop#bindFeed}). */
    private static final int FEED_ARGS = 14;
    /** The results argument of {@code heads_logits} and of {@code heads_choose}. */
    private static final int LOGITS_RESULTS_ARG = 6, CHOOSE_RESULTS_ARG = 3;

    private final OpenClBackend backend;
    private final ClContext ctx;
    private final ClDecoderWeights w;
    private final int batch;
    private final int cap;
    private final int hidden;
    private final int k;
    private final int vocab;
    private final int attWg;
    private final int selWg;
    private final int logitWg;
    private final cl_mem[] keys;
    private final cl_mem[] values;
    private final cl_mem mask;
    private final cl_mem forbidden;
    private final cl_mem logits;
    private final cl_mem results;
    private final cl_mem ropeCos;
    private final cl_mem ropeSin;
    private final byte[][] deviceMask;
    /** decoder.cl's builds, and which of them this session's calls need. */
    private final DecoderBuilds builds;
    /** Row kernels for few rows (decode steps). */
    private final Variant narrow;
    /** Row kernels for many rows (prefills); null until their build is ready and a call needs them ({@link #rowKernels}). */
    private Variant wide;
    /** The stand-in for {@link #wide} while its build runs; null until first needed ({@link #rowKernels}). */
    private Variant standIn;
    /** Which kernels serve calls of {@link DecoderBuilds#WIDE_FROM} rows or more ({@link #pinLargeRows}: tests). */
    private LargeRows largeRows = LargeRows.WIDE_WHEN_BUILT;
    /** The row kernels of the last call ({@link #lastRowKernels}: tests). */
    private Variant lastRows;
    /** The calls that run on {@link #split} ({@link DecoderSessionOptions#rowSplit}). */
    private final RowSplit rowSplit;
    /** The split row kernels (null when {@link #rowSplit} takes no call). */
    private final SplitKernels split;
    /** Whether the last call ran its layers on the split row kernels ({@link #lastRowKernels}: tests). */
    private boolean lastSplit;
    /** The steps that run as one launch (the backend's {@link OpenClBackend#PERSISTENT_PROPERTY}). */
    private final PersistentSteps persistentSteps;
    /** The persistent step kernel (null when {@link #persistentSteps} takes no step or the session cannot run it). */
    private final ClPersistentStep persistent;
    /**
     * With {@link #persistent}: every layer's keys and values in one buffer each, {@link #keys} and {@link #values}
     * regions of them.
     */
    private final cl_mem keyStack;

    private final cl_mem valueStack;
    /** Floats from one layer's cache to the next in {@link #keyStack} and {@link #valueStack}. */
    private final long perLayerCache;
    /** Whether the last call ran as one persistent launch ({@link #lastRowKernels}: tests). */
    private boolean lastPersistent;

    /** The strided attention kernel (every step where the tiled kernels do not run). */
    private final Attention strided;
    /** The tiled attention kernels; null until a step first needs them ({@link #tiledAttention}). */
    private TiledAttention tiledKernels;
    /**
     * The last layer's attention and MLP for each batch row's last token only (narrow MLP variant): the streamed
     * kernel where it runs (null until {@link #tiledAttention} made it), else the strided one.
     */
    private cl_kernel attentionLastToken;

    private final String lastTokenName;
    private final int lastTokenGroup;

    private final cl_kernel mlpLastToken;
    /** Final norm, logits and task loss of each row's last token, spread over many work-groups. */
    private final cl_kernel headsLogits;
    /** The greedy choice on those logits, one work-group per batch row. */
    private final cl_kernel headsChoose;
    /** The buffers and the {@code feed_step} kernel of {@link #forwardFrame}. */
    private final ClFrameLoop frame;

    private cl_mem x;
    private cl_mem q;
    private cl_mem partOut;
    private cl_mem partStats;
    private cl_mem params;
    /**
     * The parameters of the step being enqueued, argument 0 of each of its kernels ({@link #launch}): {@link #params}
     * for a single step, the step's region of the frame's upload in a frame.
     */
    private cl_mem st;
    /** A frame's decode steps gather their ids in layer 0 ({@code feed_qkv_rope}), not in a {@code feed_step} launch. */
    private final boolean fuseFeed;
    /** The split kernels' SiLU-gated intermediate activations [row][intermediate] (null without them). */
    private cl_mem gated;
    /** Page-locked staging of each step's single upload: parameters, then the new embeddings. */
    private final PinnedStage upload;

    private final ByteBuffer resultStage;
    private int rowCapacity;
    private int partCapacity;
    private int paramCapacity;
    private int length;
    /** {@link #forwardFrame} is offered ({@link DecoderSessionOptions#decodesFrames}). */
    private final boolean decodesFrames;
    /** {@link #submitFrame} is offered ({@link DecoderSessionOptions#pipelinesFrames}). */
    private final boolean pipelinesFrames;
    /** The tiled attention kernels run prefills and decode steps ({@link DecoderSessionOptions#attention}). */
    private final boolean tiled;
    /** With {@link #tiled}: the streamed kernel runs short decode steps and the last-token attention. */
    private final boolean streaming;
    /** Attention work-groups below which decode steps split their keys. */
    private final int splitTarget;
    /** The streamed decode attention's shape ({@link DecoderSessionOptions#streamShape}). */
    private final StreamShape streamShape;
    /** The tiled prefill attention's kernel and shape ({@link DecoderSessionOptions#prefillShape}). */
    private final PrefillShape prefillShape;

    private int lastSplits;
    /**
     * Ids per row of the last step of the frame enqueued last, when nothing ran on the session since and it had no
     * task-loss stop: what the next frame may carry ({@link FrameSteps#carriedPerRow}); 0 otherwise.
     */
    private int carriable;

    private boolean closed;

    /**
     * @param maxCapacity cache entries per batch row
     * @param options     the session's switches; heads whose dimension is not a multiple of {@link #OWNER_DIMS} get
     *                    the strided attention whatever {@link DecoderSessionOptions#attention} says
     * @throws IllegalArgumentException when the streamed attention runs with a shape other than the defaults' that the
     *     model's heads do not take, or the prefill's staged chunk does not fit
     */
    ClDecoderSession(
            OpenClBackend backend,
            ClContext ctx,
            ClDecoderWeights w,
            int batch,
            int maxCapacity,
            DecoderSessionOptions options) {
        if (batch < 1) {
            throw new IllegalArgumentException("batch must be >= 1, got " + batch);
        }
        this.backend = backend;
        this.ctx = ctx;
        this.w = w;
        this.batch = batch;
        this.cap = maxCapacity;
        this.decodesFrames = options.decodesFrames();
        this.pipelinesFrames = options.pipelinesFrames();
        this.fuseFeed = options.fuseFeed();
        DecoderWeights h = w.host;
        this.tiled = options.tiledFor(batch) && h.headDim() % OWNER_DIMS == 0;
        StreamShape streamShape = options.streamShape();
        boolean streamFits = streamShape.fits(h.headDim());
        if (tiled && options.streamAttention() && (streamFits || !streamShape.defaultLaunch())) {
            // a shape set by properties must fit the heads; the defaults' falls back to the tiled decode kernel
            streamShape.check(w.k, h.headDim());
        }
        this.streaming = tiled && options.streamAttention() && streamFits;
        this.streamShape = streamShape;
        if (tiled) {
            options.prefillShape().check(h.headDim());
        }
        this.prefillShape = options.prefillShape();
        this.splitTarget = options.splitTarget();
        this.rowSplit = options.rowSplit();
        this.hidden = h.hidden();
        this.k = w.k;
        this.vocab = w.vocab;
        this.attWg = attentionGroupSize(ctx);
        this.selWg = chooseGroupSize(ctx);
        this.logitWg = logitGroupSize(ctx);
        this.builds = builds(ctx, h, streamShape, prefillShape);
        // in the background, while the buffers below are made (unless started when the model loaded): what this
        // session needs from its first call on; only the step and narrow builds are waited for here, the tiled
        // attention when a step first needs it (tiledAttention); a call of many rows starts the wide one (rowKernels)
        builds.atOpen(tiled, ctx.prebuildsAll()).forEach(ctx::prebuild);
        int layers = h.layers().size();
        long cacheFloats = (long) batch * hidden * cap;
        keys = new cl_mem[layers];
        values = new cl_mem[layers];
        boolean runsPersistent = options.persistentSteps().most() > 0 && persistentFits(h, tiled, ctx);
        this.persistentSteps = runsPersistent ? options.persistentSteps() : PersistentSteps.OFF;
        if (runsPersistent) {
            // one buffer per cache kind, layer l's region from a multiple of the device's sub-buffer alignment
            long align = ctx.subBufferAlign;
            long stride = (cacheFloats * Sizeof.cl_float + align - 1) / align * align;
            perLayerCache = stride / Sizeof.cl_float;
            keyStack = ctx.alloc(stride * layers);
            valueStack = ctx.alloc(stride * layers);
            for (int l = 0; l < layers; l++) {
                keys[l] = ClContext.subBuffer(keyStack, l * stride, cacheFloats * Sizeof.cl_float);
                values[l] = ClContext.subBuffer(valueStack, l * stride, cacheFloats * Sizeof.cl_float);
            }
        } else {
            perLayerCache = 0;
            keyStack = null;
            valueStack = null;
            for (int l = 0; l < layers; l++) {
                keys[l] = ctx.alloc(cacheFloats * Sizeof.cl_float);
                values[l] = ctx.alloc(cacheFloats * Sizeof.cl_float);
            }
        }
        mask = ctx.alloc(((long) batch * cap + 3) / 4 * 4);
        forbidden = ctx.alloc((long) batch * vocab);
        logits = ctx.alloc((long) batch * k * vocab * Sizeof.cl_float);
        results = ctx.alloc(StepLayout.Results.bytes(batch, k));
        resultStage = ClContext.direct(StepLayout.Results.bytes(batch, k));
        float[][] rope = w.ropeTable(cap);
        int half = h.headDim() / 2;
        ropeCos = ctx.alloc((long) cap * half * Sizeof.cl_float);
        ropeSin = ctx.alloc((long) cap * half * Sizeof.cl_float);
        ctx.write(ropeCos, 0, rope[0], cap * half);
        ctx.write(ropeSin, 0, rope[1], cap * half);
        deviceMask = new byte[batch][cap];
        clearMaskOnDevice();

        cl_program stepProgram = ctx.program(builds.step());
        cl_program narrowProgram = ctx.program(builds.narrow());
        narrow = Variant.of("narrow", narrowProgram, layers, 1, h.hidden() * narrowSlices(h));
        headsLogits = ClContext.ownedKernel(stepProgram, "heads_logits");
        headsChoose = ClContext.ownedKernel(stepProgram, "heads_choose");
        frame = new ClFrameLoop(ctx, stepProgram, batch, k, hidden);
        strided = Attention.of(
                stepProgram, "attention", layers, QUERY_BLOCK, attWg, splitTarget, MAX_SPLITS, attWg * KEYS_PER_ITEM);
        lastTokenName = streaming ? "attention_stream" : strided.name(); // (the profile label of either streamed one)
        lastTokenGroup = streaming ? streamShape.groupSize(h.headDim()) : attWg;
        attentionLastToken = streaming ? null : ClContext.ownedKernel(stepProgram, lastTokenName);
        mlpLastToken = ClContext.ownedKernel(narrowProgram, "mlp");
        if (rowSplit.most() > 0) {
            // built here, not queued: it would wait behind the slow wide build
            split = SplitKernels.of(ctx.program(splitBuild(ctx, h, rowSplit.perGroup())), layers);
        } else {
            split = null;
        }
        persistent = runsPersistent
                ? new ClPersistentStep(
                        ctx,
                        ctx.program(persistentBuild(ctx, h, persistentSteps.phaseClock())),
                        persistentSteps,
                        persistentGroupSize(h),
                        layers)
                : null;
        upload = new PinnedStage(ctx);
        ensureCapacity(256, 256 * 2 + StepLayout.P_HEADER + batch * 512 + 256 * hidden, 256 * h.heads());
    }

    /**
     * One build of the row kernels (qkv_rope, mlp_qkv, mlp): narrow ones take one row per work-group with the k loops
     * split in slices (decode steps: more work-items per row), wide ones {@link #WIDE_ROWS} rows (prefills), the
     * stand-in one row with each k loop in one chain (the wide ones' sums: {@link #rowKernels}).
     *
     * @param name         narrow, wide or stand-in (tests)
     * @param qkv          layer 0's q/k/v with the step's bookkeeping
     * @param feedQkv      the same after gathering a frame's decode step's ids and embeddings ({@code feed_qkv_rope})
     * @param mlpQkv       per layer but the last: the layer's MLP fused with the next layer's q/k/v
     * @param mlp          the last layer's MLP
     * @param rowsPerGroup rows per work-group
     * @param groupSize    work-items per work-group
     */
    private record Variant(
            String name,
            cl_kernel qkv,
            cl_kernel feedQkv,
            List<cl_kernel> mlpQkv,
            cl_kernel mlp,
            int rowsPerGroup,
            int groupSize) {
        static Variant of(String name, cl_program p, int layers, int rowsPerGroup, int groupSize) {
            List<cl_kernel> fused = new ArrayList<>();
            for (int l = 0; l < layers - 1; l++) {
                fused.add(ClContext.ownedKernel(p, "mlp_qkv"));
            }
            return new Variant(
                    name,
                    ClContext.ownedKernel(p, "qkv_rope"),
                    ClContext.ownedKernel(p, "feed_qkv_rope"),
                    List.copyOf(fused),
                    ClContext.ownedKernel(p, "mlp"),
                    rowsPerGroup,
                    groupSize);
        }

        /** Work-groups over {@code rows} rows. */
        long rowGroups(int rows) {
            return (rows + rowsPerGroup - 1) / rowsPerGroup;
        }

        void release() {
            ClContext.release(qkv);
            ClContext.release(feedQkv);
            ClContext.release(mlp);
            mlpQkv.forEach(ClContext::release);
        }
    }

    /**
     * decoder.cl's split row kernels of one layer (SPLIT_KERNELS), each over (column blocks, rows).
     *
     * @param o       output projection + residual
     * @param gateUp  RMSNorm, gate/up and SiLU into the session's intermediate scratch
     * @param down    down projection + residual
     * @param nextQkv the next layer's RMSNorm, q/k/v, rotary embedding and cache writes; null for the last layer
     */
    private record SplitLayer(cl_kernel o, cl_kernel gateUp, cl_kernel down, cl_kernel nextQkv) {
        static SplitLayer of(cl_program p, boolean withQkv) {
            return new SplitLayer(
                    ClContext.ownedKernel(p, "split_o"),
                    ClContext.ownedKernel(p, "split_gate_up"),
                    ClContext.ownedKernel(p, "split_down"),
                    withQkv ? ClContext.ownedKernel(p, "split_qkv") : null);
        }

        void release() {
            ClContext.release(o);
            ClContext.release(gateUp);
            ClContext.release(down);
            if (nextQkv != null) {
                ClContext.release(nextQkv);
            }
        }
    }

    /**
     * decoder.cl's split row kernels of a session (SPLIT_KERNELS).
     *
     * @param input     split_input: the step's embeddings into x and its bookkeeping
     * @param firstQkv  layer 0's split_qkv
     * @param layers    each layer's split kernels (all rows)
     * @param lastToken the last layer's split kernels for each batch row's last token
     */
    private record SplitKernels(cl_kernel input, cl_kernel firstQkv, List<SplitLayer> layers, SplitLayer lastToken) {
        static SplitKernels of(cl_program p, int layers) {
            List<SplitLayer> perLayer = new ArrayList<>();
            for (int l = 0; l < layers; l++) {
                perLayer.add(SplitLayer.of(p, l < layers - 1));
            }
            return new SplitKernels(
                    ClContext.ownedKernel(p, "split_input"),
                    ClContext.ownedKernel(p, "split_qkv"),
                    List.copyOf(perLayer),
                    SplitLayer.of(p, false));
        }

        void release() {
            ClContext.release(input);
            ClContext.release(firstQkv);
            layers.forEach(SplitLayer::release);
            lastToken.release();
        }
    }

    /**
     * An attention kernel, one instance per layer (each bound to its layer's caches).
     *
     * @param perLayer     the kernel of each layer
     * @param name         the kernel's name (profile label)
     * @param queries      query rows per work-group
     * @param groupSize    work-items per work-group
     * @param splitTarget  work-groups below which a step splits its keys
     * @param maxSplits    most key splits per query block
     * @param keysPerSplit fewest keys worth a split of their own
     */
    private record Attention(
            List<cl_kernel> perLayer,
            String name,
            int queries,
            int groupSize,
            int splitTarget,
            int maxSplits,
            int keysPerSplit) {
        static Attention of(
                cl_program p,
                String name,
                int layers,
                int queries,
                int groupSize,
                int splitTarget,
                int maxSplits,
                int keysPerSplit) {
            List<cl_kernel> kernels = new ArrayList<>();
            for (int l = 0; l < layers; l++) {
                kernels.add(ClContext.ownedKernel(p, name));
            }
            return new Attention(List.copyOf(kernels), name, queries, groupSize, splitTarget, maxSplits, keysPerSplit);
        }

        /**
         * A tiled kernel of {@code queries} rows per work-group: one work-item per output share (decoder.cl TILE_WG),
         * {@link #TILED_SPLIT_FACTOR} times the strided kernel's split target, at least two chunks per split.
         */
        static Attention tiled(cl_program p, String name, int layers, int queries, int headDim, int splitTarget) {
            int groupSize = queries / OWNER_QUERIES * (headDim / OWNER_DIMS);
            return of(p, name, layers, queries, groupSize, splitTarget * TILED_SPLIT_FACTOR, MAX_SPLITS, 2 * CHUNK);
        }

        /** Query blocks per batch row of a step with {@code perRow} new tokens. */
        int blocks(int perRow) {
            return (perRow + queries - 1) / queries;
        }

        /**
         * Key splits per query block: one when the query blocks alone fill the device, else enough to come near
         * that, as long as each split keeps {@link #keysPerSplit} keys. Depends only on the shapes.
         */
        int splits(int groups, int visible) {
            int byOccupancy = (splitTarget + groups - 1) / groups;
            int bySize = (visible + keysPerSplit - 1) / keysPerSplit;
            return Math.max(1, Math.min(maxSplits, Math.min(byOccupancy, bySize)));
        }

        void release() {
            perLayer.forEach(ClContext::release);
        }
    }

    /**
     * decoder.cl's tiled attention kernels (their own build: a session that runs only the strided kernel never waits
     * for it).
     *
     * @param stream the streamed decode kernel (steps of at most K new tokens per row), or null where it does not run
     */
    private record TiledAttention(Attention prefill, Attention decode, Attention stream) {
        void release() {
            prefill.release();
            decode.release();
            if (stream != null) {
                stream.release();
            }
        }
    }

    /**
     * The tiled attention kernels, made and bound when a step first needs them: waits for their build, which is queued
     * after the narrow row kernels. (decoder.cl has them only for head sizes they take: {@link #tiled} is false
     * otherwise.)
     */
    private TiledAttention tiledAttention() {
        if (tiledKernels == null) {
            cl_program p = ctx.program(builds.tiled());
            DecoderWeights h = w.host;
            int layers = keys.length;
            int streamGroup = streamShape.groupSize(h.headDim());
            Attention stream = streaming
                    ? Attention.of(
                            p,
                            "attention_stream",
                            layers,
                            ClDecoderWeights.heads(h),
                            streamGroup,
                            splitTarget * streamShape.splitFactor(),
                            streamShape.maxSplits(),
                            2 * streamGroup)
                    : null;
            tiledKernels = new TiledAttention(
                    prefillShape.registers()
                            ? Attention.of(
                                    p,
                                    "attention_prefill_reg",
                                    layers,
                                    prefillShape.queries(),
                                    prefillShape.items(),
                                    splitTarget * TILED_SPLIT_FACTOR,
                                    MAX_SPLITS,
                                    2 * prefillShape.chunk())
                            : Attention.tiled(
                                    p, "attention_prefill", layers, PREFILL_QUERIES, h.headDim(), splitTarget),
                    Attention.tiled(p, "attention_decode", layers, DECODE_QUERIES, h.headDim(), splitTarget),
                    stream);
            if (streaming) {
                attentionLastToken =
                        ClContext.ownedKernel(p, streamShape.lastKernel() ? "attention_stream_last" : stream.name());
            }
            bind();
        }
        return tiledKernels;
    }

    /** Which kernels serve calls of {@link DecoderBuilds#WIDE_FROM} rows or more. */
    enum LargeRows {
        /** The wide kernels once their build is ready, the stand-in until then (runs). */
        WIDE_WHEN_BUILT,
        /** Always the stand-in (tests). */
        STAND_IN,
        /** Always the wide kernels, waiting for their build (tests). */
        WIDE
    }

    /**
     * The row kernels of a call of {@code rows} rows. Fewer than {@link DecoderBuilds#WIDE_FROM}: the narrow ones. From
     * there: the wide ones, or, while their build still runs in the background, the stand-in, whose sums are the wide
     * ones' (each output the same fused multiply-add chain over k in increasing order; no kernel sums across rows), so
     * the results are the same bits whichever runs (test: OpenClDecoderTest.standInRowKernelsGiveTheWideOnesBits). The
     * first such call starts both builds ({@link DecoderBuilds#forCall}: the stand-in first, which it waits for). A first
     * clip with large prefills then does not wait for the slowest build (H200: 12.4 s) and gets the tokens of every
     * later run, and a run without such calls never builds either.
     */
    private Variant rowKernels(int rows) {
        if (!DecoderBuilds.largeRows(rows)) {
            return narrow;
        }
        if (wide == null) {
            builds.forCall(rows).forEach(ctx::prebuild); // no-ops once started (per context)
        }
        if (wide == null && largeRows != LargeRows.STAND_IN) {
            Optional<cl_program> built = largeRows == LargeRows.WIDE
                    ? Optional.of(ctx.program(builds.wide()))
                    : ctx.programIfBuilt(builds.wide());
            built.ifPresent(p -> wide = bound(Variant.of("wide", p, keys.length, WIDE_ROWS, hidden)));
        }
        if (wide != null && largeRows != LargeRows.STAND_IN) {
            return wide;
        }
        if (standIn == null) {
            if (largeRows == LargeRows.WIDE_WHEN_BUILT) {
                ClContext.ProgramSource slow = builds.wide();
                LOG.log(
                        System.Logger.Level.INFO,
                        "autogaze4j: OpenCL program " + slow.resource() + " (" + slow.variant() + ") is building"
                                + " in the background; until it is ready, calls of " + DecoderBuilds.WIDE_FROM
                                + " rows or more run on the 1-row kernels (the same results, slower)");
            }
            standIn = bound(Variant.of("stand-in", ctx.program(builds.standIn()), keys.length, 1, hidden));
        }
        return standIn;
    }

    /** Pins which kernels serve calls of {@link DecoderBuilds#WIDE_FROM} rows or more (tests). */
    void pinLargeRows(LargeRows choice) {
        largeRows = choice;
    }

    /** The name of the row kernels of the last call: narrow, wide, stand-in, split or persistent (tests). */
    String lastRowKernels() {
        return lastPersistent ? "persistent" : lastSplit ? "split" : lastRows.name();
    }

    /** The attention kernel of a step with {@code perRow} new tokens per batch row. */
    private Attention attentionFor(int perRow) {
        if (!tiled) {
            return strided;
        }
        TiledAttention t = tiledAttention();
        if (t.stream() != null && perRow <= t.stream().queries()) {
            return t.stream();
        }
        return perRow > DECODE_QUERIES ? t.prefill() : t.decode();
    }

    /** Key splits of a step with {@code perRow} new tokens per batch row and {@code visible} keys. */
    private int keySplits(int perRow, int visible) {
        Attention a = attentionFor(perRow);
        return a.splits(batch * a.blocks(perRow) * w.host.heads(), visible);
    }

    /**
     * The builds of decoder.cl for sessions of {@code h} on {@code ctx}, the streamed attention of {@code stream} and the
     * prefill attention of {@code prefill}.
     */
    static DecoderBuilds builds(ClContext ctx, DecoderWeights h, StreamShape stream, PrefillShape prefill) {
        String options = options(ctx, h);
        int slices = narrowSlices(h);
        ClContext.ProgramSource narrow = rowBuild(options, 1, slices);
        return new DecoderBuilds(
                new ClContext.ProgramSource("decoder.cl", "step kernels", options + " -D STEP_KERNELS"),
                narrow,
                new ClContext.ProgramSource(
                        "decoder.cl",
                        "tiled attention",
                        options + stream.defines(ClDecoderWeights.heads(h)) + prefill.defines()
                                + stream.compilerOptions(ctx.info) + " -D TILED_KERNELS"),
                slices == 1 ? narrow : rowBuild(options, 1, 1),
                rowBuild(options, WIDE_ROWS, 1));
    }

    /**
     * The build of the split row kernels for sessions of {@code h} on {@code ctx}: a layer's products over column blocks
     * and row groups of {@code splitGroupRows} rows, k loops in {@link #narrowSlices} slices (the narrow kernels' sums);
     * built only by sessions that run them ({@link OpenClBackend#SPLIT_ROWS_PROPERTY}), so not one of {@link #builds}.
     */
    static ClContext.ProgramSource splitBuild(ClContext ctx, DecoderWeights h, int splitGroupRows) {
        int slices = narrowSlices(h);
        return new ClContext.ProgramSource(
                "decoder.cl",
                "split row kernels, " + SPLIT_COLUMNS + " columns x " + slices
                        + (slices == 1 ? " k slice" : " k slices") + " x " + splitGroupRows
                        + (splitGroupRows == 1 ? " row" : " rows"),
                options(ctx, h) + " -D SPLIT_KERNELS -D KS=" + slices + " -D SC=" + SPLIT_COLUMNS + " -D ROWS="
                        + splitGroupRows);
    }

    /** The compiler options every build of decoder.cl for {@code h} on {@code ctx} shares. */
    private static String options(ClContext ctx, DecoderWeights h) {
        int vocab = ClDecoderWeights.vocab(h);
        return "-cl-std=CL1.2 -D HIDDEN=" + h.hidden() + " -D HEADS=" + h.heads() + " -D HEAD_DIM="
                + h.headDim() + " -D INTER=" + ClDecoderWeights.intermediate(h) + " -D VOCAB=" + vocab + " -D NHEADS="
                + ClDecoderWeights.heads(h) + " -D PAD_ID=" + (vocab - 1) + " -D EPS=" + h.rmsNormEps() + "f -D QB="
                + QUERY_BLOCK + " -D ATT_WG=" + attentionGroupSize(ctx) + " -D SEL_WG=" + chooseGroupSize(ctx)
                + " -D LOGIT_WG=" + logitGroupSize(ctx) + " -D LOGIT_ROWS=" + LOGIT_ROWS + " -D TQ="
                + TILE_QUERIES + " -D TK=" + TILE_KEYS + " -D OQ=" + OWNER_QUERIES + " -D OD=" + OWNER_DIMS + " -D KC="
                + CHUNK + " -D PQ=" + PREFILL_QUERIES + " -D DQ=" + DECODE_QUERIES + StepLayout.defines();
    }

    /**
     * The build of the persistent step kernel for sessions of {@code h} on {@code ctx} ({@link ClPersistentStep}: the
     * step and split kernels' bodies, the split ones with one row per work-group); built only by sessions that run it
     * ({@link OpenClBackend#PERSISTENT_PROPERTY}), in the foreground when such a session opens, so not one of
     * {@link #builds}. {@code clocked}: the build that times its phases ({@link OpenClBackend#PHASE_CLOCK_PROPERTY}). On
     * a CPU device (tests only: the switch stays off there) without the compiler's optimisations: PoCL 3.1 built it in
     * 5.5 s so and in more than 15 minutes of CPU (not finished) with them, on a 2-core machine; the bits are the same
     * (OpenClDecoderTest.persistentStepGivesTheSeparateKernelsBits).
     */
    static ClContext.ProgramSource persistentBuild(ClContext ctx, DecoderWeights h, boolean clocked) {
        int slices = narrowSlices(h);
        return new ClContext.ProgramSource(
                "decoder.cl",
                "persistent step, " + persistentGroupSize(h) + " work-items" + (clocked ? ", phase clock" : ""),
                options(ctx, h) + " -D PERSISTENT_KERNELS -D KS=" + slices + " -D SC=" + SPLIT_COLUMNS
                        + " -D ROWS=1 -D PWG=" + persistentGroupSize(h) + " -D LAYERS="
                        + h.layers().size()
                        + (clocked ? " -D PHASE_CLOCK" : "")
                        + (ctx.info.cpu() ? " -cl-opt-disable" : ""));
    }

    /** Work-items per work-group of persistent_step: the split kernels' (decoder.cl PWG = SC x KS). */
    private static int persistentGroupSize(DecoderWeights h) {
        return SPLIT_COLUMNS * narrowSlices(h);
    }

    /**
     * Whether this session can run steps as one launch: persistent_step takes the strided attention (a session whose
     * steps run the tiled kernels does not) and split work-groups of one head (head size {@link #SPLIT_COLUMNS}) whose
     * work-items are at least the attention's and the choice's reductions need.
     */
    private static boolean persistentFits(DecoderWeights h, boolean tiled, ClContext ctx) {
        int size = persistentGroupSize(h);
        return !tiled
                && h.headDim() == SPLIT_COLUMNS
                && size >= attentionGroupSize(ctx)
                && size >= ClDecoderWeights.heads(h);
    }

    /** The build of the row kernels with {@code rows} rows per work-group and each k loop in {@code slices} slices. */
    private static ClContext.ProgramSource rowBuild(String options, int rows, int slices) {
        return new ClContext.ProgramSource(
                "decoder.cl",
                "row kernels, " + rows + (rows == 1 ? " row" : " rows") + " x " + slices
                        + (slices == 1 ? " k slice" : " k slices"),
                options + " -D ROW_KERNELS -D ROWS=" + rows + " -D KS=" + slices);
    }

    /** k slices of the narrow row kernels: {@link #NARROW_SLICES} where they divide hidden and intermediate, else 1. */
    private static int narrowSlices(DecoderWeights h) {
        boolean divides = h.hidden() % NARROW_SLICES == 0 && ClDecoderWeights.intermediate(h) % NARROW_SLICES == 0;
        return divides ? NARROW_SLICES : 1;
    }

    /** Work-items per attention work-group. */
    private static int attentionGroupSize(ClContext ctx) {
        return ctx.info.cpu() ? 32 : 128;
    }

    /**
     * Work-items per heads_choose work-group (one batch row): each reduction level is a barrier of the whole group, so
     * the fewest that keep the probabilities' exp sums in the order of the 1024 before, 2 * 256 >= the vocabulary 266
     * (decoder.cl heads_choose); ~27 KB of local memory with K = 10, within OpenCL's 32 KB minimum.
     */
    private static int chooseGroupSize(ClContext ctx) {
        return ctx.info.cpu() ? 32 : 256;
    }

    /**
     * Work-items (logit columns) per heads_logits work-group: on a GPU small groups, so that even batch 1 spreads
     * the 2 MB of head weights over ~40 compute units.
     */
    private static int logitGroupSize(ClContext ctx) {
        return ctx.info.cpu() ? 32 : 64;
    }

    private void clearMaskOnDevice() {
        float[] zeros = new float[(batch * cap + 3) / 4];
        ctx.write(mask, 0, zeros, zeros.length);
    }

    /** Grows the activation, attention-partial and parameter buffers and rebinds every kernel argument. */
    private void ensureCapacity(int rows, int paramInts, int parts) {
        if (rows <= rowCapacity && paramInts <= paramCapacity && parts <= partCapacity) {
            return;
        }
        if (rows > rowCapacity) {
            rowCapacity = Math.max(rows, rowCapacity * 2);
            ClContext.release(x);
            ClContext.release(q);
            long bytes = (long) rowCapacity * hidden * Sizeof.cl_float;
            x = ctx.alloc(bytes);
            q = ctx.alloc(bytes);
            if (split != null || persistentSteps.most() > 0) {
                ClContext.release(gated);
                gated = ctx.alloc((long) rowCapacity * ClDecoderWeights.intermediate(w.host) * Sizeof.cl_float);
            }
        }
        if (parts > partCapacity) {
            // one attention partial per query row, head and key split: unnormalised output + {max, exp sum}
            partCapacity = Math.max(parts, partCapacity * 2);
            ClContext.release(partOut);
            ClContext.release(partStats);
            partOut = ctx.alloc((long) partCapacity * w.host.headDim() * Sizeof.cl_float);
            partStats = ctx.alloc((long) partCapacity * 2 * Sizeof.cl_float);
        }
        if (paramInts > paramCapacity) {
            paramCapacity = Math.max(paramInts, paramCapacity * 2);
            ClContext.release(params);
            params = ctx.alloc((long) paramCapacity * Sizeof.cl_int);
        }
        bind();
    }

    private void bind() {
        int layers = keys.length;
        ClDecoderWeights.Layer last = w.layers.get(layers - 1);
        Stream.of(narrow, wide, standIn).filter(Objects::nonNull).forEach(this::bindRows);
        for (int l = 0; l < layers; l++) {
            bindAttention(strided.perLayer().get(l), l, 0);
            if (tiledKernels != null) {
                bindTiled(tiledKernels.prefill().perLayer().get(l), l);
                bindTiled(tiledKernels.decode().perLayer().get(l), l);
                if (tiledKernels.stream() != null) {
                    bindAttention(tiledKernels.stream().perLayer().get(l), l, 0);
                }
            }
        }
        if (attentionLastToken != null && streaming && streamShape.lastKernel()) {
            bindTiled(attentionLastToken, layers - 1);
        } else if (attentionLastToken != null) {
            bindAttention(attentionLastToken, layers - 1, 1);
        }
        bindMlp(mlpLastToken, last, 1);
        if (split != null) {
            bindSplit();
        }
        if (persistent != null) {
            persistent.bindSession(new ClPersistentStep.SessionArgs(
                    mask,
                    forbidden,
                    x,
                    q,
                    partOut,
                    partStats,
                    gated,
                    logits,
                    w.layerStack(ctx),
                    ropeCos,
                    ropeSin,
                    keyStack,
                    valueStack,
                    perLayerCache,
                    cap,
                    w.host.attentionScale(),
                    w.finalNorm,
                    w.lmHead,
                    w.taskLossHead));
        }
        ClContext.args(headsLogits, params, x, w.finalNorm, w.lmHead, w.taskLossHead, logits, results);
        ClContext.args(headsChoose, params, logits, forbidden, results);
    }

    /** {@code v} with its kernels bound to this session's buffers and weights. */
    private Variant bound(Variant v) {
        bindRows(v);
        return v;
    }

    /** Binds the row kernels of {@code v}: layer 0's q/k/v, each layer's MLP with the next one's q/k/v, the last MLP. */
    private void bindRows(Variant v) {
        ClDecoderWeights.Layer first = w.layers.get(0);
        ClDecoderWeights.Layer last = w.layers.get(keys.length - 1);
        for (cl_kernel layer0 : List.of(v.qkv(), v.feedQkv())) {
            ClContext.args(
                    layer0,
                    params,
                    mask,
                    forbidden,
                    x,
                    first.inputNorm(),
                    first.q(),
                    first.k(),
                    first.v(),
                    ropeCos,
                    ropeSin,
                    q,
                    keys[0],
                    values[0],
                    cap); // feed_qkv_rope: the frame's arguments after these (FEED_ARGS, ClFrameLoop.bindFeed)
        }
        bindMlp(v.mlp(), last, 0);
        for (int l = 0; l < keys.length - 1; l++) {
            ClDecoderWeights.Layer lw = w.layers.get(l);
            ClDecoderWeights.Layer next = w.layers.get(l + 1);
            ClContext.args(
                    v.mlpQkv().get(l),
                    params,
                    x,
                    partOut,
                    partStats,
                    lw.o(),
                    lw.postNorm(),
                    lw.gate(),
                    lw.up(),
                    lw.down(),
                    next.inputNorm(),
                    next.q(),
                    next.k(),
                    next.v(),
                    ropeCos,
                    ropeSin,
                    q,
                    keys[l + 1],
                    values[l + 1],
                    cap);
        }
    }

    /** Binds the split kernels to this session's buffers and each layer's weights. */
    private void bindSplit() {
        int layers = keys.length;
        ClContext.args(split.input(), params, mask, forbidden, x, cap);
        bindSplitQkv(split.firstQkv(), 0);
        for (int l = 0; l < layers; l++) {
            bindSplitLayer(split.layers().get(l), l, 0);
        }
        bindSplitLayer(split.lastToken(), layers - 1, 1);
    }

    /**
     * Binds the split kernels {@code s} to layer {@code layer}'s weights (and the next layer's q/k/v and caches);
     * {@code lastOnly} 1: each batch row's last token only.
     */
    private void bindSplitLayer(SplitLayer s, int layer, int lastOnly) {
        ClDecoderWeights.Layer lw = w.layers.get(layer);
        ClContext.args(s.o(), params, x, partOut, partStats, lw.o(), lastOnly);
        ClContext.args(s.gateUp(), params, x, lw.postNorm(), lw.gate(), lw.up(), gated, lastOnly);
        ClContext.args(s.down(), params, x, gated, lw.down(), lastOnly);
        if (s.nextQkv() != null) {
            bindSplitQkv(s.nextQkv(), layer + 1);
        }
    }

    /** Binds a split_qkv kernel to layer {@code layer}'s norm, q/k/v weights and caches. */
    private void bindSplitQkv(cl_kernel kernel, int layer) {
        ClDecoderWeights.Layer lw = w.layers.get(layer);
        ClContext.args(
                kernel,
                params,
                x,
                lw.inputNorm(),
                lw.q(),
                lw.k(),
                lw.v(),
                ropeCos,
                ropeSin,
                q,
                keys[layer],
                values[layer],
                cap);
    }

    @Override
    public int batch() {
        return batch;
    }

    @Override
    public int length() {
        return length;
    }

    @Override
    public DecoderHeads forward(Tensor x, int perRow, int[][] positions, byte[][] masks, List<Tensor> layerOutputs) {
        synchronized (ctx) {
            enqueueStep(x, perRow, positions, masks, null, layerOutputs);
            verifyPersistent();
            float[] lg = new float[batch * k * vocab];
            float[] tl = new float[batch * k];
            ctx.read(logits, 0, lg, lg.length);
            ctx.read(results, (long) StepLayout.R_TASK_LOSS * batch * k, tl, tl.length);
            return new DecoderHeads(Tensor.wrap(lg, batch, k * vocab), Tensor.wrap(tl, batch, k));
        }
    }

    @Override
    public boolean choosesTokens() {
        return true;
    }

    @Override
    public TokenChoice forwardAndChoose(
            Tensor x, int perRow, int[][] positions, byte[][] masks, int[][] fedIds, int padId) {
        if (padId != vocab - 1) {
            throw new IllegalArgumentException("pad id " + padId + " is not the last vocabulary id " + (vocab - 1));
        }
        synchronized (ctx) {
            long t0 = System.nanoTime();
            enqueueStep(x, perRow, positions, masks, fedIds, null);
            long t1 = System.nanoTime();
            StepLayout.Results r = readResults();
            verifyPersistent();
            ctx.hostTime("host: enqueue step", t1 - t0);
            ctx.hostTime("host: wait for choice", System.nanoTime() - t1);
            return r.choice();
        }
    }

    @Override
    public boolean decodesFrames() {
        return decodesFrames;
    }

    /**
     * A whole frame, waiting once (with a task-loss stop: after {@link #FIRST_CHUNK} steps, then after twice as many
     * each time, until every row finished): every step's parameters packed and uploaded together (the decode steps' fed
     * ids and embeddings left empty), then per step the layers on its region of that upload (layer 0 of a decode step
     * gathering its ids and embeddings from the previous step's results) and the heads writing into the frame's
     * results; a read of the results at each wait. Without a stop this is {@link #submitFrame} and its wait.
     */
    @Override
    public List<TokenChoice> forwardFrame(FrameSteps plan) {
        if (!decodesFrames) {
            throw new UnsupportedOperationException(
                    "the decode loop on the device is off (-D" + OpenClBackend.FRAME_LOOP_PROPERTY + "=off)");
        }
        if (plan.taskLossStop().isEmpty()) {
            return enqueueFrame(plan).choices();
        }
        if (plan.carriedPerRow() > 0) {
            throw new IllegalArgumentException(
                    "a frame with a task-loss stop carries no tokens from the previous frame");
        }
        synchronized (ctx) {
            long t0 = System.nanoTime();
            List<StepLayout.Header> headers = startFrame(plan);
            List<TokenChoice> out = new ArrayList<>();
            boolean[] finished = new boolean[batch];
            int chunk = FIRST_CHUNK;
            while (out.size() < headers.size() && !allTrue(finished)) {
                int from = out.size(), to = Math.min(headers.size(), from + chunk);
                enqueueSteps(headers, from, to);
                long t1 = System.nanoTime();
                ClFrameLoop.Pending pending = frame.readLater(to);
                ClPersistentStep.Check check = persistentCheck(headers.subList(from, to));
                List<StepLayout.Results> read = frame.await(pending);
                if (check != null) {
                    check.verify();
                }
                for (int s = from; s < to; s++) {
                    TokenChoice c = read.get(s).choice();
                    for (int b = 0; b < batch; b++) {
                        finished[b] |= plan.finishesRow(c, s, b);
                    }
                    out.add(c);
                }
                ctx.hostTime("host: enqueue frame", t1 - t0);
                t0 = System.nanoTime();
                ctx.hostTime("host: wait for frame", t0 - t1);
                chunk *= 2;
            }
            return out;
        }
    }

    @Override
    public boolean pipelinesFrames() {
        return pipelinesFrames;
    }

    /** Enqueues a frame without a task-loss stop; the choices are read when asked for (two frames may be in flight). */
    @Override
    public SubmittedFrame submitFrame(FrameSteps plan) {
        if (!pipelinesFrames()) {
            throw new UnsupportedOperationException("frames are not pipelined here (-D"
                    + OpenClBackend.FRAME_LOOP_PROPERTY + "=off or -D" + OpenClBackend.OVERLAP_PROPERTY + "=off)");
        }
        if (plan.taskLossStop().isPresent()) {
            throw new IllegalArgumentException(
                    "a submitted frame has no task-loss stop (its steps depend on the reads)");
        }
        return enqueueFrame(plan);
    }

    /** Enqueues every step of a frame without a task-loss stop and the read of its results. */
    private SubmittedFrame enqueueFrame(FrameSteps plan) {
        synchronized (ctx) {
            long t0 = System.nanoTime();
            List<StepLayout.Header> headers = startFrame(plan);
            enqueueSteps(headers, 0, headers.size());
            ClFrameLoop.Pending pending = frame.readLater(headers.size());
            ClPersistentStep.Check check = persistentCheck(headers);
            carriable = plan.stepSizes().get(plan.steps() - 1);
            ctx.hostTime("host: enqueue frame", System.nanoTime() - t0);
            return () -> {
                long t1 = System.nanoTime();
                List<TokenChoice> out = new ArrayList<>();
                List<StepLayout.Results> results = frame.await(pending);
                if (check != null) {
                    check.verify();
                }
                for (StepLayout.Results r : results) {
                    out.add(r.choice());
                }
                ctx.hostTime("host: wait for frame", System.nanoTime() - t1);
                return out;
            };
        }
    }

    /**
     * Checks a frame, makes its headers, grows the buffers and enqueues its upload (and the gathering of the tokens it
     * carries); returns the headers, step 0 first. Under the context's lock.
     */
    private List<StepLayout.Header> startFrame(FrameSteps plan) {
        checkStep(plan.prefill(), plan.hostPerRow(), plan.prefillPerRow(), plan.prefillPositions(), plan.masks(), null);
        checkFrame(plan);
        checkResident(plan);
        if (plan.carriedPerRow() > 0 && plan.carriedPerRow() != carriable) {
            throw new IllegalArgumentException("the plan carries " + plan.carriedPerRow()
                    + " tokens per row but the session's last call was not a frame without a task-loss stop whose last"
                    + " step kept that many (" + carriable + ")");
        }
        carriable = 0;
        List<StepLayout.Header> headers = frameHeaders(plan);
        ensureCapacity(
                headers.stream().mapToInt(StepLayout.Header::rows).max().orElseThrow(),
                0, // (a frame's steps read their regions of its upload, not params)
                headers.stream()
                        .mapToInt(h -> h.rows() * w.host.heads() * h.splits())
                        .max()
                        .orElseThrow());
        frame.upload(plan, headers, deviceMask);
        return headers;
    }

    /**
     * Enqueues steps {@code [from, to)} of the frame just started: input (fed ids and embeddings: in layer 0 with
     * {@link #fuseFeed}, unless the split kernels take the step), layers, heads writing into the frame's results.
     */
    private void enqueueSteps(List<StepLayout.Header> headers, int from, int to) {
        for (int s = from; s < to; s++) {
            StepLayout.Header h = headers.get(s);
            lastSplits = h.splits();
            lastPersistent = persistentSteps.takes(h.rows());
            if (lastPersistent && persistentSteps.frames()) {
                int end = s + 1; // the run of steps from s that run as persistent steps: one launch
                while (end < to && persistentSteps.takes(headers.get(end).rows())) {
                    end++;
                }
                persistent.enqueueFrame(frame.persistentSteps(s, end), "persistent_frame");
                s = end - 1;
                h = headers.get(s);
                lastSplits = h.splits();
            } else if (lastPersistent) {
                persistent.enqueue(frame.persistentStep(s, h), "persistent_step" + (h.reset() ? "/first" : "/next"));
            } else {
                boolean fused = s > 0 && fuseFeed && !rowSplit.takes(h.rows()); // (split_input reads fed embeddings)
                st = frame.enqueueInput(s, h, !fused);
                enqueueLayers(h, null, fused);
                enqueueHeads(frame.results());
            }
            length = h.first() + h.perRow();
        }
    }

    /** A check of the persistent launches of the frame just enqueued, or null when it ran none. */
    private ClPersistentStep.Check persistentCheck(List<StepLayout.Header> headers) {
        boolean ran = headers.stream().anyMatch(h -> persistentSteps.takes(h.rows()));
        return ran ? persistent.check() : null;
    }

    private static boolean allTrue(boolean[] a) {
        for (boolean b : a) {
            if (!b) {
                return false;
            }
        }
        return true;
    }

    /** Checks what a frame adds to its first step: the pad id, the embedding table, the step sizes, the tail positions. */
    private void checkFrame(FrameSteps plan) {
        if (plan.padId() != vocab - 1) {
            throw new IllegalArgumentException(
                    "pad id " + plan.padId() + " is not the last vocabulary id " + (vocab - 1));
        }
        Tensor table = plan.embeddings();
        if (table.rank() != 2 || table.dim(0) != vocab || table.dim(1) != hidden) {
            throw new IllegalArgumentException("embedding table " + table + " is not [" + vocab + ", " + hidden + "]");
        }
        if (plan.stepSizes().stream().anyMatch(n -> n > k)) {
            throw new IllegalArgumentException(
                    "step sizes " + plan.stepSizes() + ": a step keeps at most the decoder's " + k + " heads");
        }
        for (int b = 0; b < batch; b++) {
            if (plan.tail()[b].length == 0) {
                throw new IllegalArgumentException("no tail positions for row " + b);
            }
            for (int p : plan.tail()[b]) {
                if (p < 0 || p >= cap) {
                    throw new IllegalArgumentException(
                            "tail position " + p + " of row " + b + " outside [0, " + cap + ")");
                }
            }
        }
    }

    /**
     * Device tokens of the same context and width, with the decode loop on the device: a frame's prefill copies their
     * rows device to device ({@link ClFrameLoop}).
     */
    @Override
    public boolean readsInPlace(DeviceTokens tokens) {
        return decodesFrames && tokens instanceof ClDeviceTokens d && d.livesIn(ctx) && d.width() == hidden;
    }

    /** Checks that a plan's resident tokens, if any, can be read in place here and are still open. */
    private void checkResident(FrameSteps plan) {
        if (plan.residentTokens().isEmpty()) {
            return;
        }
        DeviceTokens tokens = plan.residentTokens().get().tokens();
        if (!readsInPlace(tokens)) {
            throw new IllegalArgumentException("the plan's resident tokens "
                    + tokens.getClass().getSimpleName() + " are not this session's device's, of width " + hidden);
        }
        ((ClDeviceTokens) tokens).mem(); // throws when closed
    }

    @Override
    public void rewind(int to) {
        if (!decodesFrames) {
            throw new UnsupportedOperationException("this decoder session runs one step per call");
        }
        if (to < 0 || to > length) {
            throw new IllegalArgumentException(
                    "cannot rewind a decoder session of " + length + " cache entries to " + to);
        }
        if (to != length) {
            carriable = 0;
        }
        length = to;
    }

    /** The headers of a frame's steps: the prefill (its mask from the first changed entry), then the decode steps. */
    private List<StepLayout.Header> frameHeaders(FrameSteps plan) {
        List<StepLayout.Header> headers = new ArrayList<>();
        int lo = firstChangedMask(plan.masks());
        int first = length;
        int perRow = plan.prefillPerRow();
        for (int s = 0; s < plan.steps(); s++) {
            int end = first + perRow;
            if (end > cap) {
                throw new IllegalStateException("KV cache needs " + end + " entries but holds at most " + cap);
            }
            int splits = keySplits(perRow, end);
            headers.add(new StepLayout.Header(
                    perRow, first, s == 0 ? lo : first, s == 0 ? end - lo : perRow, s == 0, batch, splits, s));
            first = end;
            perRow = plan.stepSizes().get(s);
        }
        return headers;
    }

    /**
     * After a call that ran as one persistent launch: checks that its grid barriers held.
     *
     * @throws IllegalStateException when they did not (see {@link ClPersistentStep.Check#verify})
     */
    private void verifyPersistent() {
        if (lastPersistent) {
            persistent.check().verify();
        }
    }

    /** Waits for the step and reads its results buffer (polling on GPUs, see {@link ClContext#readPolling}). */
    private StepLayout.Results readResults() {
        resultStage.clear();
        ctx.readWhenDone(results, resultStage, StepLayout.Results.bytes(batch, k));
        return new StepLayout.Results(resultStage, batch, k);
    }

    /**
     * Uploads one step's inputs and enqueues every layer and the heads, as one persistent launch where that takes the
     * step ({@link #persistentSteps}; not when every layer's output is asked for). {@code fedIds} null means a frame's
     * first step (forbidden ids are reset); otherwise those ids become forbidden.
     */
    private void enqueueStep(
            Tensor in, int perRow, int[][] positions, byte[][] masks, int[][] fedIds, List<Tensor> layerOutputs) {
        checkStep(in, perRow, perRow, positions, masks, fedIds);
        carriable = 0;
        int end = length + perRow;
        int lo = firstChangedMask(masks);
        lastSplits = keySplits(perRow, end);
        StepLayout.Header header =
                new StepLayout.Header(perRow, length, lo, end - lo, fedIds == null, batch, lastSplits, 0);
        upload(header, positions, fedIds, masks, in);
        lastPersistent = layerOutputs == null && persistentSteps.takes(header.rows());
        if (lastPersistent) {
            persistent.enqueue(
                    new ClPersistentStep.Step(params, header, results, -1, x, 0, 0f),
                    "persistent_step" + (header.reset() ? "/first" : "/next"));
        } else {
            st = params;
            enqueueLayers(header, layerOutputs, false);
            enqueueHeads(results);
        }
        length = end;
    }

    /**
     * Checks a step's shapes, positions and fed ids before anything reaches the device; {@code in} holds the first
     * {@code inPerRow} of the {@code perRow} new tokens of each row (the others are read in place).
     */
    private void checkStep(Tensor in, int inPerRow, int perRow, int[][] positions, byte[][] masks, int[][] fedIds) {
        if (closed) {
            throw new IllegalStateException("decoder session is closed");
        }
        int rows = batch * inPerRow;
        if (perRow < 1 || in.rank() != 2 || in.dim(0) != rows || in.dim(1) != hidden) {
            throw new IllegalArgumentException(
                    "decoder input " + in + " does not match " + batch + " rows x " + inPerRow + " tokens x " + hidden);
        }
        int end = length + perRow;
        if (end > cap) {
            throw new IllegalStateException("KV cache needs " + end + " entries but holds at most " + cap);
        }
        for (int b = 0; b < batch; b++) {
            if (masks[b].length < end) {
                throw new IllegalArgumentException(
                        "mask of row " + b + " has " + masks[b].length + " entries, needs " + end);
            }
            for (int s = 0; s < perRow; s++) {
                int p = positions[b][s];
                if (p < 0 || p >= cap) {
                    throw new IllegalArgumentException("position " + p + " of row " + b + " outside [0, " + cap + ")");
                }
                if (fedIds != null && (fedIds[b][s] < 0 || fedIds[b][s] >= vocab)) {
                    throw new IllegalArgumentException("fed id " + fedIds[b][s] + " outside the vocabulary");
                }
            }
        }
    }

    /** The first mask entry to upload: older entries that changed since the last upload (pads turned off), else the new ones. */
    private int firstChangedMask(byte[][] masks) {
        int lo = length;
        for (int b = 0; b < batch; b++) {
            int diff = Arrays.mismatch(masks[b], 0, length, deviceMask[b], 0, length);
            if (diff >= 0) {
                lo = Math.min(lo, diff);
            }
        }
        return lo;
    }

    /** Packs the step into the page-locked stage and enqueues its single upload. */
    private void upload(StepLayout.Header header, int[][] positions, int[][] fedIds, byte[][] masks, Tensor in) {
        int paramInts = header.ints(hidden);
        ensureCapacity(header.rows(), paramInts, header.rows() * w.host.heads() * header.splits());
        ByteBuffer stage = upload.reserve((long) paramInts * Sizeof.cl_int);
        StepLayout.pack(stage, header, positions, fedIds, masks, in.data(), hidden);
        for (int b = 0; b < batch; b++) {
            System.arraycopy(masks[b], header.maskLo(), deviceMask[b], header.maskLo(), header.maskSpan());
        }
        upload.send(params, (long) paramInts * Sizeof.cl_int);
    }

    /**
     * Enqueues qkv_rope ({@code fed}: feed_qkv_rope, a frame's decode step gathering its ids), then per layer attention
     * and mlp_qkv (the last layer: attention and mlp), all on {@link #st}; with {@code layerOutputs}, reads every layer's
     * output into it (and the final norm after them).
     */
    private void enqueueLayers(StepLayout.Header header, List<Tensor> layerOutputs, boolean fed) {
        int rows = header.rows();
        int attHeads = w.host.heads();
        Variant v = rowKernels(rows);
        lastRows = v;
        boolean splits = rowSplit.takes(rows);
        lastSplit = splits;
        long group = v.groupSize();
        long rowGroups = v.rowGroups(rows);
        long prepareGroups = (batch * header.maskSpan() + batch + group - 1) / group;
        long[] rowGlobal = {rowGroups * group};
        long[] rowLocal = {group};
        Attention att = attentionFor(header.perRow());
        long[] attGlobal = {(long) batch * att.blocks(header.perRow()) * header.splits() * att.groupSize(), attHeads};
        long[] attLocal = {att.groupSize(), 1};
        String phase = header.reset() ? "/first" : "/next"; // profile labels: a frame's first step, its later steps
        long[] layer0Global = {(rowGroups + prepareGroups) * group};
        if (splits) {
            long inputs = (long) rows * hidden + batch * header.maskSpan() + batch;
            long inputGroup = splitGroup();
            long[] inputGlobal = {(inputs + inputGroup - 1) / inputGroup * inputGroup};
            launch(split.input(), "split_input" + phase, inputGlobal, new long[] {inputGroup});
            enqueueSplitQkv(split.firstQkv(), rows, phase);
        } else if (fed) {
            frame.bindFeed(v.feedQkv(), FEED_ARGS);
            launch(v.feedQkv(), "feed_qkv_rope" + phase, layer0Global, rowLocal);
        } else {
            launch(v.qkv(), "qkv_rope" + phase, layer0Global, rowLocal);
        }
        int layers = keys.length;
        // Only each row's last token reaches the heads, and the last layer's keys and values are cached by
        // then: its attention and MLP run for the last tokens alone (unless every layer's output is asked for).
        boolean lastOnly = layerOutputs == null && header.perRow() > 1;
        for (int l = 0; l < layers; l++) {
            if (l < layers - 1) {
                launch(att.perLayer().get(l), att.name() + phase, attGlobal, attLocal);
                if (splits) {
                    enqueueSplit(split.layers().get(l), rows, phase);
                } else {
                    launch(v.mlpQkv().get(l), "mlp_qkv" + phase, rowGlobal, rowLocal);
                }
            } else if (lastOnly) {
                launch(
                        attentionLastToken,
                        lastTokenName + "/last",
                        new long[] {(long) batch * header.splits() * lastTokenGroup, attHeads},
                        new long[] {lastTokenGroup, 1});
                if (splits) {
                    enqueueSplit(split.lastToken(), batch, "/last");
                } else {
                    long narrowGroup = narrow.groupSize();
                    launch(mlpLastToken, "mlp/last", new long[] {batch * narrowGroup}, new long[] {narrowGroup});
                }
            } else {
                launch(att.perLayer().get(l), att.name() + phase, attGlobal, attLocal);
                if (splits) {
                    enqueueSplit(split.layers().get(l), rows, phase);
                } else {
                    launch(v.mlp(), "mlp" + phase, rowGlobal, rowLocal);
                }
            }
            if (layerOutputs != null) {
                float[] out = new float[rows * hidden];
                ctx.read(x, 0, out, out.length);
                layerOutputs.add(Tensor.wrap(out, rows, hidden));
            }
        }
        if (layerOutputs != null) {
            Tensor last = layerOutputs.get(layerOutputs.size() - 1);
            layerOutputs.add(backend.rmsNorm(last, w.host.finalNorm(), w.host.rmsNormEps()));
        }
    }

    /**
     * Enqueues a layer's split kernels over {@code rows} rows (with a last-token set: batch rows): split_o, split_gate_up,
     * split_down, then the next layer's split_qkv where there is one. {@code phase}: the profile label's suffix.
     */
    private void enqueueSplit(SplitLayer s, int rows, String phase) {
        long group = splitGroup();
        long hiddenBlocks = (hidden + SPLIT_COLUMNS - 1) / SPLIT_COLUMNS;
        long interBlocks = (ClDecoderWeights.intermediate(w.host) + SPLIT_COLUMNS - 1) / SPLIT_COLUMNS;
        long rowGroups = splitRowGroups(rows);
        long[] local = {group, 1};
        launch(s.o(), "split_o" + phase, new long[] {hiddenBlocks * group, rowGroups}, local);
        launch(s.gateUp(), "split_gate_up" + phase, new long[] {interBlocks * group, rowGroups}, local);
        launch(s.down(), "split_down" + phase, new long[] {hiddenBlocks * group, rowGroups}, local);
        if (s.nextQkv() != null) {
            enqueueSplitQkv(s.nextQkv(), rows, phase);
        }
    }

    /** Enqueues a split_qkv kernel over {@code rows} rows: one work-group per head of q, k and v and row. */
    private void enqueueSplitQkv(cl_kernel kernel, int rows, String phase) {
        long headGroup = (long) w.host.headDim() * narrowSlices(w.host);
        long[] global = {3L * w.host.heads() * headGroup, splitRowGroups(rows)};
        launch(kernel, "split_qkv" + phase, global, new long[] {headGroup, 1});
    }

    /** Row groups of the split kernels over {@code rows} rows. */
    private long splitRowGroups(int rows) {
        return (rows + rowSplit.perGroup() - 1) / rowSplit.perGroup();
    }

    /** Work-items per work-group of split_input, split_o, split_gate_up and split_down (decoder.cl SPLIT_WG). */
    private long splitGroup() {
        return (long) SPLIT_COLUMNS * narrowSlices(w.host);
    }

    /**
     * The heads and the choice for each batch row's last token (logits, task loss and chosen ids on the device), on
     * {@link #st}, into {@code res} (at the step's {@link StepLayout#P_STEP}): heads_logits over (column block,
     * {@link #LOGIT_ROWS} rows), then heads_choose per row.
     */
    private void enqueueHeads(cl_mem res) {
        long columns = (long) k * vocab + k; // the logits, then the task losses
        long blocks = (columns + logitWg - 1) / logitWg;
        long rowGroups = (batch + LOGIT_ROWS - 1) / LOGIT_ROWS;
        ClContext.arg(headsLogits, LOGITS_RESULTS_ARG, res);
        ClContext.arg(headsChoose, CHOOSE_RESULTS_ARG, res);
        launch(headsLogits, "heads_logits", new long[] {blocks * logitWg, rowGroups}, new long[] {logitWg, 1});
        launch(headsChoose, "heads_choose", new long[] {(long) batch * selWg}, new long[] {selWg});
    }

    /** Enqueues a step kernel on the parameters of the step being enqueued ({@link #st}, every step kernel's argument 0). */
    private void launch(cl_kernel kernel, String label, long[] global, long[] local) {
        ClContext.arg(kernel, 0, st);
        ctx.launch(kernel, label, global, local);
    }

    /**
     * Binds an {@code attention} or {@code attention_stream} kernel to layer {@code layer}'s caches; {@code lastOnly} 1:
     * the last token only.
     */
    private void bindAttention(cl_kernel kernel, int layer, int lastOnly) {
        ClContext.args(
                kernel,
                params,
                q,
                keys[layer],
                values[layer],
                mask,
                partOut,
                partStats,
                cap,
                w.host.attentionScale(),
                lastOnly);
    }

    /**
     * Binds a tiled attention kernel ({@code attention_prefill}, {@code attention_decode} or, for the last token, {@code
     * attention_stream_last}) to layer {@code layer}'s caches.
     */
    private void bindTiled(cl_kernel kernel, int layer) {
        ClContext.args(
                kernel, params, q, keys[layer], values[layer], mask, partOut, partStats, cap, w.host.attentionScale());
    }

    /** Binds an {@code mlp} kernel to {@code layer}'s weights; {@code lastOnly} 1: the last token only. */
    private void bindMlp(cl_kernel kernel, ClDecoderWeights.Layer layer, int lastOnly) {
        ClContext.args(
                kernel,
                params,
                x,
                partOut,
                partStats,
                layer.o(),
                layer.postNorm(),
                layer.gate(),
                layer.up(),
                layer.down(),
                lastOnly);
    }

    /** Key splits of the last step's attention (for tests). */
    int lastKeySplits() {
        return lastSplits;
    }

    @Override
    public void close() {
        synchronized (ctx) {
            if (closed) {
                return;
            }
            closed = true;
            ClContext.release(keys);
            ClContext.release(values);
            ClContext.release(keyStack, valueStack);
            if (persistent != null) {
                persistent.close();
            }
            ClContext.release(
                    mask, forbidden, logits, results, ropeCos, ropeSin, x, q, partOut, partStats, params, gated);
            if (split != null) {
                split.release();
            }
            upload.close();
            ClContext.release(headsLogits);
            ClContext.release(headsChoose);
            frame.close();
            if (attentionLastToken != null) {
                ClContext.release(attentionLastToken);
            }
            ClContext.release(mlpLastToken);
            strided.release();
            if (tiledKernels != null) {
                tiledKernels.release();
            }
            narrow.release();
            if (wide != null) {
                wide.release();
            }
            if (standIn != null) {
                standIn.release();
            }
        }
    }
}
