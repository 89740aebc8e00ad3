package io.autogaze4j.tensor;

import java.util.Arrays;
import java.util.List;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/** The pure-Java backend: Vector API kernels on a deterministic fork-join split. */
final class CpuBackend implements Backend {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    /** Rows per task of a product whose tasks build their rows: whole 8-row matmul blocks; the trunk's take 650 KB. */
    private static final int BUILT_ROWS = 32;
    /** Tasks such a product aims for (with column pieces when it has few rows), as {@link MatmulKernel} does. */
    private static final int BUILT_TASKS = 64;
    /** Rows per task of the element-wise kernels. */
    private static final int ROW_CHUNK = 64;
    /** Elements per task of the element-wise kernels. */
    private static final int ELEMENT_CHUNK = 1 << 14;

    private final Parallel par;

    CpuBackend(Parallel par) {
        this.par = par;
    }

    @Override
    public String name() {
        return "cpu (" + par.threads() + " threads, " + S.vectorBitSize() + "-bit vectors)";
    }

    @Override
    public BackendKind kind() {
        return BackendKind.CPU;
    }

    /** This backend runs its host operations itself (it overrides every one of them). */
    @Override
    public Backend host() {
        return this;
    }

    @Override
    public Tensor linear(Tensor x, LinearWeight w) {
        if (x.rank() != 2 || x.dim(1) != w.in()) {
            throw new IllegalArgumentException(
                    "linear: input " + x + " does not match weight [" + w.in() + ", " + w.out() + "]");
        }
        Tensor y = Tensor.zeros(x.dim(0), w.out());
        MatmulKernel.matmul(par, x.data(), 0, x.dim(0), w.in(), w.transposed(), w.out(), w.bias(), y.data(), 0);
        return y;
    }

    @Override
    public Tensor patchEmbed(Tensor image, LinearWeight w, int patch) {
        return patchEmbed(List.of(image), w, patch);
    }

    @Override
    public Tensor patchEmbed(List<Tensor> images, LinearWeight w, int patch) {
        Tensor first = images.get(0);
        int c = first.dim(0), h = first.dim(1), wd = first.dim(2);
        if (h % patch != 0 || wd % patch != 0 || w.in() != c * patch * patch) {
            throw new IllegalArgumentException(
                    "patchEmbed: image " + first + " with patch " + patch + " and weight in " + w.in());
        }
        int gh = h / patch, gw = wd / patch, tokens = gh * gw;
        for (Tensor image : images) {
            if (image.dim(0) != c || image.dim(1) != h || image.dim(2) != wd) {
                throw new IllegalArgumentException("patchEmbed: images differ in size: " + image + " vs " + first);
            }
        }
        return productOfBuiltRows(images.size() * tokens, w, (r, cols, at) -> {
            float[] src = images.get(r / tokens).data();
            int i = r % tokens / gw, j = r % tokens % gw;
            for (int ch = 0, o = at; ch < c; ch++) {
                for (int y = 0; y < patch; y++, o += patch) {
                    System.arraycopy(src, (ch * h + i * patch + y) * wd + j * patch, cols, o, patch);
                }
            }
        });
    }

    @Override
    public Tensor causalConv3d(Tensor[] window, LinearWeight w, int ks, int gh, int gw) {
        return causalConv3d(List.<Tensor[]>of(window), w, ks, gh, gw);
    }

    @Override
    public Tensor causalConv3d(List<Tensor[]> windows, LinearWeight w, int ks, int gh, int gw) {
        int kt = windows.get(0).length;
        int cin = w.in() / (kt * ks * ks);
        if (cin * kt * ks * ks != w.in()) {
            throw new IllegalArgumentException("causalConv3d: weight in " + w.in() + " is not kt*ks*ks*C");
        }
        int tokens = gh * gw;
        return productOfBuiltRows(
                windows.size() * tokens,
                w,
                (r, cols, at) -> im2col(windows.get(r / tokens), r % tokens, cols, at, cin, ks, gh, gw));
    }

    /** Writes row {@code row} of a product's left operand into {@code cols[at .. at + k)}, every element of it. */
    private interface RowBuilder {
        void build(int row, float[] cols, int at);
    }

