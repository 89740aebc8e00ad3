package io.autogaze4j.tensor;

import java.util.List;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Scaled dot-product attention of new queries against {@link KvCache}s: query {@code s} of a row sits at
 * cache index {@code first + s} and attends every key at an index {@code <= first + s} whose mask byte
 * is non-zero (causal by insertion order, plus a key padding mask).
 *
 * <p>Scores are vectorised over keys (keys are stored dimension-major), so the head size only has to
 * be a multiple of two vectors. Eight queries share every key load in prefill; decode steps run one
 * query per task to spread few queries over many cores. Each query's arithmetic is the same whichever
 * way queries are grouped or split into tasks, so results do not depend on the thread count.
 */
final class AttentionKernel {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    /** Keys per score iteration: two vectors. KvCache capacities are multiples of this. */
    static final int KEY_CHUNK = 2 * L;

    private static final int QB = 8;
    /** Below this many tasks of QB queries, single-query tasks are used instead (more parallelism). */
    private static final int MIN_BLOCK_TASKS = 48;

    private AttentionKernel() {}

    static void attend(
            Parallel par,
            float[] q,
            int queries,
            KvCache cache,
            int layer,
            int first,
            byte[] keyMask,
            float scale,
            float[] out) {
        attendRows(par, q, queries, List.of(cache), layer, first, new byte[][] {keyMask}, scale, out);
    }

    /**
     * All rows at once: {@code q} and {@code out} are {@code [rows * queries, heads * headDim]}. Device twin: the
     * {@code attention} kernel of {@code kernels/decoder.cl} (test: {@code OpenClDecoderTest}).
     */
    static void attendRows(
            Parallel par,
            float[] q,
            int queries,
            List<KvCache> caches,
            int layer,
            int first,
            byte[][] keyMasks,
            float scale,
            float[] out) {
        float[][] bias = new float[caches.size()][];
        for (int b = 0; b < bias.length; b++) {
            bias[b] = keyBias(keyMasks[b], first + queries);
        }
        attendRows(par, q, queries, caches, layer, first, bias, scale, out);
    }

    /**
     * Like {@link #attendRows(Parallel, float[], int, List, int, int, byte[][], float, float[])} with each row's
     * mask already turned into its {@link #keyBias} (covering at least {@code first + queries} keys).
     */
    static void attendRows(
            Parallel par,
            float[] q,
            int queries,
            List<KvCache> caches,
            int layer,
            int first,
            float[][] bias,
            float scale,
            float[] out) {
        KvCache c0 = caches.get(0);
        int heads = c0.heads();
        int dim = c0.headDim();
        int rows = caches.size();
        int width = heads * dim;
        long work = (long) rows * heads * queries * (first + queries) * dim;
        Parallel p = work < (1 << 16) ? Parallel.SERIAL : par;
        if (dim % KEY_CHUNK != 0) {
            p.forEach(rows * heads * queries, t -> {
                int b = t / (heads * queries);
                int rest = t % (heads * queries);
                scalar(
                        q,
                        b * queries * width,
                        caches.get(b),
                        layer,
                        first,
                        bias[b],
                        scale,
                        out,
                        rest / queries,
                        rest % queries);
            });
            return;
        }
        // Blocks of up to QB queries of near-equal size when that still gives enough tasks, else one query
        // per task. The grouping depends only on the shapes.
        // score rows reused per thread: allocating them per task would churn gigabytes per clip
        int paddedKeys = (first + queries + KEY_CHUNK - 1) / KEY_CHUNK * KEY_CHUNK;
        float[][][] scratch = new float[p.threads()][][];
        int blockCount = (queries + QB - 1) / QB;
        boolean blocked = (long) rows * heads * blockCount >= MIN_BLOCK_TASKS;
        int size = blocked ? (queries + blockCount - 1) / blockCount : 1;
        int perHead = (queries + size - 1) / size;
        p.forEach(rows * heads * perHead, (worker, t) -> {
            if (scratch[worker] == null) {
                scratch[worker] = new float[blocked ? QB : 1][paddedKeys];
            }
            int b = t / (heads * perHead);
            int h = (t / perHead) % heads;
            int s0 = (t % perHead) * size;
            int rowOff = b * queries * width;
            if (blocked) {
                block8(
                        q,
                        rowOff,
                        caches.get(b),
                        layer,
                        first,
                        bias[b],
                        scale,
                        out,
                        h,
                        s0,
                        Math.min(size, queries - s0),
                        scratch[worker]);
            } else {
                single(q, rowOff, caches.get(b), layer, first, bias[b], scale, out, h, s0, scratch[worker][0]);
            }
        });
    }

