package io.autogaze4j.tensor;

import java.util.ArrayList;
import java.util.List;

/**
 * The compute boundary of the engine: every numeric kernel the AutoGaze model needs. The pure-Java
 * {@link #cpu()} implementation is the reference; accelerator backends implement the same contract
 * and must give the same tokens. Backends may hold native or device memory, hence {@link AutoCloseable}.
 *
 * <p>A device backend implements the heavy operations ({@link #linear}, {@link #patchEmbed}, {@link #causalConv3d}),
 * names itself and gives its {@link #host()}; the light host-side operations forward to that host. Optional
 * capabilities are queries with a default that refuses or falls back, each in one place: a fused device decoder
 * ({@link #openDecoder}), a device vision encoder ({@link #openVision}), a device compositor ({@link #compositor}), a
 * profiler ({@link #profiles()}).
 */
public interface Backend extends AutoCloseable {

    /** The multithreaded Vector API CPU backend with one thread per processor. */
    static Backend cpu() {
        return new CpuBackend(Parallel.allProcessors());
    }

    /** The CPU backend with a fixed number of threads (results do not depend on it). */
    static Backend cpu(int threads) {
        return new CpuBackend(Parallel.withThreads(threads));
    }

    /** The CPU backend on {@code pool} (e.g. a {@link Parallel#recorded} one for profiling); closing it closes the pool. */
    static Backend cpu(Parallel pool) {
        return new CpuBackend(pool);
    }

    /**
     * The OpenCL backend on device {@code device} (0-based over all platforms), provided by the
     * {@code autogaze4j-kernels} module. When that module is absent or no such OpenCL device exists, logs
     * a warning saying so and returns the {@link #cpu()} backend.
     */
    static Backend openCl(int device) {
        return BackendChooser.openCl(device);
    }

    /** The first OpenCL device if there is one, otherwise (with a log line saying why) the CPU backend. */
    static Backend auto() {
        return BackendChooser.auto();
    }

    /**
     * The backend of {@code kind}: {@link BackendKind#CPU} with {@code threads} threads; {@link BackendKind#OPENCL} on the
     * preferred device (a GPU before a CPU device, or system property {@code autogaze.opencl.device}); {@link BackendKind#AUTO}
     * as {@link #auto()}. When OpenCL is asked for but its module or a device is missing, logs a warning saying so and returns
     * the CPU backend with {@code threads} threads ({@link #kind()} tells which one came back). The caller closes it.
     */
    static Backend named(BackendKind kind, int threads) {
        return BackendChooser.named(kind, threads);
    }

    /** A short human-readable name ("cpu (16 threads)"). */
    String name();

    /** What this backend is: {@link BackendKind#CPU} or {@link BackendKind#OPENCL}. */
    BackendKind kind();

    /** {@code y[rows, out] = x[rows, in] · W + b}; {@code x} is 2-D {@code [rows, in]}. */
    Tensor linear(Tensor x, LinearWeight w);

    /**
     * Non-overlapping {@code patch x patch} convolution of one channels-first image {@code [C, H, W]} with
     * {@code w} laid out {@code [C*patch*patch, out]} (input order c, y, x): returns
     * {@code [(H/patch)*(W/patch), out]}, patches in row-major order.
     */
    Tensor patchEmbed(Tensor image, LinearWeight w, int patch);

    /**
     * {@link #patchEmbed(Tensor, LinearWeight, int)} of several images at once, results stacked in order:
     * {@code [images * patches, out]}. The default embeds them one by one.
     */
    default Tensor patchEmbed(List<Tensor> images, LinearWeight w, int patch) {
        List<Tensor> parts = new ArrayList<>();
        for (Tensor image : images) {
            parts.add(patchEmbed(image, w, patch));
        }
        return Tensor.concatRows(parts);
    }