    /**
     * {@code y[rows, out] = A · W + b} where the tasks build A's rows themselves ({@code rows}, {@link #BUILT_ROWS} at a
     * time in per-thread scratch): the im2col of the patch embedding and the trunk. No clip-sized column buffer is
     * allocated (and zeroed) on the calling thread: at batch 8 those were 77 MB and 8 x 65 MB per call, most of a
     * 16-thread call's serial time. Each element is the product's multiply-add chain over k in order, as in
     * {@link #linear}; with few rows (one streamed frame) the columns are split too, each piece building its rows again.
     */
    private Tensor productOfBuiltRows(int rows, LinearWeight w, RowBuilder builder) {
        int k = w.in(), n = w.out();
        Tensor y = Tensor.zeros(rows, n);
        int rowTasks = (rows + BUILT_ROWS - 1) / BUILT_ROWS;
        int colTasks = Math.max(1, Math.min(n / MatmulKernel.WIDE, (BUILT_TASKS + rowTasks - 1) / rowTasks));
        int width = colTasks == 1
                ? n
                : ((n + colTasks - 1) / colTasks + MatmulKernel.WIDE - 1) / MatmulKernel.WIDE * MatmulKernel.WIDE;
        int pieces = (n + width - 1) / width;
        float[][] scratch = new float[par.threads()][];
        par.forEach(rowTasks * pieces, (worker, t) -> {
            int r0 = t / pieces * BUILT_ROWS, m = Math.min(rows, r0 + BUILT_ROWS) - r0, c0 = t % pieces * width;
            if (scratch[worker] == null) {
                scratch[worker] = new float[BUILT_ROWS * k];
            }
            float[] cols = scratch[worker];
            for (int i = 0; i < m; i++) {
                builder.build(r0 + i, cols, i * k);
            }
            MatmulKernel.block(
                    cols, 0, k, w.transposed(), n, w.bias(), y.data(), r0 * n, 0, m, c0, Math.min(n, c0 + width));
        });
        return y;
    }

    /**
     * The im2col row of token {@code token}: its 3x3 (x kt) neighbourhoods into {@code cols[at ..]}, zeros outside the
     * grid or window.
     */
    private static void im2col(Tensor[] window, int token, float[] cols, int at, int cin, int ks, int gh, int gw) {
        int pad = ks / 2;
        int i = token / gw, j = token % gw;
        int o = at;
        for (Tensor frame : window) {
            for (int dy = 0; dy < ks; dy++) {
                for (int dx = 0; dx < ks; dx++, o += cin) {
                    int y = i + dy - pad, x = j + dx - pad;
                    if (frame != null && y >= 0 && y < gh && x >= 0 && x < gw) {
                        System.arraycopy(frame.data(), (y * gw + x) * cin, cols, o, cin);
                    } else {
                        Arrays.fill(cols, o, o + cin, 0f);
                    }
                }
            }
        }
    }

    @Override
    public Tensor layerNorm(Tensor x, float[] gamma, float[] beta, float eps) {
        int dim = x.dim(-1);
        int rows = x.size() / dim;
        Tensor y = Tensor.zeros(x.shape());
        float[] a = x.data(), b = y.data();
        forRowChunks(rows, (r0, r1) -> {
            for (int r = r0; r < r1; r++) {
                int o = r * dim;
                float mean = 0;
                for (int i = 0; i < dim; i++) {
                    mean += a[o + i];
                }
                mean /= dim;
                float var = 0;
                for (int i = 0; i < dim; i++) {
                    float d = a[o + i] - mean;
                    var += d * d;
                }
                var /= dim;
                float inv = (float) (1.0 / Math.sqrt(var + eps));
                for (int i = 0; i < dim; i++) {
                    b[o + i] = (a[o + i] - mean) * inv * gamma[i] + beta[i];
                }
            }
        });
        return y;
    }

    @Override
    public Tensor rmsNorm(Tensor x, float[] weight, float eps) {
        int dim = x.dim(-1);
        int rows = x.size() / dim;
        Tensor y = Tensor.zeros(x.shape());
        float[] a = x.data(), b = y.data();
        forRowChunks(rows, (r0, r1) -> RowKernels.rmsNorm(a, r0 * dim, weight, eps, b, r0 * dim, r1 - r0, dim));
        return y;
    }