    /**
     * Queries {@code s0 .. s0+nq-1} ({@code nq <= 8}) of one head: every key chunk load feeds sixteen
     * multiply-adds. Lanes beyond {@code nq} repeat the last query; they are neither exponentiated nor
     * written out (a decode step's 10 queries run as two blocks of 5). A block of 12 (24 accumulators) was
     * measured slower than two of 8 on AVX-512 (register pressure), prefill by about half.
     */
    private static void block8(
            float[] q,
            int rowOff,
            KvCache cache,
            int layer,
            int first,
            float[] bias,
            float scale,
            float[] out,
            int h,
            int s0,
            int nq,
            float[][] sc) {
        int dim = cache.headDim();
        int width = cache.heads() * dim;
        float[] kt = cache.keysOf(layer, h);
        float[] v = cache.valuesOf(layer, h);
        int keys = first + s0 + nq; // keys visible to the last query of the block
        int padded = (keys + KEY_CHUNK - 1) / KEY_CHUNK * KEY_CHUNK;
        int base = rowOff + s0 * width + h * dim;
        // row offsets of the block's queries; missing ones repeat the last
        int w1 = Math.min(1, nq - 1) * width, w2 = Math.min(2, nq - 1) * width, w3 = Math.min(3, nq - 1) * width;
        int w4 = Math.min(4, nq - 1) * width, w5 = Math.min(5, nq - 1) * width, w6 = Math.min(6, nq - 1) * width;
        int w7 = Math.min(7, nq - 1) * width;
        for (int j = 0; j < padded; j += KEY_CHUNK) {
            FloatVector a0 = FloatVector.zero(S), b0 = a0, a1 = a0, b1 = a0, a2 = a0, b2 = a0, a3 = a0, b3 = a0;
            FloatVector a4 = a0, b4 = a0, a5 = a0, b5 = a0, a6 = a0, b6 = a0, a7 = a0, b7 = a0;
            for (int d = 0, ko = j * dim; d < dim; d++, ko += KEY_CHUNK) {
                FloatVector k0 = FloatVector.fromArray(S, kt, ko);
                FloatVector k1 = FloatVector.fromArray(S, kt, ko + L);
                int qo = base + d;
                FloatVector x = FloatVector.broadcast(S, q[qo]);
                a0 = x.fma(k0, a0);
                b0 = x.fma(k1, b0);
                x = FloatVector.broadcast(S, q[qo + w1]);
                a1 = x.fma(k0, a1);
                b1 = x.fma(k1, b1);
                x = FloatVector.broadcast(S, q[qo + w2]);
                a2 = x.fma(k0, a2);
                b2 = x.fma(k1, b2);
                x = FloatVector.broadcast(S, q[qo + w3]);
                a3 = x.fma(k0, a3);
                b3 = x.fma(k1, b3);
                x = FloatVector.broadcast(S, q[qo + w4]);
                a4 = x.fma(k0, a4);
                b4 = x.fma(k1, b4);
                x = FloatVector.broadcast(S, q[qo + w5]);
                a5 = x.fma(k0, a5);
                b5 = x.fma(k1, b5);
                x = FloatVector.broadcast(S, q[qo + w6]);
                a6 = x.fma(k0, a6);
                b6 = x.fma(k1, b6);
                x = FloatVector.broadcast(S, q[qo + w7]);
                a7 = x.fma(k0, a7);
                b7 = x.fma(k1, b7);
            }
            a0.intoArray(sc[0], j);
            b0.intoArray(sc[0], j + L);
            a1.intoArray(sc[1], j);
            b1.intoArray(sc[1], j + L);
            a2.intoArray(sc[2], j);
            b2.intoArray(sc[2], j + L);
            a3.intoArray(sc[3], j);
            b3.intoArray(sc[3], j + L);
            a4.intoArray(sc[4], j);
            b4.intoArray(sc[4], j + L);
            a5.intoArray(sc[5], j);
            b5.intoArray(sc[5], j + L);
            a6.intoArray(sc[6], j);
            b6.intoArray(sc[6], j + L);
            a7.intoArray(sc[7], j);
            b7.intoArray(sc[7], j + L);
        }
        float[] inv = new float[QB];
        for (int r = 0; r < nq; r++) {
            inv[r] = 1f / expScores(sc[r], first + s0 + r + 1, padded, bias, scale);
        }
        // out_r = (sum_j e_rj v_j) / sum_j e_rj, keys in order; excluded keys have e = 0 and are skipped
        int last = nq - 1;
        float[] p0 = sc[0], p1 = sc[Math.min(1, last)], p2 = sc[Math.min(2, last)], p3 = sc[Math.min(3, last)];
        float[] p4 = sc[Math.min(4, last)],
                p5 = sc[Math.min(5, last)],
                p6 = sc[Math.min(6, last)],
                p7 = sc[Math.min(7, last)];
        for (int c = 0; c < dim; c += KEY_CHUNK) {
            FloatVector a0 = FloatVector.zero(S), b0 = a0, a1 = a0, b1 = a0, a2 = a0, b2 = a0, a3 = a0, b3 = a0;
            FloatVector a4 = a0, b4 = a0, a5 = a0, b5 = a0, a6 = a0, b6 = a0, a7 = a0, b7 = a0;
            for (int j = 0; j < keys; j++) {
                if (bias[j] != 0f) {
                    continue;
                }
                FloatVector v0 = FloatVector.fromArray(S, v, j * dim + c);
                FloatVector v1 = FloatVector.fromArray(S, v, j * dim + c + L);
                FloatVector x = FloatVector.broadcast(S, p0[j]);
                a0 = x.fma(v0, a0);
                b0 = x.fma(v1, b0);
                x = FloatVector.broadcast(S, p1[j]);
                a1 = x.fma(v0, a1);
                b1 = x.fma(v1, b1);
                x = FloatVector.broadcast(S, p2[j]);
                a2 = x.fma(v0, a2);
                b2 = x.fma(v1, b2);
                x = FloatVector.broadcast(S, p3[j]);
                a3 = x.fma(v0, a3);
                b3 = x.fma(v1, b3);
                x = FloatVector.broadcast(S, p4[j]);
                a4 = x.fma(v0, a4);
                b4 = x.fma(v1, b4);
                x = FloatVector.broadcast(S, p5[j]);
                a5 = x.fma(v0, a5);
                b5 = x.fma(v1, b5);
                x = FloatVector.broadcast(S, p6[j]);
                a6 = x.fma(v0, a6);
                b6 = x.fma(v1, b6);
                x = FloatVector.broadcast(S, p7[j]);
                a7 = x.fma(v0, a7);
                b7 = x.fma(v1, b7);
            }
            int o = base + c;
            a0.mul(inv[0]).intoArray(out, o);
            b0.mul(inv[0]).intoArray(out, o + L);
            if (nq > 1) {
                a1.mul(inv[1]).intoArray(out, o + w1);
                b1.mul(inv[1]).intoArray(out, o + w1 + L);
            }
            if (nq > 2) {
                a2.mul(inv[2]).intoArray(out, o + w2);
                b2.mul(inv[2]).intoArray(out, o + w2 + L);
            }
            if (nq > 3) {
                a3.mul(inv[3]).intoArray(out, o + w3);
                b3.mul(inv[3]).intoArray(out, o + w3 + L);
            }
            if (nq > 4) {
                a4.mul(inv[4]).intoArray(out, o + w4);
                b4.mul(inv[4]).intoArray(out, o + w4 + L);
            }
            if (nq > 5) {
                a5.mul(inv[5]).intoArray(out, o + w5);
                b5.mul(inv[5]).intoArray(out, o + w5 + L);
            }
            if (nq > 6) {
                a6.mul(inv[6]).intoArray(out, o + w6);
                b6.mul(inv[6]).intoArray(out, o + w6 + L);
            }
            if (nq > 7) {
                a7.mul(inv[7]).intoArray(out, o + w7);
                b7.mul(inv[7]).intoArray(out, o + w7 + L);
            }
        }
    }

