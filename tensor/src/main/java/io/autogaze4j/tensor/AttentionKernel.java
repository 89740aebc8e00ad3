package io.autogaze4j.tensor;

import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicIntegerArray;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Scaled dot-product attention of new queries against {@link KvCache}s: query {@code s} of a row sits at
 * cache index {@code first + s} and attends every key at an index {@code <= first + s} whose mask byte
 * is non-zero (causal by insertion order, plus a key padding mask).
 *
 * <p>The softmax works in segments of {@link #SEGMENT} keys: each segment of a query's keys gets its own maximum,
 * exponential sum and weighted value sum, and the segments are then combined in order (the largest maximum, each
 * segment rescaled by {@code exp(m_g - max)}). A query that sees at most {@code SEGMENT} keys gets the plain softmax.
 * Segments bound the score scratch (it stays in the first-level cache) and let a decode step split a row's keys
 * over several tasks while every task still reads each key once for all its queries.
 *
 * <p>Up to {@link #QB} queries of one row and head form a block that shares every key and value load (a decode step's
 * K = 10 queries are two full blocks; lanes beyond a smaller block's queries are left out of the softmax). Scores are
 * vectorised over keys (keys are stored dimension-major), so the head size only has to be a multiple of two vectors.
 * A query's arithmetic depends only on its query vector and keys, never on how queries are grouped into blocks or
 * segments into tasks, so results do not depend on the thread count or batch.
 */
final class AttentionKernel {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    /** Keys per score iteration: two vectors. KvCache capacities are multiples of this. */
    static final int KEY_CHUNK = 2 * L;
    /** Keys per softmax segment (a multiple of every {@link #KEY_CHUNK}): QB score rows of it take 5 KB. */
    static final int SEGMENT = 256;
    /**
     * Queries per block: a decode step's K = 10 queries are two full blocks. Measured on the 2-core Xeon, one thread,
     * per call: 206 queries x 3000 keys 14 ms with 5, 18-19 ms with 8, 30 ms with 10 (20 accumulators spill); 10 queries
     * x 3000 keys 0.8 ms with 5, 1.0-1.2 ms with 8 (two blocks of five in eight lanes).
     */
    static final int QB = 5;
    /**
     * Query blocks of one row and head per task: the task runs them segment by segment, so a segment's keys and values
     * are read from memory once for all of them. {@link Plan} gives each row and head as few groups as it can (a decode
     * step: its two blocks in one group; a prefill of 206 queries: all 42 blocks in one group split over key segments,
     * where groups of four read every key from memory eleven times), but no group larger than this.
     */
    static final int MAX_GROUP = 64;
    /**
     * Tasks a call aims for: below it, a block's segments are split over several tasks (decode steps; the machines
     * this is tuned for have 16 threads).
     */
    private static final int MIN_TASKS = 64;
    /**
     * Most multiply-adds per task where a row and head has more (a call's {@link Plan} splits its keys further): at batch 8
     * the 48 rows and heads of a late frame's prefill made 96 tasks of ~40 M multiply-adds, six per thread on 16 threads,
     * so one slow task (a prefill task's time varied up to 4x in a one-thread recording) held the whole region; about a
     * quarter of a millisecond per task costs a few microseconds of query copies and its share of the segments' results.
     */
    private static final long TASK_MACS = 1L << 23;

    private AttentionKernel() {}

    /**
     * Buffers reused across calls: one set of scratch per thread of the pool, and the partial results of blocks
     * whose segments are split over tasks. A decoder session keeps one; calls on it must not overlap.
     */
    static final class Workspace {
        private final float[][] scores;
        private final float[][][] queries;
        private final float[][] partials;
        private final float[][] weights;
        /** Per group task: the partial results of its splits (allocated by the pool's threads, grown by half). */
        private float[][] shared = new float[0][];

        private AtomicIntegerArray pending = new AtomicIntegerArray(0);

        Workspace(int threads) {
            scores = new float[threads][];
            queries = new float[threads][][];
            partials = new float[threads][];
            weights = new float[threads][];
        }
    }

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
        tasks(par, new Workspace(par.threads()), q, queries, caches, layer, first, bias, scale, out)
                .runOn(par);
    }

    /**
     * One call's attention as numbered tasks, for a parallel region that may hold other work too: the tasks of batch row
     * {@code b} are {@code [b * perRow, (b + 1) * perRow)}, and each may run once the row's queries are in {@code q}, its
     * keys and values in the caches and its key bias in {@code bias[b]}. {@code work}: the call's multiply-adds.
     */
    record Tasks(int count, int perRow, long work, Parallel.WorkerTask body) {
        /** Runs every task on {@code par}, or on the calling thread when the work is too small to pay for a region. */
        void runOn(Parallel par) {
            (work < (1 << 16) ? Parallel.SERIAL : par).forEach(count, body);
        }
    }

    /**
     * The tasks of {@link #attendRows(Parallel, float[], int, List, int, int, byte[][], float, float[])} with each row's
     * mask already turned into its {@link #keyBias} (covering at least {@code first + queries} keys; {@code bias[b]} is
     * read when a task of row {@code b} runs) and buffers from {@code ws} (made for at least {@code par.threads()}
     * threads). Partial-result buffers are grown on {@code par} now; the tasks use {@code ws} until they have all run, so
     * calls whose tasks run at the same time need a workspace each.
     */
    static Tasks tasks(
            Parallel par,
            Workspace ws,
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
        long work = (long) rows * heads * queries * (first + queries) * dim;
        if (dim % KEY_CHUNK != 0) {
            return new Tasks(rows * heads * queries, heads * queries, work, (worker, t) -> {
                int b = t / (heads * queries);
                int rest = t % (heads * queries);
                scalar(
                        q,
                        b * queries * heads * dim,
                        caches.get(b),
                        layer,
                        first,
                        bias[b],
                        scale,
                        out,
                        rest / queries,
                        rest % queries);
            });
        }
        Plan plan = Plan.of(rows, heads, queries, first, dim);
        int part = dim + 2;
        if (plan.splits > 1) {
            growPartials(par, ws, plan.groupTasks, plan.group * QB * plan.segments * part);
            if (ws.pending.length() < plan.groupTasks) {
                ws.pending = new AtomicIntegerArray(plan.groupTasks);
            }
            for (int i = 0; i < plan.groupTasks; i++) {
                ws.pending.set(i, plan.splits);
            }
        }
        int width = heads * dim;
        int count = plan.groupTasks * plan.splits;
        return new Tasks(count, count / rows, work, (worker, t) -> {
            int groupTask = t / plan.splits;
            int split = t % plan.splits;
            int b = groupTask / (heads * plan.groups);
            int h = (groupTask / plan.groups) % heads;
            int firstBlock = (groupTask % plan.groups) * plan.group;
            Block[] group = new Block[Math.min(plan.group, plan.blocks - firstBlock)];
            int[] outAt = new int[group.length];
            for (int i = 0; i < group.length; i++) {
                int s0 = (firstBlock + i) * plan.size;
                int nq = Math.min(plan.size, queries - s0);
                outAt[i] = (b * queries + s0) * width + h * dim;
                float[] qb = atLeast(queryBlocks(ws, worker, plan.group), i, dim * QB);
                interleave(q, outAt[i], width, nq, dim, qb);
                KvCache cache = caches.get(b);
                group[i] = new Block(
                        qb, nq, first + s0 + 1, cache.keysOf(layer, h), cache.valuesOf(layer, h), bias[b], scale, dim);
            }
            int segments = group[group.length - 1].segments(); // the group's last block sees the most keys
            float[] sc = atLeast(ws.scores, worker, QB * SEGMENT);
            float[] weights = atLeast(ws.weights, worker, segments);
            if (plan.splits == 1) {
                float[] local = atLeast(ws.partials, worker, group.length * QB * segments * part);
                segments(group, 0, segments, sc, local, 0, segments * part);
                for (int i = 0; i < group.length; i++) {
                    combine(group[i], local, i * QB * segments * part, segments * part, weights, out, outAt[i], width);
                }
                return;
            }
            int g0 = Math.min(segments, plan.splitStart(split)), g1 = Math.min(segments, plan.splitStart(split + 1));
            float[] partials = ws.shared[groupTask];
            segments(group, g0, g1, sc, partials, 0, plan.segments * part);
            if (ws.pending.decrementAndGet(groupTask) == 0) { // the last split of the group combines
                for (int i = 0; i < group.length; i++) {
                    combine(
                            group[i],
                            partials,
                            i * QB * plan.segments * part,
                            plan.segments * part,
                            weights,
                            out,
                            outAt[i],
                            width);
                }
            }
        });
    }

    /**
     * Makes room for {@code need} partial results in each of the first {@code groupTasks} buffers of {@code ws}: a
     * prefill of a late frame at batch 8 needs 16 MB, which one allocation zeroed on the calling thread (up to 10 ms,
     * every few frames, while all other threads waited); now the pool's threads allocate a buffer each, growing it by
     * half at least.
     */
    private static void growPartials(Parallel p, Workspace ws, int groupTasks, int need) {
        if (ws.shared.length < groupTasks) {
            ws.shared = Arrays.copyOf(ws.shared, groupTasks);
        }
        boolean grow = false;
        for (int g = 0; g < groupTasks; g++) {
            grow |= ws.shared[g] == null || ws.shared[g].length < need;
        }
        if (grow) {
            float[][] shared = ws.shared;
            p.forEach(groupTasks, g -> {
                if (shared[g] == null || shared[g].length < need) {
                    shared[g] = new float[Math.max(need, shared[g] == null ? 0 : shared[g].length / 2 * 3)];
                }
            });
        }
    }

    /**
     * Segments {@code [g0, g1)} of every block of a group, segment by segment (a segment's keys stay in cache for all
     * blocks): block {@code i}'s query {@code r}, segment {@code g} into {@code dst[at + (i * QB + r) * stride + g *
     * (dim + 2) ..]}.
     */
    private static void segments(Block[] group, int g0, int g1, float[] sc, float[] dst, int at, int stride) {
        int part = group[0].dim + 2;
        for (int g = g0; g < g1; g++) {
            for (int i = 0; i < group.length; i++) {
                if (g < group[i].segments()) {
                    segment(group[i], g, sc, dst, at + i * QB * stride + g * part, stride);
                }
            }
        }
    }

    /**
     * How a call's work is cut, from its shape only: {@code blocks} query blocks of {@code size} per row and head, in
     * {@code groups} groups of up to {@code group} blocks, each group's {@code segments} (those of the longest query)
     * over {@code splits} tasks. Each row and head gets {@link #MIN_TASKS} / (rows x heads) tasks, split over segments
     * first (every task still reads its keys once for all the row's queries) and over groups of blocks only when a
     * call has too few segments (early frames). A row and head with more than {@link #TASK_MACS} multiply-adds gets
     * more splits, one per {@code TASK_MACS} (prefills at batch 8).
     */
    private record Plan(int groupTasks, int blocks, int size, int group, int groups, int segments, int splits) {
        static Plan of(int rows, int heads, int queries, int first, int dim) {
            int blocks = (queries + QB - 1) / QB;
            int pairs = rows * heads;
            int segments = segmentsOf(first + queries);
            int perPair = (MIN_TASKS + pairs - 1) / pairs;
            long macs = 2L * queries * (first + queries) * dim; // scores and weighted values, every key of every query
            int splits = (int) Math.min(segments, Math.max(perPair, (macs + TASK_MACS - 1) / TASK_MACS));
            int wanted =
                    Math.min(blocks, Math.max((perPair + splits - 1) / splits, (blocks + MAX_GROUP - 1) / MAX_GROUP));
            int group = (blocks + wanted - 1) / wanted;
            int groups = (blocks + group - 1) / group;
            return new Plan(pairs * groups, blocks, (queries + blocks - 1) / blocks, group, groups, segments, splits);
        }

        /** The first segment of split {@code split} (balanced: split sizes differ by at most one). */
        int splitStart(int split) {
            return split * segments / splits;
        }
    }

    private static int segmentsOf(int keys) {
        return (keys + SEGMENT - 1) / SEGMENT;
    }

    /**
     * A block of {@code nq} queries of one row and head: {@code queries} {@code [dim][QB]} (interleaved, lanes beyond
     * {@code nq} zero); query {@code r} sees the keys before {@code visible + r}.
     */
    private record Block(
            float[] queries, int nq, int visible, float[] keys, float[] values, float[] bias, float scale, int dim) {
        /** Segments of the block's last query. */
        int segments() {
            return segmentsOf(visible + nq - 1);
        }
    }

    /** Copies {@code nq} query rows (each {@code dim} from {@code at + r * stride}) into {@code qb} {@code [dim][QB]}. */
    private static void interleave(float[] q, int at, int stride, int nq, int dim, float[] qb) {
        for (int r = 0; r < QB; r++) {
            for (int d = 0; d < dim; d++) {
                qb[d * QB + r] = r < nq ? q[at + r * stride + d] : 0f;
            }
        }
    }

    /** The worker's interleaved query buffers, room for {@code group} blocks. */
    private static float[][] queryBlocks(Workspace ws, int worker, int group) {
        if (ws.queries[worker] == null || ws.queries[worker].length < group) {
            ws.queries[worker] = new float[group][];
        }
        return ws.queries[worker];
    }

    private static float[] atLeast(float[][] perWorker, int worker, int n) {
        if (perWorker[worker] == null || perWorker[worker].length < n) {
            perWorker[worker] = new float[n];
        }
        return perWorker[worker];
    }

    /**
     * Segment {@code g} of every query of the block: its weighted value sum, maximum and exponential sum into
     * {@code dst[at + r * stride ..]} ({@code dim} values, then the maximum and the sum; a query that sees no
     * unmasked key of the segment gets maximum -infinity and sum 0). {@code sc} holds {@code QB} score rows of
     * {@link #SEGMENT}.
     */
    private static void segment(Block blk, int g, float[] sc, float[] dst, int at, int stride) {
        int k0 = g * SEGMENT;
        int end = Math.min(k0 + SEGMENT, blk.visible + blk.nq - 1); // keys the block's last query sees here
        int width = (end - k0 + KEY_CHUNK - 1) / KEY_CHUNK * KEY_CHUNK;
        if (blk.nq == 1) {
            singleScores(blk, k0, k0 + width, sc);
        } else {
            scores(blk, k0, k0 + width, sc);
        }
        for (int r = 0; r < QB; r++) {
            int seen = Math.min(end, blk.visible + r) - k0; // keys of this segment that query r sees
            int row = r * SEGMENT;
            if (r >= blk.nq || seen <= 0) {
                Arrays.fill(sc, row, row + width, 0f);
                if (r < blk.nq) {
                    dst[at + r * stride + blk.dim] = Float.NEGATIVE_INFINITY;
                    dst[at + r * stride + blk.dim + 1] = 0f;
                }
            } else {
                float max = maxScore(sc, row, seen);
                dst[at + r * stride + blk.dim] = max;
                dst[at + r * stride + blk.dim + 1] =
                        max == Float.NEGATIVE_INFINITY ? zero(sc, row, width) : expScores(sc, row, seen, width, max);
            }
        }
        if (blk.nq == 1) {
            singleValues(blk, k0, end, sc, dst, at);
        } else {
            values(blk, k0, end, sc, dst, at, stride);
        }
    }

    private static float zero(float[] sc, int row, int width) {
        Arrays.fill(sc, row, row + width, 0f);
        return 0f;
    }

    /**
     * Raw scores {@code scale * q.k + bias} of the block's queries for keys {@code [k0, k1)} ({@code k1 - k0} a
     * multiple of {@link #KEY_CHUNK}) into score row {@code r} of {@code sc} (from column 0). The block's queries share
     * every key load: 10 accumulators, 2 key vectors and a broadcast. The fused {@code
     * fma(scale, bias)} equals the product rounded and then the bias added, as the bias is 0 or -infinity.
     */
    private static void scores(Block blk, int k0, int k1, float[] sc) {
        float[] kt = blk.keys, qb = blk.queries, bias = blk.bias;
        int dim = blk.dim;
        FloatVector scale = FloatVector.broadcast(S, blk.scale);
        int j = k0;
        for (; j + 2 * KEY_CHUNK <= k1; j += 2 * KEY_CHUNK) {
            scoresOfTwoChunks(blk, j, j - k0, sc);
        }
        for (; j < k1; j += KEY_CHUNK) {
            FloatVector a0 = FloatVector.zero(S), b0 = a0, a1 = a0, b1 = a0, a2 = a0, b2 = a0, a3 = a0, b3 = a0;
            FloatVector a4 = a0, b4 = a0;
            for (int d = 0, ko = j * dim, qo = 0; d < dim; d++, ko += KEY_CHUNK, qo += QB) {
                FloatVector k = FloatVector.fromArray(S, kt, ko);
                FloatVector m = FloatVector.fromArray(S, kt, ko + L);
                FloatVector x = FloatVector.broadcast(S, qb[qo]);
                a0 = x.fma(k, a0);
                b0 = x.fma(m, b0);
                x = FloatVector.broadcast(S, qb[qo + 1]);
                a1 = x.fma(k, a1);
                b1 = x.fma(m, b1);
                x = FloatVector.broadcast(S, qb[qo + 2]);
                a2 = x.fma(k, a2);
                b2 = x.fma(m, b2);
                x = FloatVector.broadcast(S, qb[qo + 3]);
                a3 = x.fma(k, a3);
                b3 = x.fma(m, b3);
                x = FloatVector.broadcast(S, qb[qo + 4]);
                a4 = x.fma(k, a4);
                b4 = x.fma(m, b4);
            }
            FloatVector c = FloatVector.fromArray(S, bias, j), e = FloatVector.fromArray(S, bias, j + L);
            int o = j - k0;
            a0.fma(scale, c).intoArray(sc, o);
            b0.fma(scale, e).intoArray(sc, o + L);
            a1.fma(scale, c).intoArray(sc, SEGMENT + o);
            b1.fma(scale, e).intoArray(sc, SEGMENT + o + L);
            a2.fma(scale, c).intoArray(sc, 2 * SEGMENT + o);
            b2.fma(scale, e).intoArray(sc, 2 * SEGMENT + o + L);
            a3.fma(scale, c).intoArray(sc, 3 * SEGMENT + o);
            b3.fma(scale, e).intoArray(sc, 3 * SEGMENT + o + L);
            a4.fma(scale, c).intoArray(sc, 4 * SEGMENT + o);
            b4.fma(scale, e).intoArray(sc, 4 * SEGMENT + o + L);
        }
    }

    /**
     * {@link #scores} of the two key chunks from key {@code j} into score columns {@code o..o + 2 * KEY_CHUNK}: 20
     * accumulators share each query broadcast over four key vectors (one chunk: 10 multiply-adds per 7 loads, two: 20 per
     * 9). Each score is the same chain as in the one-chunk loop, so the bits are too.
     */
    private static void scoresOfTwoChunks(Block blk, int j, int o, float[] sc) {
        float[] kt = blk.keys, qb = blk.queries, bias = blk.bias;
        int dim = blk.dim, next = KEY_CHUNK * dim;
        FloatVector a0 = FloatVector.zero(S), b0 = a0, c0 = a0, d0 = a0, a1 = a0, b1 = a0, c1 = a0, d1 = a0;
        FloatVector a2 = a0, b2 = a0, c2 = a0, d2 = a0, a3 = a0, b3 = a0, c3 = a0, d3 = a0, a4 = a0, b4 = a0, c4 = a0;
        FloatVector d4 = a0;
        for (int d = 0, ko = j * dim, qo = 0; d < dim; d++, ko += KEY_CHUNK, qo += QB) {
            FloatVector k = FloatVector.fromArray(S, kt, ko);
            FloatVector m = FloatVector.fromArray(S, kt, ko + L);
            FloatVector n = FloatVector.fromArray(S, kt, ko + next);
            FloatVector u = FloatVector.fromArray(S, kt, ko + next + L);
            FloatVector x = FloatVector.broadcast(S, qb[qo]);
            a0 = x.fma(k, a0);
            b0 = x.fma(m, b0);
            c0 = x.fma(n, c0);
            d0 = x.fma(u, d0);
            x = FloatVector.broadcast(S, qb[qo + 1]);
            a1 = x.fma(k, a1);
            b1 = x.fma(m, b1);
            c1 = x.fma(n, c1);
            d1 = x.fma(u, d1);
            x = FloatVector.broadcast(S, qb[qo + 2]);
            a2 = x.fma(k, a2);
            b2 = x.fma(m, b2);
            c2 = x.fma(n, c2);
            d2 = x.fma(u, d2);
            x = FloatVector.broadcast(S, qb[qo + 3]);
            a3 = x.fma(k, a3);
            b3 = x.fma(m, b3);
            c3 = x.fma(n, c3);
            d3 = x.fma(u, d3);
            x = FloatVector.broadcast(S, qb[qo + 4]);
            a4 = x.fma(k, a4);
            b4 = x.fma(m, b4);
            c4 = x.fma(n, c4);
            d4 = x.fma(u, d4);
        }
        FloatVector scale = FloatVector.broadcast(S, blk.scale);
        FloatVector e0 = FloatVector.fromArray(S, bias, j), e1 = FloatVector.fromArray(S, bias, j + L);
        FloatVector e2 = FloatVector.fromArray(S, bias, j + 2 * L), e3 = FloatVector.fromArray(S, bias, j + 3 * L);
        a0.fma(scale, e0).intoArray(sc, o);
        b0.fma(scale, e1).intoArray(sc, o + L);
        c0.fma(scale, e2).intoArray(sc, o + 2 * L);
        d0.fma(scale, e3).intoArray(sc, o + 3 * L);
        a1.fma(scale, e0).intoArray(sc, SEGMENT + o);
        b1.fma(scale, e1).intoArray(sc, SEGMENT + o + L);
        c1.fma(scale, e2).intoArray(sc, SEGMENT + o + 2 * L);
        d1.fma(scale, e3).intoArray(sc, SEGMENT + o + 3 * L);
        a2.fma(scale, e0).intoArray(sc, 2 * SEGMENT + o);
        b2.fma(scale, e1).intoArray(sc, 2 * SEGMENT + o + L);
        c2.fma(scale, e2).intoArray(sc, 2 * SEGMENT + o + 2 * L);
        d2.fma(scale, e3).intoArray(sc, 2 * SEGMENT + o + 3 * L);
        a3.fma(scale, e0).intoArray(sc, 3 * SEGMENT + o);
        b3.fma(scale, e1).intoArray(sc, 3 * SEGMENT + o + L);
        c3.fma(scale, e2).intoArray(sc, 3 * SEGMENT + o + 2 * L);
        d3.fma(scale, e3).intoArray(sc, 3 * SEGMENT + o + 3 * L);
        a4.fma(scale, e0).intoArray(sc, 4 * SEGMENT + o);
        b4.fma(scale, e1).intoArray(sc, 4 * SEGMENT + o + L);
        c4.fma(scale, e2).intoArray(sc, 4 * SEGMENT + o + 2 * L);
        d4.fma(scale, e3).intoArray(sc, 4 * SEGMENT + o + 3 * L);
    }

    /**
     * {@link #scores} for a block of one query (the last decoder layer's single query per row): four key chunks per
     * pass share each query broadcast instead of four idle lanes sharing each key load. Each score is the same chain
     * of multiply-adds over the dimensions, so the bits are those of {@link #scores}.
     */
    private static void singleScores(Block blk, int k0, int k1, float[] sc) {
        float[] kt = blk.keys, qb = blk.queries, bias = blk.bias;
        int dim = blk.dim;
        FloatVector scale = FloatVector.broadcast(S, blk.scale);
        int j = k0;
        for (; j + 4 * KEY_CHUNK <= k1; j += 4 * KEY_CHUNK) {
            FloatVector a0 = FloatVector.zero(S), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0;
            int c1 = KEY_CHUNK * dim, c2 = 2 * c1, c3 = 3 * c1;
            for (int d = 0, ko = j * dim, qo = 0; d < dim; d++, ko += KEY_CHUNK, qo += QB) {
                FloatVector x = FloatVector.broadcast(S, qb[qo]);
                a0 = x.fma(FloatVector.fromArray(S, kt, ko), a0);
                a1 = x.fma(FloatVector.fromArray(S, kt, ko + L), a1);
                a2 = x.fma(FloatVector.fromArray(S, kt, ko + c1), a2);
                a3 = x.fma(FloatVector.fromArray(S, kt, ko + c1 + L), a3);
                a4 = x.fma(FloatVector.fromArray(S, kt, ko + c2), a4);
                a5 = x.fma(FloatVector.fromArray(S, kt, ko + c2 + L), a5);
                a6 = x.fma(FloatVector.fromArray(S, kt, ko + c3), a6);
                a7 = x.fma(FloatVector.fromArray(S, kt, ko + c3 + L), a7);
            }
            int o = j - k0;
            a0.fma(scale, FloatVector.fromArray(S, bias, j)).intoArray(sc, o);
            a1.fma(scale, FloatVector.fromArray(S, bias, j + L)).intoArray(sc, o + L);
            a2.fma(scale, FloatVector.fromArray(S, bias, j + 2 * L)).intoArray(sc, o + 2 * L);
            a3.fma(scale, FloatVector.fromArray(S, bias, j + 3 * L)).intoArray(sc, o + 3 * L);
            a4.fma(scale, FloatVector.fromArray(S, bias, j + 4 * L)).intoArray(sc, o + 4 * L);
            a5.fma(scale, FloatVector.fromArray(S, bias, j + 5 * L)).intoArray(sc, o + 5 * L);
            a6.fma(scale, FloatVector.fromArray(S, bias, j + 6 * L)).intoArray(sc, o + 6 * L);
            a7.fma(scale, FloatVector.fromArray(S, bias, j + 7 * L)).intoArray(sc, o + 7 * L);
        }
        for (; j < k1; j += KEY_CHUNK) {
            FloatVector a0 = FloatVector.zero(S), b0 = a0;
            for (int d = 0, ko = j * dim, qo = 0; d < dim; d++, ko += KEY_CHUNK, qo += QB) {
                FloatVector x = FloatVector.broadcast(S, qb[qo]);
                a0 = x.fma(FloatVector.fromArray(S, kt, ko), a0);
                b0 = x.fma(FloatVector.fromArray(S, kt, ko + L), b0);
            }
            a0.fma(scale, FloatVector.fromArray(S, bias, j)).intoArray(sc, j - k0);
            b0.fma(scale, FloatVector.fromArray(S, bias, j + L)).intoArray(sc, j - k0 + L);
        }
    }

    /** {@link #values} for a block of one query: the same chains without the four idle lanes' multiply-adds. */
    private static void singleValues(Block blk, int k0, int end, float[] sc, float[] dst, int at) {
        float[] v = blk.values;
        int dim = blk.dim, keys = end - k0;
        for (int c = 0; c < dim; c += KEY_CHUNK) {
            FloatVector a0 = FloatVector.zero(S), b0 = a0;
            for (int p = 0, o = k0 * dim + c; p < keys; p++, o += dim) {
                FloatVector e = FloatVector.broadcast(S, sc[p]);
                a0 = e.fma(FloatVector.fromArray(S, v, o), a0);
                b0 = e.fma(FloatVector.fromArray(S, v, o + L), b0);
            }
            a0.intoArray(dst, at + c);
            b0.intoArray(dst, at + c + L);
        }
    }

    /**
     * {@code sum_j e_rj v_j} over the keys {@code [k0, end)} for every query of the block (in key order), into {@code
     * dst[at + r * stride ..]}. Keys a query does not see have {@code e = 0} (masked ones too: {@code exp(-infinity)}),
     * and {@code fma(0, v, acc)} is {@code acc} exactly (an accumulator is never -0), so they need no test: a test per key
     * kept C2 from compiling this loop as a counted one (a range check and a multiply per key), 14% of attention.
     */
    private static void values(Block blk, int k0, int end, float[] sc, float[] dst, int at, int stride) {
        float[] v = blk.values;
        int dim = blk.dim, keys = end - k0;
        for (int c = 0; c < dim; c += KEY_CHUNK) {
            FloatVector a0 = FloatVector.zero(S), b0 = a0, a1 = a0, b1 = a0, a2 = a0, b2 = a0, a3 = a0, b3 = a0;
            FloatVector a4 = a0, b4 = a0;
            for (int p = 0, o = k0 * dim + c; p < keys; p++, o += dim) {
                FloatVector x0 = FloatVector.fromArray(S, v, o);
                FloatVector x1 = FloatVector.fromArray(S, v, o + L);
                FloatVector e = FloatVector.broadcast(S, sc[p]);
                a0 = e.fma(x0, a0);
                b0 = e.fma(x1, b0);
                e = FloatVector.broadcast(S, sc[SEGMENT + p]);
                a1 = e.fma(x0, a1);
                b1 = e.fma(x1, b1);
                e = FloatVector.broadcast(S, sc[2 * SEGMENT + p]);
                a2 = e.fma(x0, a2);
                b2 = e.fma(x1, b2);
                e = FloatVector.broadcast(S, sc[3 * SEGMENT + p]);
                a3 = e.fma(x0, a3);
                b3 = e.fma(x1, b3);
                e = FloatVector.broadcast(S, sc[4 * SEGMENT + p]);
                a4 = e.fma(x0, a4);
                b4 = e.fma(x1, b4);
            }
            int o = at + c;
            int n = blk.nq;
            a0.intoArray(dst, o);
            b0.intoArray(dst, o + L);
            if (n > 1) {
                a1.intoArray(dst, o + stride);
                b1.intoArray(dst, o + stride + L);
            }
            if (n > 2) {
                a2.intoArray(dst, o + 2 * stride);
                b2.intoArray(dst, o + 2 * stride + L);
            }
            if (n > 3) {
                a3.intoArray(dst, o + 3 * stride);
                b3.intoArray(dst, o + 3 * stride + L);
            }
            if (n > 4) {
                a4.intoArray(dst, o + 4 * stride);
                b4.intoArray(dst, o + 4 * stride + L);
            }
        }
    }

    /** The largest of the first {@code seen} scores of a row (exact in any order). */
    private static float maxScore(float[] s, int row, int seen) {
        int full = seen / L * L;
        FloatVector vmax = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
        int j = 0;
        for (; j < full; j += L) { // a blend, not max(): Java's max rules (NaN, -0) cost a longer sequence
            FloatVector x = FloatVector.fromArray(S, s, row + j);
            vmax = vmax.blend(x, x.compare(VectorOperators.GT, vmax));
        }
        float max = vmax.reduceLanes(VectorOperators.MAX);
        for (; j < seen; j++) {
            max = Math.max(max, s[row + j]);
        }
        return max;
    }

    /**
     * Turns the first {@code seen} scores of a row into {@code exp(s - max)} in place (those up to {@code width} into
     * 0) and returns their sum. Lane sums are added in a fixed order: {@code reduceLanes(ADD)} may use any order,
     * which differs between interpreted and compiled code.
     */
    private static float expScores(float[] s, int row, int seen, int width, float max) {
        int full = seen / L * L;
        FloatVector vsum = FloatVector.zero(S);
        FloatVector m = FloatVector.broadcast(S, max);
        int j = 0;
        for (; j < full; j += L) {
            FloatVector e = FastExp.exp(FloatVector.fromArray(S, s, row + j).sub(m));
            e.intoArray(s, row + j);
            vsum = vsum.add(e);
        }
        float[] lanes = new float[L];
        vsum.intoArray(lanes, 0);
        float sum = 0;
        for (float lane : lanes) {
            sum += lane;
        }
        for (; j < seen; j++) {
            s[row + j] = FastExp.exp(s[row + j] - max);
            sum += s[row + j];
        }
        Arrays.fill(s, row + seen, row + width, 0f); // keys only later queries of the block see: weight 0 here
        return sum;
    }

    /**
     * Each query's segments combined in order into {@code out} (query {@code r} at {@code outAt + r * outStride}):
     * {@code sum_g exp(m_g - M) o_g / sum_g exp(m_g - M) l_g} with {@code M} the largest segment maximum. With one
     * segment the weight is exactly 1, so the result is the plain softmax's. {@code weights} is scratch.
     */
    private static void combine(
            Block blk, float[] src, int at, int stride, float[] weights, float[] out, int outAt, int outStride) {
        int dim = blk.dim;
        int part = dim + 2;
        for (int r = 0; r < blk.nq; r++) {
            int segments = segmentsOf(blk.visible + r);
            int q0 = at + r * stride;
            float max = Float.NEGATIVE_INFINITY;
            for (int g = 0; g < segments; g++) {
                max = Math.max(max, src[q0 + g * part + dim]);
            }
            if (max == Float.NEGATIVE_INFINITY) {
                throw new IllegalStateException("attention query sees no unmasked key");
            }
            float sum = 0;
            for (int g = 0; g < segments; g++) {
                float m = src[q0 + g * part + dim];
                weights[g] = m == Float.NEGATIVE_INFINITY ? 0f : FastExp.exp(m - max);
                sum = Math.fma(src[q0 + g * part + dim + 1], weights[g], sum);
            }
            float inv = 1f / sum;
            for (int c = 0; c < dim; c += L) {
                FloatVector acc = FloatVector.zero(S);
                for (int g = 0; g < segments; g++) {
                    if (weights[g] != 0f) {
                        acc = FloatVector.fromArray(S, src, q0 + g * part + c)
                                .fma(FloatVector.broadcast(S, weights[g]), acc);
                    }
                }
                acc.mul(inv).intoArray(out, outAt + r * outStride + c);
            }
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

    /** Reference path for head sizes that are not a multiple of two vectors: one plain softmax per query. */
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
        float max = Float.NEGATIVE_INFINITY;
        for (int j = 0; j < visible; j++) {
            float acc = 0;
            for (int d = 0; d < dim; d++) {
                acc = Math.fma(q[rowOff + s * width + h * dim + d], kt[cache.keyIndex(j, d)], acc);
            }
            sc[j] = acc * scale + bias[j];
            max = Math.max(max, sc[j]);
        }
        if (max == Float.NEGATIVE_INFINITY) {
            throw new IllegalStateException("attention query sees no unmasked key");
        }
        float sum = 0;
        for (int j = 0; j < visible; j++) {
            sc[j] = FastExp.exp(sc[j] - max);
            sum += sc[j];
        }
        float inv = 1f / sum;
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