    /** Element-wise work on rows in chunks of {@link #ROW_CHUNK}: parallel for prefill, inline for decode. */
    private void forRowChunks(int rows, RowRange body) {
        int chunks = (rows + ROW_CHUNK - 1) / ROW_CHUNK;
        par.forEach(chunks, c -> body.run(c * ROW_CHUNK, Math.min(rows, (c + 1) * ROW_CHUNK)));
    }

    /** A half-open range of rows. */
    private interface RowRange {
        void run(int from, int to);
    }

    @Override
    public void reluInPlace(Tensor x) {
        float[] a = x.data();
        forElementChunks(a.length, (from, to) -> {
            int i = from;
            for (; i < from + S.loopBound(to - from); i += S.length()) {
                FloatVector.fromArray(S, a, i).max(0f).intoArray(a, i);
            }
            for (; i < to; i++) {
                a[i] = Math.max(a[i], 0f);
            }
        });
    }

    @Override
    public Tensor siluGate(Tensor gate, Tensor up) {
        Tensor y = Tensor.zeros(gate.shape());
        float[] g = gate.data(), u = up.data(), o = y.data();
        forElementChunks(g.length, (from, to) -> RowKernels.siluGate(g, from, u, from, o, from, to - from));
        return y;
    }

    @Override
    public void addInPlace(Tensor a, Tensor b) {
        float[] x = a.data(), y = b.data();
        if (x.length != y.length) {
            throw new IllegalArgumentException("add: " + a + " vs " + b);
        }
        forElementChunks(x.length, (from, to) -> RowKernels.add(x, from, y, from, to - from));
    }

    /** Element-wise work in chunks of {@link #ELEMENT_CHUNK} (a multiple of every vector length). */
    private void forElementChunks(int n, RowRange body) {
        int chunks = (n + ELEMENT_CHUNK - 1) / ELEMENT_CHUNK;
        par.forEach(chunks, c -> body.run(c * ELEMENT_CHUNK, Math.min(n, (c + 1) * ELEMENT_CHUNK)));
    }

    @Override
    public void rope(Tensor x, int heads, int[] positions, RopeTable table) {
        table.apply(x.data(), x.dim(0), heads, positions);
    }

    @Override
    public void rope(Tensor x, int heads, RopeTable.Angles angles) {
        forRowChunks(angles.rows(), (r0, r1) -> angles.apply(x.data(), heads, r0, r1));
    }

    @Override
    public Tensor attention(Tensor q, KvCache cache, int layer, int first, byte[] keyMask, float scale) {
        Tensor out = Tensor.zeros(q.shape());
        AttentionKernel.attend(par, q.data(), q.dim(0), cache, layer, first, keyMask, scale, out.data());
        return out;
    }

    @Override
    public Tensor attention(Tensor q, List<KvCache> caches, int layer, int first, byte[][] keyMasks, float scale) {
        Tensor out = Tensor.zeros(q.shape());
        AttentionKernel.attendRows(
                par, q.data(), q.dim(0) / caches.size(), caches, layer, first, keyMasks, scale, out.data());
        return out;
    }

    /** The fused decoder of this backend (bit-identical to the default one built from single operations). */
    @Override
    public DecoderSession openDecoder(DecoderWeights weights, int batch, int initialCapacity, int maxCapacity) {
        return new CpuDecoderSession(this, par, weights, batch, initialCapacity, maxCapacity);
    }

    @Override
    public Tensor bicubicResize(Tensor image, int outH, int outW) {
        return BicubicResize.resize(image, outH, outW);
    }

    @Override
    public int argmax(float[] x, int off, int len) {
        int best = -1;
        float max = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < len; i++) {
            float v = x[off + i];
            if (v > max) {
                max = v;
                best = i;
            }
        }
        return best;
    }

    @Override
    public void forEachTask(int tasks, java.util.function.IntConsumer body) {
        par.forEach(tasks, body);
    }

    @Override
    public void close() {
        par.close();
    }
}
