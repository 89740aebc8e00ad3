package io.autogaze4j.tensor;

import java.util.Arrays;
import java.util.List;

/**
 * The CPU backend's decoder. A layer is three parallel regions instead of one per operation: (1) RMSNorm,
 * fused q/k/v projection, RoPE and the KV-cache write; (2) attention; (3) output projection and residual,
 * RMSNorm, gate/up projection, SiLU gate, down projection and residual. Regions (1) and (3) give each task
 * a chunk of rows and run the whole chain on it in per-thread scratch, so a decode step pays a few
 * wake-ups and waits per layer instead of a dozen and copies nothing between operations. A decode step has too few
 * rows for that (batch 1: 10 rows, 3 chunks for 16 threads), so there each chunk is also split into pieces of
 * output columns: region (1) by whole heads, region (3) as three column-split regions (output projection, gate/up,
 * down), the rows normalised once on the calling thread. The sum over k of every element stays one task's.
 *
 * <p>A call with rows enough for {@link #MIN_TASKS} chunks (prefills; decode steps from batch 7) runs all its layers'
 * stages as one parallel region ({@link LayerStages}): each stage task starts once the tasks whose results it reads
 * have finished, so no thread waits at a barrier between stages (the heads follow as before).
 *
 * <p>Every element goes through the same operations in the same order as in {@link HostDecoderSession}
 * on the CPU backend (the matmul sums over k in order whatever the row blocking, norms and gates work per
 * row or element), so the results are bit-identical to it, whatever the chunking or thread count.
 *
 * <p>Device twin: {@code kernels/decoder.cl} ({@code qkv_rope} and {@code mlp_qkv} for regions (1) and (3),
 * {@code attention} for (2)); test: {@code OpenClDecoderTest.deviceSessionMatchesHostSession}.
 */
final class CpuDecoderSession extends HostCacheSession {
    /** Aim for at least this many tasks per region (the machines it is tuned for have about 16 threads). */
    private static final int MIN_TASKS = 16;
    /**
     * Most rows per task; bounds the per-thread scratch. A batch-8 prefill's 1648 rows make 103 tasks (about 6.4 per
     * thread on 16 threads; chunks of 32 made 52, 3.25 per thread, so the last round left 12 threads idle); the matmul
     * streams its weights once per 8-row block either way.
     */
    private static final int MAX_CHUNK = 16;
    /** Rows of the matmul kernel's register block. */
    private static final int ROW_BLOCK = 4;

    private final CpuBackend backend;
    private final Parallel par;
    private final DecoderWeights w;
    private final Scratch[] scratch;
    /** One per layer: the layers' attention tasks may run at the same time ({@link #layersInOneRegion}). */
    private final AttentionKernel.Workspace[] attentionScratch;
    /**
     * The residual stream, the rotated queries, the attention output and (decode steps) the normalised rows and gated
     * MLP activations of the current call (grown on demand).
     */
    private float[] x = new float[0], q = new float[0], attn = new float[0], normed = new float[0], mlp = new float[0];
    /** The query and attention output of each row's last token, in a last layer that runs for those alone. */
    private float[] lastQ = new float[0], lastAttn = new float[0];
    /** The RoPE angles of positions 0, 1, ...: the calls' positions are looked up in it (grown on demand). */
    private RopeTable.Angles positionTable;

    /** One thread's buffers for a chunk of rows. */
    private static final class Scratch {
        final float[] normed, narrow, wide, mlp;

        Scratch(DecoderWeights w) {
            int wide = 0, mlp = 0;
            for (DecoderLayerWeights l : w.layers()) {
                wide = Math.max(wide, Math.max(l.qkv().out(), l.gateUp().out()));
                mlp = Math.max(mlp, l.down().in());
            }
            normed = new float[MAX_CHUNK * w.hidden()];
            narrow = new float[MAX_CHUNK * w.hidden()];
            this.wide = new float[MAX_CHUNK * wide];
            this.mlp = new float[MAX_CHUNK * mlp];
        }
    }

