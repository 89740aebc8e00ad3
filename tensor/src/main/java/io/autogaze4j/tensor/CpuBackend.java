package io.autogaze4j.tensor;

import java.util.ArrayList;
import java.util.List;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/** The pure-Java backend: Vector API kernels on a deterministic fork-join split. */
final class CpuBackend implements Backend {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    /** Output frames per trunk im2col buffer (about 4 MB each at the model's sizes). */
    private static final int CONV_CHUNK = 16;
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
        int gh = h / patch, gw = wd / patch;
        int k = c * patch * patch;
        int per = gh * gw * k;
        float[] cols = new float[images.size() * per];
        par.forEach(images.size() * gh, task -> {
            Tensor image = images.get(task / gh);
            if (image.dim(0) != c || image.dim(1) != h || image.dim(2) != wd) {
                throw new IllegalArgumentException("patchEmbed: images differ in size: " + image + " vs " + first);
            }
            float[] src = image.data();
            int i = task % gh;
            for (int j = 0; j < gw; j++) {
                int o = (task / gh) * per + (i * gw + j) * k;
                for (int ch = 0; ch < c; ch++) {
                    for (int y = 0; y < patch; y++) {
                        System.arraycopy(src, (ch * h + i * patch + y) * wd + j * patch, cols, o, patch);
                        o += patch;
                    }
                }
            }
        });
        return linear(Tensor.wrap(cols, images.size() * gh * gw, k), w);
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
        List<Tensor> parts = new ArrayList<>();
        // im2col in chunks of frames to bound memory (5184 values per token)
        for (int from = 0; from < windows.size(); from += CONV_CHUNK) {
            List<Tensor[]> chunk = windows.subList(from, Math.min(windows.size(), from + CONV_CHUNK));
            float[] cols = new float[chunk.size() * tokens * w.in()];
            par.forEach(
                    chunk.size() * gh,
                    task -> im2col(chunk.get(task / gh), task / gh, task % gh, cols, w.in(), cin, ks, gh, gw));
            parts.add(linear(Tensor.wrap(cols, chunk.size() * tokens, w.in()), w));
        }
        return parts.size() == 1 ? parts.get(0) : Tensor.concatRows(parts);
    }

    /** Row {@code i} of output frame {@code f}: its 3x3 (x kt) neighbourhoods, zero outside the grid or window. */
    private static void im2col(Tensor[] window, int f, int i, float[] cols, int k, int cin, int ks, int gh, int gw) {
        int pad = ks / 2;
        for (int j = 0; j < gw; j++) {
            int o = (f * gh * gw + i * gw + j) * k;
            for (Tensor frame : window) {
                for (int dy = 0; dy < ks; dy++) {
                    for (int dx = 0; dx < ks; dx++, o += cin) {
                        int y = i + dy - pad, x = j + dx - pad;
                        if (frame != null && y >= 0 && y < gh && x >= 0 && x < gw) {
                            System.arraycopy(frame.data(), (y * gw + x) * cin, cols, o, cin);
                        }
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
        int i = 0;
        for (; i < S.loopBound(a.length); i += S.length()) {
            FloatVector.fromArray(S, a, i).max(0f).intoArray(a, i);
        }
        for (; i < a.length; i++) {
            a[i] = Math.max(a[i], 0f);
        }
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
