package io.autogaze4j.tensor;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The CPU's row-wise and element-wise kernels on plain array ranges, shared by {@link CpuBackend}'s
 * single operations and the fused {@link CpuDecoderSession}. Each output element's arithmetic depends
 * only on its own row (norms sum a row in index order) or its own index, never on how rows or
 * elements are grouped, so callers may split the work any way they like.
 */
final class RowKernels {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

    private RowKernels() {}

    /**
     * RMSNorm of {@code rows} rows of width {@code dim}: {@code out = weight * (a / sqrt(mean(a^2) + eps))}. Each
     * row's sum of squares is one chain of additions in index order; four rows run side by side so their chains
     * overlap instead of waiting on each other's latency.
     */
    static void rmsNorm(float[] a, int aOff, float[] weight, float eps, float[] out, int outOff, int rows, int dim) {
        int r = 0;
        for (; r + 4 <= rows; r += 4) {
            int o = aOff + r * dim;
            float s0 = 0, s1 = 0, s2 = 0, s3 = 0;
            for (int i = 0; i < dim; i++) {
                float x0 = a[o + i], x1 = a[o + dim + i], x2 = a[o + 2 * dim + i], x3 = a[o + 3 * dim + i];
                s0 += x0 * x0;
                s1 += x1 * x1;
                s2 += x2 * x2;
                s3 += x3 * x3;
            }
            scaleRow(a, o, weight, inverseRms(s0, dim, eps), out, outOff + r * dim, dim);
            scaleRow(a, o + dim, weight, inverseRms(s1, dim, eps), out, outOff + (r + 1) * dim, dim);
            scaleRow(a, o + 2 * dim, weight, inverseRms(s2, dim, eps), out, outOff + (r + 2) * dim, dim);
            scaleRow(a, o + 3 * dim, weight, inverseRms(s3, dim, eps), out, outOff + (r + 3) * dim, dim);
        }
        for (; r < rows; r++) {
            int o = aOff + r * dim;
            float ss = 0;
            for (int i = 0; i < dim; i++) {
                ss += a[o + i] * a[o + i];
            }
            scaleRow(a, o, weight, inverseRms(ss, dim, eps), out, outOff + r * dim, dim);
        }
    }

    private static float inverseRms(float sumOfSquares, int dim, float eps) {
        return (float) (1.0 / Math.sqrt(sumOfSquares / dim + eps));
    }

    private static void scaleRow(float[] a, int o, float[] weight, float inv, float[] out, int p, int dim) {
        for (int i = 0; i < dim; i++) {
            out[p + i] = weight[i] * (a[o + i] * inv);
        }
    }

    /** {@code out[i] = silu(g[i]) * u[i]} for {@code n} elements (vector and scalar forms give the same bits). */
    static void siluGate(float[] g, int gOff, float[] u, int uOff, float[] out, int outOff, int n) {
        int i = 0;
        for (; i + S.length() <= n; i += S.length()) {
            FloatVector gv = FloatVector.fromArray(S, g, gOff + i);
            FloatVector sig = FastExp.exp(gv.neg()).add(1f);
            gv.div(sig).mul(FloatVector.fromArray(S, u, uOff + i)).intoArray(out, outOff + i);
        }
        for (; i < n; i++) {
            float gi = g[gOff + i];
            out[outOff + i] = gi / (1f + FastExp.exp(-gi)) * u[uOff + i];
        }
    }

    /** {@code x[i] += y[i]} for {@code n} elements. */
    static void add(float[] x, int xOff, float[] y, int yOff, int n) {
        int i = 0;
        for (; i + S.length() <= n; i += S.length()) {
            FloatVector.fromArray(S, x, xOff + i)
                    .add(FloatVector.fromArray(S, y, yOff + i))
                    .intoArray(x, xOff + i);
        }
        for (; i < n; i++) {
            x[xOff + i] += y[yOff + i];
        }
    }
}