    CpuDecoderSession(
            CpuBackend backend, Parallel par, DecoderWeights w, int batch, int initialCapacity, int maxCapacity) {
        super(par, w, batch, initialCapacity, maxCapacity);
        this.backend = backend;
        this.par = par;
        this.w = w;
        this.scratch = new Scratch[par.threads()];
        this.attentionScratch = new AttentionKernel.Workspace[w.layers().size()];
        Arrays.setAll(attentionScratch, l -> new AttentionKernel.Workspace(par.threads()));
        this.positionTable = w.rope().upTo(initialCapacity);
    }

    /** The angles of {@code positions}, from {@link #positionTable} (doubled when a position is beyond it). */
    private RopeTable.Angles angles(int[] positions) {
        int max = 0;
        for (int p : positions) {
            if (p < 0) {
                return w.rope().angles(positions);
            }
            max = Math.max(max, p);
        }
        if (max >= positionTable.rows()) {
            positionTable = w.rope().upTo(Math.max(max + 1, 2 * positionTable.rows()));
        }
        return positionTable.at(positions);
    }

    @Override
    public DecoderHeads forward(
            Tensor input, int perRow, int[][] positions, byte[][] masks, List<Tensor> layerOutputs) {
        int batch = caches.size();
        int rows = batch * perRow;
        int hidden = w.hidden();
        int width = w.heads() * w.headDim();
        if (input.rank() != 2 || input.dim(0) != rows || input.dim(1) != hidden) {
            throw new IllegalArgumentException("decoder input " + input + " is not [" + rows + ", " + hidden + "]");
        }
        int[] flatPositions = new int[rows];
        for (int b = 0; b < batch; b++) {
            System.arraycopy(positions[b], 0, flatPositions, b * perRow, perRow);
        }
        reserve(perRow); // before the parallel cache writes: they must not grow a cache
        x = atLeast(x, rows * hidden);
        q = atLeast(q, rows * width);
        attn = atLeast(attn, rows * width);
        lastQ = atLeast(lastQ, batch * width);
        lastAttn = atLeast(lastAttn, batch * width);
        System.arraycopy(input.data(), 0, x, 0, rows * hidden);
        // Only each row's last token reaches the heads, and the last layer's keys and values are cached by its
        // attention inputs: the rest of that layer is needed for the last tokens alone. Per-row arithmetic is
        // unchanged, so the result is bit-identical to running every token.
        boolean lastOnly = layerOutputs == null && perRow > 1;
        Call call = new Call(
                rows,
                perRow,
                length(),
                angles(flatPositions), // shared by q and k of every layer
                new KeyBias(masks, length() + perRow, perRow, new float[batch][]), // made in layer 0, shared by all
                lastOnly);
        int layers = w.layers().size();
        boolean inOneRegion = layerOutputs == null && (rows + chunkRows(rows) - 1) / chunkRows(rows) >= MIN_TASKS;
        if (inOneRegion) {
            layersInOneRegion(call);
        } else {
            for (int l = 0; l < layers; l++) {
                DecoderLayerWeights layer = w.layers().get(l);
                attentionInputs(layer, l, call);
                attention(l, call, par).runOn(par);
                if (!call.lastOnly(l, layers)) {
                    attentionOutputAndMlp(layer, rows, attn);
                    if (layerOutputs != null) {
                        layerOutputs.add(Tensor.wrap(Arrays.copyOf(x, rows * hidden), rows, hidden));
                    }
                }
            }
            if (lastOnly) { // the last tokens' rows first: column-split regions work on rows 0..batch-1
                keepLastRows(x, batch, perRow, hidden);
                attentionOutputAndMlp(w.layers().get(layers - 1), batch, lastAttn);
            }
        }
        advance(perRow);
        if (layerOutputs != null) {
            layerOutputs.add(backend.rmsNorm(
                    Tensor.wrap(Arrays.copyOf(x, rows * hidden), rows, hidden), w.finalNorm(), w.rmsNormEps()));
        }
        if (inOneRegion || !lastOnly) { // the last tokens' rows are still at (b + 1) * perRow - 1
            keepLastRows(x, batch, perRow, hidden);
        }
        Tensor normed = backend.rmsNorm(
                Tensor.wrap(Arrays.copyOf(x, batch * hidden), batch, hidden), w.finalNorm(), w.rmsNormEps());
        return new DecoderHeads(backend.linear(normed, w.lmHead()), backend.linear(normed, w.taskLossHead()));
    }

