package io.autogaze4j.tensor;

import java.util.List;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
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
        attendRows(par, q, queries, List.of(cache), layer, first, new byte[][] {keyMask}, scale, out);
    }

    /** All rows at once: {@code q} and {@code out} are {@code [rows * queries, heads * headDim]}. */
    static void attendRows(Parallel par, float[] q, int queries, List<KvCache> caches, int layer, int first,
                           byte[][] keyMasks, float scale, float[] out) {
        KvCache c0 = caches.get(0);
        int heads = c0.heads();
        int dim = c0.headDim();
        int rows = caches.size();
        int width = heads * dim;
        if (dim % L != 0) {
            // generic path keeps correctness for head sizes that are not a vector multiple
            par.forEach(rows * heads * queries, t -> {
                int b = t / (heads * queries);
                int rest = t % (heads * queries);
                scalar(q, b * queries * width, caches.get(b), layer, first, keyMasks[b], scale, out, rest / queries, rest % queries);
            });
            return;
        }
        // few queries (decode steps): one query per task for parallelism; many (prefill): blocks of QB
        int qb = queries <= 2 * QB ? 1 : QB;
        int blocks = (queries + qb - 1) / qb;
        long work = (long) rows * heads * queries * (first + queries) * dim;
        Parallel p = work < (1 << 16) ? Parallel.SERIAL : par;
        float[][] bias = new float[rows][];
        for (int b = 0; b < rows; b++) {
            bias[b] = keyBias(keyMasks[b], first + queries);
        }
        p.forEach(rows * heads * blocks, t -> {
            int b = t / (heads * blocks);
            int rest = t % (heads * blocks);
            block(q, b * queries * width, queries, caches.get(b), layer, first, keyMasks[b], bias[b], scale, out,
                    rest / blocks, (rest % blocks) * qb, qb);
        });
    }

    private static void block(float[] q, int rowOff, int queries, KvCache cache, int layer, int first, byte[] mask,
                              float[] bias, float scale, float[] out, int h, int s0, int qb) {
        int dim = cache.headDim();
        int width = cache.heads() * dim;
        int cap = cache.capacity();
        float[] kt = cache.keysOf(layer, h);
        float[] v = cache.valuesOf(layer, h);
        int nq = Math.min(qb, queries - s0);
        int keys = first + s0 + nq; // keys visible to the last query of the block
        int padded = (keys + L - 1) / L * L;
        float[][] scores = new float[QB][padded];
        int q0 = rowOff + s0 * width + h * dim;
        int q1 = nq > 1 ? q0 + width : q0;
        int q2 = nq > 2 ? q0 + 2 * width : q0;
        int q3 = nq > 3 ? q0 + 3 * width : q0;
        // scores[r][j] = q_r . k_j, accumulated over dimensions in order (rows beyond nq are computed and ignored)
        int fullEnd = Math.min(padded, cap / L * L);
        for (int j = 0; j < padded; j += L) {
            FloatVector a0 = FloatVector.zero(S), a1 = a0, a2 = a0, a3 = a0;
            if (j < fullEnd) {
                for (int d = 0, ko = j; d < dim; d++, ko += cap) {
                    FloatVector kv = FloatVector.fromArray(S, kt, ko);
                    a0 = FloatVector.broadcast(S, q[q0 + d]).fma(kv, a0);
                    a1 = FloatVector.broadcast(S, q[q1 + d]).fma(kv, a1);
                    a2 = FloatVector.broadcast(S, q[q2 + d]).fma(kv, a2);
                    a3 = FloatVector.broadcast(S, q[q3 + d]).fma(kv, a3);
                }
            } else {
                var inCache = S.indexInRange(j, cap);
                for (int d = 0, ko = j; d < dim; d++, ko += cap) {
                    FloatVector kv = FloatVector.fromArray(S, kt, ko, inCache);
                    a0 = FloatVector.broadcast(S, q[q0 + d]).fma(kv, a0);
                    a1 = FloatVector.broadcast(S, q[q1 + d]).fma(kv, a1);
                    a2 = FloatVector.broadcast(S, q[q2 + d]).fma(kv, a2);
                    a3 = FloatVector.broadcast(S, q[q3 + d]).fma(kv, a3);
                }
            }
            a0.intoArray(scores[0], j);
            a1.intoArray(scores[1], j);
            a2.intoArray(scores[2], j);
            a3.intoArray(scores[3], j);
        }
        for (int r = 0; r < nq; r++) {
            softmaxInPlace(scores[r], first + s0 + r + 1, bias, scale);
        }
        // out_r = sum_j p_rj v_j in key order; masked keys have p = 0 and are skipped
        float[] p0 = scores[0], p1 = scores[nq > 1 ? 1 : 0], p2 = scores[nq > 2 ? 2 : 0], p3 = scores[nq > 3 ? 3 : 0];
        for (int c = 0; c < dim; c += L) {
            FloatVector a0 = FloatVector.zero(S), a1 = a0, a2 = a0, a3 = a0;
            for (int j = 0; j < keys; j++) {
                if (mask[j] == 0) {
                    continue;
                }
                FloatVector vv = FloatVector.fromArray(S, v, j * dim + c);
                a0 = FloatVector.broadcast(S, p0[j]).fma(vv, a0);
                a1 = FloatVector.broadcast(S, p1[j]).fma(vv, a1);
                a2 = FloatVector.broadcast(S, p2[j]).fma(vv, a2);
                a3 = FloatVector.broadcast(S, p3[j]).fma(vv, a3);
            }
            a0.intoArray(out, q0 + c);
            if (nq > 1) a1.intoArray(out, q1 + c);
            if (nq > 2) a2.intoArray(out, q2 + c);
            if (nq > 3) a3.intoArray(out, q3 + c);
        }
    }

    /** Additive key bias: 0 where the mask allows a key, -infinity where it excludes it. */
    private static float[] keyBias(byte[] mask, int keys) {
        float[] bias = new float[(keys + L - 1) / L * L];
        for (int j = 0; j < keys; j++) {
            bias[j] = mask[j] != 0 ? 0f : Float.NEGATIVE_INFINITY;
        }
        return bias;
    }

    /**
     * Softmax over the first {@code visible} scores after scaling and the key bias; the rest become 0.
     * Vector lanes give a fixed summation order for a given length, so results do not depend on threads.
     */
    private static void softmaxInPlace(float[] s, int visible, float[] bias, float scale) {
        int full = visible / L * L;
        FloatVector vmax = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
        int j = 0;
        for (; j < full; j += L) {
            FloatVector x = FloatVector.fromArray(S, s, j).mul(scale).add(FloatVector.fromArray(S, bias, j));
            x.intoArray(s, j);
            vmax = vmax.max(x);
        }
        float max = vmax.reduceLanes(VectorOperators.MAX);
        for (; j < visible; j++) {
            s[j] = s[j] * scale + bias[j];
            max = Math.max(max, s[j]);
        }
        if (max == Float.NEGATIVE_INFINITY) {
            throw new IllegalStateException("attention query sees no unmasked key");
        }
        FloatVector vsum = FloatVector.zero(S);
        FloatVector m = FloatVector.broadcast(S, max);
        for (j = 0; j < full; j += L) {
            FloatVector e = FastExp.exp(FloatVector.fromArray(S, s, j).sub(m));
            e.intoArray(s, j);
            vsum = vsum.add(e);
        }
        // lane sums added in a fixed order: reduceLanes(ADD) may use any order, which differs between
        // interpreted and compiled code and would make results depend on JIT timing
        float[] lanes = new float[L];
        vsum.intoArray(lanes, 0);
        float sum = 0;
        for (float lane : lanes) {
            sum += lane;
        }
        for (; j < visible; j++) {
            s[j] = FastExp.exp(s[j] - max);
            sum += s[j];
        }
        float inv = 1f / sum;
        for (j = 0; j < full; j += L) {
            FloatVector.fromArray(S, s, j).mul(inv).intoArray(s, j);
        }
        for (; j < visible; j++) {
            s[j] *= inv;
        }
        java.util.Arrays.fill(s, visible, s.length, 0f);
    }

    private static void scalar(float[] q, int rowOff, KvCache cache, int layer, int first, byte[] mask, float scale,
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
                acc = Math.fma(q[rowOff + s * width + h * dim + d], kt[d * cap + j], acc);
            }
            sc[j] = acc;
        }
        softmaxInPlace(sc, visible, keyBias(mask, visible), scale);
        for (int d = 0; d < dim; d++) {
            float acc = 0;
            for (int j = 0; j < visible; j++) {
                if (mask[j] != 0) {
                    acc = Math.fma(sc[j], v[j * dim + d], acc);
                }
            }
            out[rowOff + s * width + h * dim + d] = acc;
        }
    }
}
