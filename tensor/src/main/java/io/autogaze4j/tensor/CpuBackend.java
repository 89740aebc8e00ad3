package io.autogaze4j.tensor;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/** The pure-Java backend: Vector API kernels on a deterministic fork-join split. */
final class CpuBackend implements Backend {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private final Parallel par;

    CpuBackend(Parallel par) {
        this.par = par;
    }

    @Override
    public String name() {
        return "cpu (" + par.threads() + " threads, " + S.vectorBitSize() + "-bit vectors)";
    }

    @Override
    public Tensor linear(Tensor x, LinearWeight w) {
        if (x.rank() != 2 || x.dim(1) != w.in()) {
            throw new IllegalArgumentException("linear: input " + x + " does not match weight [" + w.in() + ", " + w.out() + "]");
        }
        Tensor y = Tensor.zeros(x.dim(0), w.out());
        MatmulKernel.matmul(par, x.data(), 0, x.dim(0), w.in(), w.transposed(), w.out(), w.bias(), y.data(), 0);
        return y;
    }

    @Override
    public Tensor patchEmbed(Tensor image, LinearWeight w, int patch) {
        int c = image.dim(0), h = image.dim(1), wd = image.dim(2);
        if (h % patch != 0 || wd % patch != 0 || w.in() != c * patch * patch) {
            throw new IllegalArgumentException("patchEmbed: image " + image + " with patch " + patch + " and weight in " + w.in());
        }
        int gh = h / patch, gw = wd / patch;
        int k = c * patch * patch;
        float[] cols = new float[gh * gw * k];
        float[] src = image.data();
        par.forEach(gh, i -> {
            for (int j = 0; j < gw; j++) {
                int o = (i * gw + j) * k;
                for (int ch = 0; ch < c; ch++) {
                    for (int y = 0; y < patch; y++) {
                        System.arraycopy(src, (ch * h + i * patch + y) * wd + j * patch, cols, o, patch);
                        o += patch;
                    }
                }
            }
        });
        return linear(Tensor.wrap(cols, gh * gw, k), w);
    }

    @Override
    public Tensor causalConv3d(Tensor[] window, LinearWeight w, int ks, int gh, int gw) {
        int kt = window.length;
        int cin = w.in() / (kt * ks * ks);
        if (cin * kt * ks * ks != w.in()) {
            throw new IllegalArgumentException("causalConv3d: weight in " + w.in() + " is not kt*ks*ks*C");
        }
        int tokens = gh * gw;
        int k = w.in();
        int pad = ks / 2;
        float[] cols = new float[tokens * k];
        par.forEach(gh, i -> {
            for (int j = 0; j < gw; j++) {
                int o = (i * gw + j) * k;
                for (int dt = 0; dt < kt; dt++) {
                    Tensor frame = window[dt];
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
        });
        return linear(Tensor.wrap(cols, tokens, k), w);
    }

    @Override
    public Tensor layerNorm(Tensor x, float[] gamma, float[] beta, float eps) {
        int dim = x.dim(-1);
        int rows = x.size() / dim;
        Tensor y = Tensor.zeros(x.shape());
        float[] a = x.data(), b = y.data();
        par.forEach((rows + 63) / 64, t -> {
            for (int r = t * 64; r < Math.min(rows, t * 64 + 64); r++) {
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
        for (int r = 0; r < rows; r++) {
            int o = r * dim;
            float ss = 0;
            for (int i = 0; i < dim; i++) {
                ss += a[o + i] * a[o + i];
            }
            float inv = (float) (1.0 / Math.sqrt(ss / dim + eps));
            for (int i = 0; i < dim; i++) {
                b[o + i] = weight[i] * (a[o + i] * inv);
            }
        }
        return y;
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
        int i = 0;
        for (; i < S.loopBound(g.length); i += S.length()) {
            FloatVector gv = FloatVector.fromArray(S, g, i);
            FloatVector sig = FastExp.exp(gv.neg()).add(1f);
            gv.div(sig).mul(FloatVector.fromArray(S, u, i)).intoArray(o, i);
        }
        for (; i < g.length; i++) {
            o[i] = g[i] / (1f + FastExp.exp(-g[i])) * u[i];
        }
        return y;
    }

    @Override
    public void addInPlace(Tensor a, Tensor b) {
        float[] x = a.data(), y = b.data();
        if (x.length != y.length) {
            throw new IllegalArgumentException("add: " + a + " vs " + b);
        }
        int i = 0;
        for (; i < S.loopBound(x.length); i += S.length()) {
            FloatVector.fromArray(S, x, i).add(FloatVector.fromArray(S, y, i)).intoArray(x, i);
        }
        for (; i < x.length; i++) {
            x[i] += y[i];
        }
    }

    @Override
    public void rope(Tensor x, int heads, int[] positions, RopeTable table) {
        table.apply(x.data(), x.dim(0), heads, positions);
    }

    @Override
    public Tensor attention(Tensor q, KvCache cache, int layer, int first, byte[] keyMask, float scale) {
        Tensor out = Tensor.zeros(q.shape());
        AttentionKernel.attend(par, q.data(), q.dim(0), cache, layer, first, keyMask, scale, out.data());
        return out;
    }

    @Override
    public Tensor attention(Tensor q, java.util.List<KvCache> caches, int layer, int first, byte[][] keyMasks, float scale) {
        Tensor out = Tensor.zeros(q.shape());
        AttentionKernel.attendRows(par, q.data(), q.dim(0) / caches.size(), caches, layer, first, keyMasks, scale, out.data());
        return out;
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
    public void close() {
        par.close();
    }
}