    /**
     * One forward call's shape and shared inputs: {@code rows = batch * perRow} new tokens after {@code first} cached
     * ones, their RoPE angles, the rows' key biases, and whether the last layer runs for each row's last token only.
     */
    private record Call(
            int rows, int perRow, int first, RopeTable.Angles angles, KeyBias bias, boolean lastOnlyInLastLayer) {
        /** Whether layer {@code l} of {@code layers} computes each row's last token's query and attention only. */
        boolean lastOnly(int l, int layers) {
            return lastOnlyInLastLayer && l == layers - 1;
        }
    }

    /**
     * Every layer's attention inputs, attention and attention outputs and MLP as one parallel region ({@link
     * LayerStages}), for calls whose rows make at least {@link #MIN_TASKS} chunks. A last layer that runs for each row's
     * last token only puts their queries and attention outputs in {@link #lastQ} and {@link #lastAttn} (the earlier
     * layers' rows of {@link #q} and {@link #attn} may still be read meanwhile) and their outputs, one task per batch row,
     * in their rows of {@link #x}.
     */
    private void layersInOneRegion(Call call) {
        int layers = w.layers().size();
        int chunk = chunkRows(call.rows());
        AttentionKernel.Tasks[] attention = new AttentionKernel.Tasks[layers];
        int[] attentionPerRow = new int[layers];
        for (int l = 0; l < layers; l++) {
            attention[l] = attention(l, call, par);
            attentionPerRow[l] = attention[l].perRow();
        }
        LayerStages stages =
                new LayerStages(call.rows(), call.perRow(), chunk, attentionPerRow, call.lastOnlyInLastLayer());
        LayerStages.Stage inputs = (l, worker, c) -> {
            int r0 = c * chunk, r1 = Math.min(call.rows(), r0 + chunk);
            inputs(l, call, scratch(worker), r0, r1, 0, w.layers().get(l).qkv().out(), null, 0);
        };
        LayerStages.Stage attend = (l, worker, i) -> attention[l].body().run(worker, i);
        LayerStages.Stage outputs = (l, worker, c) -> {
            int r0 = c * chunk;
            outputsOfRows(w.layers().get(l), attn, r0, scratch(worker), r0, Math.min(call.rows(), r0 + chunk) - r0);
        };
        LayerStages.Stage lastTokenOutputs = (l, worker, b) ->
                outputsOfRows(w.layers().get(l), lastAttn, b, scratch(worker), (b + 1) * call.perRow() - 1, 1);
        par.forEach(stages.tasks(), (worker, t) -> stages.runNext(worker, inputs, attend, outputs, lastTokenOutputs));
    }

    /**
     * The attention tasks of layer {@code l}: each row's queries in {@link #q} against its cache, into {@link #attn}; for
     * a layer that runs for the last tokens only, their queries in {@link #lastQ}, into {@link #lastAttn}.
     */
    private AttentionKernel.Tasks attention(int l, Call call, Parallel pool) {
        boolean lastOnly = call.lastOnly(l, w.layers().size());
        return AttentionKernel.tasks(
                pool,
                attentionScratch[l],
                lastOnly ? lastQ : q,
                lastOnly ? 1 : call.perRow(),
                caches,
                l,
                lastOnly ? call.first() + call.perRow() - 1 : call.first(),
                call.bias().rows(),
                w.attentionScale(),
                lastOnly ? lastAttn : attn);
    }

    /**
     * Region (1) for all rows as its own region: RMSNorm, q/k/v projection, RoPE on q and k, keys and values into the
     * caches, queries into {@link #q} (or {@link #lastQ}). With few rows (a decode step) each chunk of rows is also split
     * into pieces of whole heads, and the rows are normalised once on the calling thread for all pieces.
     */
    private void attentionInputs(DecoderLayerWeights layer, int l, Call call) {
        int rows = call.rows();
        int hidden = w.hidden();
        int n = layer.qkv().out();
        int chunk = chunkRows(rows), chunks = (rows + chunk - 1) / chunk;
        int width = pieceWidth(n, chunks, w.headDim()), pieces = (n + width - 1) / width;
        if (pieces > 1) { // normalised once for all pieces: a decode step's few rows take a microsecond
            normed = atLeast(normed, rows * hidden);
            RowKernels.rmsNorm(x, 0, layer.inputNorm(), w.rmsNormEps(), normed, 0, rows, hidden);
        }
        float[] a = pieces > 1 ? normed : null;
        par.forEach(chunks * pieces, (worker, t) -> {
            int r0 = t / pieces * chunk, r1 = Math.min(rows, r0 + chunk);
            int c0 = t % pieces * width, c1 = Math.min(n, c0 + width);
            inputs(l, call, scratch(worker), r0, r1, c0, c1, a, r0 * hidden);
        });
    }

