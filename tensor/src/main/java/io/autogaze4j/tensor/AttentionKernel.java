package io.autogaze4j.tensor;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Scaled dot-product attention of new queries against a {@link KvCache}: query {@code s} sits at cache
 * index {@code first + s} and attends every key at an index {@code <= first + s} whose mask byte is
 * non-zero (causal by insertion order, plus a key padding mask). Each (head, query block) is one task,
 * computed in a fixed order.
 */
final class AttentionKernel {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    private static final int QB = 4;

    private AttentionKernel() {
    }

    static void attend(Parallel par, float[] q, int queries, KvCache cache, int layer, int first, byte[] keyMask,
                       float scale, float[] out) {
        int heads = cache.heads();
        int dim = cache.headDim();
        if (dim % L != 0 && dim != 0) {
            // generic path keeps correctness for head sizes that are not a vector multiple
            par.forEach(heads * queries, t -> scalar(q, queries, cache, layer, first, keyMask, scale, out, t / queries, t % queries));
            return;
        }
        int blocks = (queries + QB - 1) / QB;
        long work = (long) heads * queries * (first + queries) * dim;
        Parallel p = work < (1 << 16) ? Parallel.SERIAL : par;
        p.forEach(heads * blocks, t -> block(q, queries, cache, layer, first, keyMask, scale, out, t / blocks, (t % blocks) * QB));
    }

    private static void block(float[] q, int queries, KvCache cache, int layer, int first, byte[] mask, float scale,
                              float[] out, int h, int s0) {
        int dim = cache.headDim();
        int width = cache.heads() * dim;
        int cap = cache.capacity();
        float[] kt = cache.keysOf(layer, h);
        float[] v = cache.valuesOf(layer, h);
        int nq = Math.min(QB, queries - s0);
        int keys = first + s0 + nq; // keys visible to the last query of the block
        int padded = (keys + L - 1) / L * L;
        float[][] scores = new float[nq][padded];
        // scores[r][j] = q_r . k_j, accumulated over dimensions in order
        for (int j = 0; j < keys; j += L) {
            boolean full = j + L <= cap;
            FloatVector a0 = FloatVector.zero(S), a1 = a0, a2 = a0, a3 = a0;
            for (int d = 0; d < dim; d++) {
                FloatVector kv = full ? FloatVector.fromArray(S, kt, d * cap + j)
                        : FloatVector.fromArray(S, kt, d * cap + j, S.indexInRange(j, cap));
                a0 = FloatVector.broadcast(S, q[(s0) * width + h * dim + d]).fma(kv, a0);
                if (nq > 1) a1 = FloatVector.broadcast(S, q[(s0 + 1) * width + h * dim + d]).fma(kv, a1);
                if (nq > 2) a2 = FloatVector.broadcast(S, q[(s0 + 2) * width + h * dim + d]).fma(kv, a2);
                if (nq > 3) a3 = FloatVector.broadcast(S, q[(s0 + 3) * width + h * dim + d]).fma(kv, a3);
            }
            a0.intoArray(scores[0], j);
            if (nq > 1) a1.intoArray(scores[1], j);
            if (nq > 2) a2.intoArray(scores[2], j);
            if (nq > 3) a3.intoArray(scores[3], j);
        }
        for (int r = 0; r < nq; r++) {
            softmaxInPlace(scores[r], first + s0 + r + 1, mask, scale);
        }
        // out_r = sum_j p_rj v_j, in key order
        FloatVector[] acc = new FloatVector[nq * (dim / L)];
        java.util.Arrays.fill(acc, FloatVector.zero(S));
        for (int j = 0; j < keys; j++) {
            if (mask[j] == 0) {
                continue;
            }
            for (int c = 0; c < dim / L; c++) {
                FloatVector vv = FloatVector.fromArray(S, v, j * dim + c * L);
                for (int r = 0; r < nq; r++) {
                    acc[r * (dim / L) + c] = FloatVector.broadcast(S, scores[r][j]).fma(vv, acc[r * (dim / L) + c]);
                }
            }
        }
        for (int r = 0; r < nq; r++) {
            for (int c = 0; c < dim / L; c++) {
                acc[r * (dim / L) + c].intoArray(out, (s0 + r) * width + h * dim + c * L);
            }
        }
    }

    /** Softmax over the first {@code visible} scores (scaled), masked keys and the rest become 0. */
    private static void softmaxInPlace(float[] s, int visible, byte[] mask, float scale) {
        float max = Float.NEGATIVE_INFINITY;
        for (int j = 0; j < visible; j++) {
            if (mask[j] != 0) {
                s[j] *= scale;
                max = Math.max(max, s[j]);
            } else {
                s[j] = Float.NEGATIVE_INFINITY;
            }
        }
        if (max == Float.NEGATIVE_INFINITY) {
            throw new IllegalStateException("attention query sees no unmasked key");
        }
        float sum = 0;
        int j = 0;
        FloatVector vmax = FloatVector.broadcast(S, max);
        for (; j + L <= visible; j += L) {
            FastExp.exp(FloatVector.fromArray(S, s, j).sub(vmax)).intoArray(s, j);
        }
        for (; j < visible; j++) {
            s[j] = mask[j] == 0 ? 0f : FastExp.exp(s[j] - max);
        }
        for (j = 0; j < visible; j++) {
            sum += s[j];
        }
        float inv = 1f / sum;
        for (j = 0; j < visible; j++) {
            s[j] *= inv;
        }
        java.util.Arrays.fill(s, visible, s.length, 0f);
    }

    private static void scalar(float[] q, int queries, KvCache cache, int layer, int first, byte[] mask, float scale,
                               float[] out, int h, int s) {
        int dim = cache.headDim();
        int width = cache.heads() * dim;
        int cap = cache.capacity();
        float[] kt = cache.keysOf(layer, h);
        float[] v = cache.valuesOf(layer, h);
        int visible = first + s + 1;
        float[] sc = new float[visible];
        for (int j = 0; j < visible; j++) {
            float acc = 0;
            for (int d = 0; d < dim; d++) {
                acc = Math.fma(q[s * width + h * dim + d], kt[d * cap + j], acc);
            }
            sc[j] = acc;
        }
        softmaxInPlace(sc, visible, mask, scale);
        for (int d = 0; d < dim; d++) {
            float acc = 0;
            for (int j = 0; j < visible; j++) {
                if (mask[j] != 0) {
                    acc = Math.fma(sc[j], v[j * dim + d], acc);
                }
            }
            out[s * width + h * dim + d] = acc;
        }
    }
}