    /**
     * {@link #causalConv3d(Tensor[], LinearWeight, int, int, int)} of several output frames at once, one
     * window each, results stacked in order: {@code [windows * gh * gw, out]}. The default runs them one by one.
     */
    default Tensor causalConv3d(List<Tensor[]> windows, LinearWeight w, int ks, int gh, int gw) {
        List<Tensor> parts = new ArrayList<>();
        for (Tensor[] window : windows) {
            parts.add(causalConv3d(window, w, ks, gh, gw));
        }
        return Tensor.concatRows(parts);
    }

    /**
     * One output frame of a causal 3-D convolution over token grids. {@code window} holds the
     * {@code kt} input frames, oldest first, each {@code [gh*gw, C]} (null = an all-zero frame);
     * {@code w} is laid out {@code [(dt, dy, dx, c), out]}; spatial padding is {@code ks/2} zeros.
     * Returns {@code [gh*gw, out]}.
     */
    Tensor causalConv3d(Tensor[] window, LinearWeight w, int ks, int gh, int gw);

    /**
     * The CPU backend that runs the light host-side operations below (norms, element-wise operations, host-cache
     * attention, the bicubic squash, argmax, host tasks): {@link #cpu()}-like, and this backend itself on the CPU.
     * A device backend implements the heavy operations above and inherits these, which forward to its host; a
     * backend whose host is itself must override every one of them.
     */
    Backend host();

    /** LayerNorm over the last dimension (biased variance). */
    default Tensor layerNorm(Tensor x, float[] gamma, float[] beta, float eps) {
        return host().layerNorm(x, gamma, beta, eps);
    }

    /** RMSNorm over the last dimension: {@code w * (x / sqrt(mean(x^2) + eps))}. */
    default Tensor rmsNorm(Tensor x, float[] weight, float eps) {
        return host().rmsNorm(x, weight, eps);
    }

    /** {@code max(x, 0)} in place. */
    default void reluInPlace(Tensor x) {
        host().reluInPlace(x);
    }

    /** {@code silu(gate) * up}, element-wise. */
    default Tensor siluGate(Tensor gate, Tensor up) {
        return host().siluGate(gate, up);
    }

    /** {@code a + b} into {@code a}. */
    default void addInPlace(Tensor a, Tensor b) {
        host().addInPlace(a, b);
    }

    /** Rotary embedding of {@code x [rows, heads * headDim]} in place, row r at {@code positions[r]}. */
    default void rope(Tensor x, int heads, int[] positions, RopeTable table) {
        host().rope(x, heads, positions, table);
    }

    /** Rotary embedding of {@code x [rows, heads * headDim]} in place with precomputed angles. */
    default void rope(Tensor x, int heads, RopeTable.Angles angles) {
        host().rope(x, heads, angles);
    }

    /**
     * Attention of {@code q [S, heads * headDim]} against layer {@code layer} of {@code cache}: query s is
     * cache entry {@code first + s} and sees keys {@code j <= first + s} with {@code keyMask[j] != 0}.
     * Returns {@code [S, heads * headDim]}.
     */
    default Tensor attention(Tensor q, KvCache cache, int layer, int first, byte[] keyMask, float scale) {
        return host().attention(q, cache, layer, first, keyMask, scale);
    }

    /**
     * Attention for a batch of rows, each with its own cache and mask: {@code q} is
     * {@code [rows * S, heads * headDim]} grouped by row, every row's new queries start at cache index
     * {@code first}; the same numbers as {@link #attention(Tensor, KvCache, int, int, byte[], float)} row by row.
     */
    default Tensor attention(Tensor q, List<KvCache> caches, int layer, int first, byte[][] keyMasks, float scale) {
        return host().attention(q, caches, layer, first, keyMasks, scale);
    }

    /**
     * PyTorch {@code interpolate(mode="bicubic", align_corners=False, antialias=False)} of {@code [C, H, W]}
     * to {@code [C, outH, outW]} (A = -0.75, edge-clamped taps, float32).
     */
    default Tensor bicubicResize(Tensor image, int outH, int outW) {
        return host().bicubicResize(image, outH, outW);
    }