    /**
     * Region (1)'s work on rows {@code [r0, r1)} and q/k/v columns {@code [c0, c1)} (whole heads): the rows normalised
     * ({@code a} from {@code aOff}, or here into scratch when {@code a} is null), projected, rotated, keys and values
     * into the caches, queries into {@link #q} (a last-tokens-only layer: each row's last token's query into {@link
     * #lastQ}, as row {@code b}). The task holding a batch row's first token in layer 0 also makes that row's key bias:
     * on the calling thread the biases took a batch-8 decode step ~35 us while every other thread waited.
     */
    private void inputs(int l, Call call, Scratch s, int r0, int r1, int c0, int c1, float[] a, int aOff) {
        DecoderLayerWeights layer = w.layers().get(l);
        int hidden = w.hidden();
        int dim = w.headDim();
        int perRow = call.perRow();
        LinearWeight qkv = layer.qkv();
        int n = qkv.out(), qw = layer.q().out(), kw = layer.k().out(), m = r1 - r0;
        if (l == 0 && c0 == 0) {
            call.bias().make(r0, r1);
        }
        if (a == null) {
            RowKernels.rmsNorm(x, r0 * hidden, layer.inputNorm(), w.rmsNormEps(), s.normed, 0, m, hidden);
            a = s.normed;
            aOff = 0;
        }
        RopeTable.Angles angles = call.angles();
        int kv0 = Math.max(c0, qw), k1 = Math.min(c1, qw + kw), v0 = Math.max(c0, qw + kw), q1 = Math.min(c1, qw);
        if (kv0 < c1) { // keys and values of every token
            MatmulKernel.block(a, aOff, hidden, qkv.transposed(), n, qkv.bias(), s.wide, 0, 0, m, kv0, c1);
        }
        if (kv0 < k1) {
            angles.apply(s.wide, kv0, n, (k1 - kv0) / dim, r0, r1);
        }
        for (int r = r0; r < r1; ) { // the chunk may span several batch rows
            int b = r / perRow, end = Math.min(r1, (b + 1) * perRow), at = (r - r0) * n;
            KvCache cache = caches.get(b);
            int entry = call.first() + r - b * perRow;
            if (kv0 < k1) {
                cache.writeKeys(l, entry, s.wide, at + qw, n, end - r, (kv0 - qw) / dim, (k1 - qw) / dim);
            }
            if (v0 < c1) {
                int h0 = (v0 - qw - kw) / dim, h1 = (c1 - qw - kw) / dim;
                cache.writeValues(l, entry, s.wide, at + qw + kw, n, end - r, h0, h1);
            }
            r = end;
        }
        if (c0 >= q1) {
            return; // the piece holds no query columns
        }
        if (!call.lastOnly(l, w.layers().size())) {
            MatmulKernel.block(a, aOff, hidden, qkv.transposed(), n, qkv.bias(), s.wide, 0, 0, m, c0, q1);
            angles.apply(s.wide, c0, n, (q1 - c0) / dim, r0, r1);
            for (int i = 0; i < m; i++) {
                System.arraycopy(s.wide, i * n + c0, q, (r0 + i) * qw + c0, q1 - c0);
            }
            return;
        }
        for (int r = r0; r < r1; r++) { // the queries of each row's last token only
            if (r % perRow == perRow - 1) {
                int i = r - r0;
                MatmulKernel.block(a, aOff, hidden, qkv.transposed(), n, qkv.bias(), s.wide, 0, i, i + 1, c0, q1);
                angles.apply(s.wide, i * n + c0, n, (q1 - c0) / dim, r, r + 1);
                System.arraycopy(s.wide, i * n + c0, lastQ, r / perRow * qw + c0, q1 - c0);
            }
        }
    }