    /** One query {@code s} of one head (the same arithmetic per query as {@link #block8}). */
    private static void single(
            float[] q,
            int rowOff,
            KvCache cache,
            int layer,
            int first,
            float[] bias,
            float scale,
            float[] out,
            int h,
            int s,
            float[] sc) {
        int dim = cache.headDim();
        int width = cache.heads() * dim;
        float[] kt = cache.keysOf(layer, h);
        float[] v = cache.valuesOf(layer, h);
        int keys = first + s + 1;
        int padded = (keys + KEY_CHUNK - 1) / KEY_CHUNK * KEY_CHUNK;
        int base = rowOff + s * width + h * dim;
        for (int j = 0; j < padded; j += KEY_CHUNK) {
            FloatVector a = FloatVector.zero(S), b = a;
            for (int d = 0, ko = j * dim; d < dim; d++, ko += KEY_CHUNK) {
                FloatVector x = FloatVector.broadcast(S, q[base + d]);
                a = x.fma(FloatVector.fromArray(S, kt, ko), a);
                b = x.fma(FloatVector.fromArray(S, kt, ko + L), b);
            }
            a.intoArray(sc, j);
            b.intoArray(sc, j + L);
        }
        float inv = 1f / expScores(sc, keys, padded, bias, scale);
        for (int c = 0; c < dim; c += KEY_CHUNK) {
            FloatVector a = FloatVector.zero(S), b = a;
            for (int j = 0; j < keys; j++) {
                if (bias[j] != 0f) {
                    continue;
                }
                FloatVector x = FloatVector.broadcast(S, sc[j]);
                a = x.fma(FloatVector.fromArray(S, v, j * dim + c), a);
                b = x.fma(FloatVector.fromArray(S, v, j * dim + c + L), b);
            }
            a.mul(inv).intoArray(out, base + c);
            b.mul(inv).intoArray(out, base + c + L);
        }
    }