    /**
     * Runs {@code body.accept(i)} for {@code i in [0, tasks)} on the host's threads: for per-row host work around
     * the kernels (token choice, cache bookkeeping). Tasks must be independent.
     */
    default void forEachTask(int tasks, java.util.function.IntConsumer body) {
        host().forEachTask(tasks, body);
    }

    /** First index of the maximum of {@code x[off, off+len)}; -1 when every value is -infinity. */
    default int argmax(float[] x, int off, int len) {
        return host().argmax(x, off, len);
    }

    /**
     * A hint that a model with {@code decoder} is about to run here: a backend with one-time setup (the OpenCL backend
     * builds its kernel programs, seconds on a fresh machine) may start it now in the background, so that it overlaps
     * the caller's other work. Calling it is optional and it changes no result. The default does nothing.
     *
     * @throws IllegalArgumentException when the backend cannot run {@code decoder}'s shapes
     */
    default void prepareFor(DecoderWeights decoder) {}

    /**
     * Opens a decoder for {@code batch} rows whose KV caches start with room for {@code initialCapacity}
     * entries and may grow to {@code maxCapacity}. The default runs this backend's single operations with
     * host-memory caches; accelerator backends may return a fused implementation.
     */
    default DecoderSession openDecoder(DecoderWeights weights, int batch, int initialCapacity, int maxCapacity) {
        return new HostDecoderSession(this, weights, batch, initialCapacity, maxCapacity);
    }

    /** Whether {@link #openVision} takes {@code weights} (the whole vision encoder where this backend computes). */
    default boolean encodesVision(VisionWeights weights) {
        return false;
    }

    /**
     * Optional capability: a vision encoder for {@code batch} rows that runs every stage where this backend computes,
     * so a call moves the frames there once and the embeddings back once, instead of one round trip per operation.
     * The caller closes it before the backend. Callers without it compose the single operations above.
     *
     * @throws UnsupportedOperationException when {@link #encodesVision} is false for {@code weights}
     */
    default VisionSession openVision(VisionWeights weights, int batch) {
        throw new UnsupportedOperationException(name() + " has no vision encoder of its own; compose its operations");
    }

    /**
     * A rectangle compositor of {@code width x height} pixels whose canvas lives where this backend computes; the
     * caller closes it before the backend. The default is the plain-Java {@link RectCompositor#cpu}.
     */
    default RectCompositor compositor(int width, int height) {
        return RectCompositor.cpu(width, height);
    }

    /** What {@link #profiling} collects. */
    enum Profiling {
        /** Nothing (profiling stopped). */
        OFF,
        /** Host times alone (enqueueing, waiting, host work), which cost next to nothing. */
        HOST,
        /** Host times and device-side time per kernel (one profiling event per launch, itself adding host time). */
        KERNELS
    }

    /** Whether this backend can time its work ({@link #profiling}, {@link #profile}). */
    default boolean profiles() {
        return false;
    }

    /**
     * Starts collecting {@code what} from now on (forgetting earlier times), or stops with {@link Profiling#OFF}.
     *
     * @throws UnsupportedOperationException when {@link #profiles()} is false
     */
    default void profiling(Profiling what) {
        throw new UnsupportedOperationException(name() + " has no profiler");
    }

    /**
     * Times since profiling started, in label order: label to {total nanoseconds, count}; host times have labels starting
     * with "host".
     *
     * @throws UnsupportedOperationException when {@link #profiles()} is false
     */
    default java.util.Map<String, long[]> profile() {
        throw new UnsupportedOperationException(name() + " has no profiler");
    }

    /**
     * With profiling on, adds {@code nanos} of the caller's host work under {@code label} (a label starting with "host"),
     * shown by {@link #profile} beside the backend's own times; otherwise nothing. The default does nothing.
     */
    default void hostTime(String label, long nanos) {}

    /** Releases threads and memory. */
    @Override
    void close();
}