    /**
     * Region (3) for rows {@code [0, rows)} of {@link #x} and of the attention outputs {@code source}: output projection
     * and residual, RMSNorm, gate/up projection, SiLU gate, down projection and residual, into {@link #x}. With few rows
     * (a decode step) it runs as three regions split over columns too: output projection, gate/up, down.
     */
    private void attentionOutputAndMlp(DecoderLayerWeights layer, int rows, float[] source) {
        int hidden = w.hidden();
        int gates = layer.gate().out();
        int chunk = chunkRows(rows), chunks = (rows + chunk - 1) / chunk;
        if (chunks >= MIN_TASKS) {
            par.forEach(chunks, (worker, t) -> {
                int r0 = t * chunk;
                outputsOfRows(layer, source, r0, scratch(worker), r0, Math.min(rows, r0 + chunk) - r0);
            });
            return;
        }
        mlp = atLeast(mlp, rows * gates);
        int narrow = pieceWidth(hidden, chunks, MatmulKernel.WIDE), narrowPieces = (hidden + narrow - 1) / narrow;
        int wide = pieceWidth(gates, chunks, MatmulKernel.WIDE), widePieces = (gates + wide - 1) / wide;
        par.forEach(chunks * narrowPieces, (worker, t) -> {
            int r0 = t / narrowPieces * chunk, c0 = t % narrowPieces * narrow;
            outputProjection(
                    layer,
                    source,
                    r0,
                    scratch(worker),
                    r0,
                    Math.min(rows, r0 + chunk) - r0,
                    c0,
                    Math.min(hidden, c0 + narrow));
        });
        normed = atLeast(normed, rows * hidden); // once for all pieces, as in region (1)
        RowKernels.rmsNorm(x, 0, layer.postNorm(), w.rmsNormEps(), normed, 0, rows, hidden);
        par.forEach(chunks * widePieces, (worker, t) -> {
            int r0 = t / widePieces * chunk, m = Math.min(rows, r0 + chunk) - r0, c0 = t % widePieces * wide;
            gateUp(layer, normed, r0 * hidden, scratch(worker), m, c0, Math.min(gates, c0 + wide), mlp, r0 * gates);
        });
        par.forEach(chunks * narrowPieces, (worker, t) -> {
            int r0 = t / narrowPieces * chunk, c0 = t % narrowPieces * narrow;
            down(
                    layer,
                    mlp,
                    r0 * gates,
                    scratch(worker),
                    r0,
                    Math.min(rows, r0 + chunk) - r0,
                    c0,
                    Math.min(hidden, c0 + narrow));
        });
    }

    /**
     * Region (3)'s work on rows {@code r0..r0+m-1} of {@link #x}, all columns, their attention outputs in rows {@code
     * from..from+m-1} of {@code source}.
     */
    private void outputsOfRows(DecoderLayerWeights layer, float[] source, int from, Scratch s, int r0, int m) {
        int hidden = w.hidden();
        outputProjection(layer, source, from, s, r0, m, 0, hidden);
        RowKernels.rmsNorm(x, r0 * hidden, layer.postNorm(), w.rmsNormEps(), s.normed, 0, m, hidden);
        gateUp(layer, s.normed, 0, s, m, 0, layer.gate().out(), s.mlp, 0);
        down(layer, s.mlp, 0, s, r0, m, 0, hidden);
    }

    /**
     * Columns {@code [c0, c1)} of rows {@code r0..r0+m-1}: {@code x += source · Wo (+ bias)}, their rows of {@code
     * source} from row {@code from}.
     */
    private void outputProjection(
            DecoderLayerWeights layer, float[] source, int from, Scratch s, int r0, int m, int c0, int c1) {
        int hidden = w.hidden();
        LinearWeight o = layer.o();
        MatmulKernel.block(source, from * o.in(), o.in(), o.transposed(), hidden, o.bias(), s.narrow, 0, 0, m, c0, c1);
        addColumns(s.narrow, r0, m, c0, c1);
    }