    /** Additive key bias: 0 where the mask allows a key, -infinity where it excludes it. */
    static float[] keyBias(byte[] mask, int keys) {
        float[] bias = new float[(keys + KEY_CHUNK - 1) / KEY_CHUNK * KEY_CHUNK];
        for (int j = 0; j < keys; j++) {
            bias[j] = mask[j] != 0 ? 0f : Float.NEGATIVE_INFINITY;
        }
        return bias;
    }

    /**
     * Turns the first {@code visible} raw scores into {@code exp(scale * s + bias - max)} in place (those
     * up to {@code end} into 0) and returns their sum (the softmax denominator). Lane sums are added in a fixed order:
     * {@code reduceLanes(ADD)} may use any order, which differs between interpreted and compiled code.
     */
    private static float expScores(float[] s, int visible, int end, float[] bias, float scale) {
        int full = visible / L * L;
        FloatVector vmax = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
        int j = 0;
        for (; j < full; j += L) {
            FloatVector x = FloatVector.fromArray(S, s, j).mul(scale).add(FloatVector.fromArray(S, bias, j));
            x.intoArray(s, j);
            vmax = vmax.max(x);
        }
        float max = vmax.reduceLanes(VectorOperators.MAX); // exact in any order
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
        java.util.Arrays.fill(s, visible, end, 0f); // keys only later queries of the block see: weight 0 here
        return sum;
    }

    /** Reference path for head sizes that are not a multiple of two vectors. */
    private static void scalar(
            float[] q,
            int rowOff,
            KvCache cache,
            int layer,
            int first,
            float[] bias,
            float scale,
            float[] out,
            int h,
            int s) {
        int dim = cache.headDim();
        int width = cache.heads() * dim;
        float[] kt = cache.keysOf(layer, h);
        float[] v = cache.valuesOf(layer, h);
        int visible = first + s + 1;
        float[] sc = new float[visible];
        for (int j = 0; j < visible; j++) {
            float acc = 0;
            for (int d = 0; d < dim; d++) {
                acc = Math.fma(q[rowOff + s * width + h * dim + d], kt[cache.keyIndex(j, d)], acc);
            }
            sc[j] = acc;
        }
        float inv = 1f / expScores(sc, visible, visible, bias, scale);
        for (int d = 0; d < dim; d++) {
            float acc = 0;
            for (int j = 0; j < visible; j++) {
                if (bias[j] == 0f) {
                    acc = Math.fma(sc[j], v[j * dim + d], acc);
                }
            }
            out[rowOff + s * width + h * dim + d] = acc * inv;
        }
    }
}