    /**
     * Gates {@code [c0, c1)} of {@code m} rows normalised by the post-attention RMSNorm ({@code a[aOff + i * hidden
     * ..]}): their gate and up columns, {@code silu(gate) * up} into {@code out[outOff + i * gates + c]}.
     */
    private void gateUp(
            DecoderLayerWeights layer, float[] a, int aOff, Scratch s, int m, int c0, int c1, float[] out, int outOff) {
        int hidden = w.hidden();
        LinearWeight gateUp = layer.gateUp();
        int n = gateUp.out(), gates = layer.gate().out();
        MatmulKernel.block(a, aOff, hidden, gateUp.transposed(), n, gateUp.bias(), s.wide, 0, 0, m, c0, c1);
        MatmulKernel.block(
                a, aOff, hidden, gateUp.transposed(), n, gateUp.bias(), s.wide, 0, 0, m, gates + c0, gates + c1);
        for (int i = 0; i < m; i++) {
            RowKernels.siluGate(s.wide, i * n + c0, s.wide, i * n + gates + c0, out, outOff + i * gates + c0, c1 - c0);
        }
    }

    /**
     * Columns {@code [c0, c1)} of rows {@code r0..r0+m-1}: {@code x += mlp · Wdown (+ bias)}, row {@code i} of the
     * gated activations at {@code mlp[mlpOff + i * gates]}.
     */
    private void down(DecoderLayerWeights layer, float[] mlp, int mlpOff, Scratch s, int r0, int m, int c0, int c1) {
        int hidden = w.hidden();
        LinearWeight down = layer.down();
        MatmulKernel.block(mlp, mlpOff, down.in(), down.transposed(), hidden, down.bias(), s.narrow, 0, 0, m, c0, c1);
        addColumns(s.narrow, r0, m, c0, c1);
    }

    /** {@code x[r0 + i][c] += y[i][c]} for {@code c in [c0, c1)} ({@code y} rows of width hidden). */
    private void addColumns(float[] y, int r0, int m, int c0, int c1) {
        int hidden = w.hidden();
        for (int i = 0; i < m; i++) {
            RowKernels.add(x, (r0 + i) * hidden + c0, y, i * hidden + c0, c1 - c0);
        }
    }

    /**
     * Columns per piece when {@code chunks} chunks of rows are split further so that there are at least {@link
     * #MIN_TASKS} tasks: a multiple of {@code unit}, all {@code n} columns when the chunks alone are enough.
     */
    static int pieceWidth(int n, int chunks, int unit) {
        if (chunks >= MIN_TASKS) {
            return n;
        }
        int pieces = (MIN_TASKS + chunks - 1) / chunks;
        return Math.max(unit, n / pieces / unit * unit);
    }

    /**
     * Rows per task, from the row count only: enough tasks for {@link #MIN_TASKS} threads, whole register
     * blocks of the matmul kernel once there are rows enough, at most {@link #MAX_CHUNK}.
     */
    static int chunkRows(int rows) {
        int chunk = Math.min(MAX_CHUNK, Math.max(1, rows / MIN_TASKS));
        return Math.max(ROW_BLOCK, chunk / ROW_BLOCK * ROW_BLOCK);
    }

    private Scratch scratch(int worker) {
        if (scratch[worker] == null) {
            scratch[worker] = new Scratch(w);
        }
        return scratch[worker];
    }

    /**
     * The additive key bias of each row ({@link AttentionKernel#keyBias}) of its mask's first {@code keys} entries, made by
     * the attention inputs of layer 0: the task holding a row's first token makes the row's bias.
     */
    private record KeyBias(byte[][] masks, int keys, int perRow, float[][] rows) {
        /** The biases of the rows whose first token is among tokens {@code [r0, r1)} of the call. */
        void make(int r0, int r1) {
            for (int b = (r0 + perRow - 1) / perRow; b * perRow < r1; b++) {
                rows[b] = AttentionKernel.keyBias(masks[b], keys);
            }
        }
    }

    /** Moves row {@code perRow - 1} of every group of {@code perRow} rows to row {@code b}, in place. */
    private static void keepLastRows(float[] x, int batch, int perRow, int width) {
        for (int b = 0; b < batch; b++) {
            System.arraycopy(x, ((b + 1) * perRow - 1) * width, x, b * width, width);
        }
    }

    private static float[] atLeast(float[] a, int n) {
        return a.length >= n ? a : new float[n];
    }
}
