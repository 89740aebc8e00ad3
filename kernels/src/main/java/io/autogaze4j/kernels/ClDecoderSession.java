package io.autogaze4j.kernels;

import io.autogaze4j.tensor.DecoderHeads;
import io.autogaze4j.tensor.DecoderSession;
import io.autogaze4j.tensor.DecoderWeights;
import io.autogaze4j.tensor.Tensor;
import io.autogaze4j.tensor.TokenChoice;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import org.jocl.Sizeof;
import org.jocl.cl_kernel;
import org.jocl.cl_mem;
import org.jocl.cl_program;

/**
 * The gaze decoder kept on an OpenCL device: weights, every layer's KV cache, the attention masks and
 * the forbidden-id sets stay there. A step uploads only the new embeddings, their positions and the
 * mask entries that changed (one write from page-locked memory), runs {@code 2 * layers + 1} kernels (each layer's MLP is fused
 * with the next layer's q/k/v) plus one for the heads and the choice, and reads back either the logits or, with
 * {@link #forwardAndChoose}, just the chosen ids, margins and task-loss values.
 */
final class ClDecoderSession implements DecoderSession {
    /** Header ints of the step parameters; see decoder.cl. */
    private static final int HEADER = 9;
    /** Rows per work-group of the wide kernels. */
    private static final int WIDE_ROWS = 8;
    /** Rows in a call (batch x new tokens) from which the wide kernels are used; fewer rows get one row per work-group. */
    private static final int WIDE_FROM = 256;
    /** k slices per work-group of the 1-row kernels (decode steps): 4x the work-items per row. */
    private static final int NARROW_SLICES = 4;
    /** Query rows per attention work-group (each key is loaded once for all of them). */
    private static final int QUERY_BLOCK = 2;
    /** Most key splits per attention query block. */
    private static final int MAX_SPLITS = 16;
    /** Fewest keys per attention work-item worth a split of their own. */
    private static final int KEYS_PER_ITEM = 4;
    /**
     * Attention work-groups per compute unit below which query blocks get key splits (H100, A/B in one run:
     * 8 -> batch 1 211-244 / batch 8 490-508 ms, 2 -> 218 / 457 ms, 1 -> 230 / 446 ms).
     */
    static final int GROUPS_PER_UNIT = 2;

    private final OpenClBackend backend;
    private final ClContext ctx;
    private final ClDecoderWeights w;
    private final int batch;
    private final int cap;
    private final int hidden;
    private final int k;
    private final int vocab;
    private final int attWg;
    private final int selWg;
    private final cl_mem[] keys;
    private final cl_mem[] values;
    private final cl_mem mask;
    private final cl_mem forbidden;
    private final cl_mem logits;
    private final cl_mem results;
    private final cl_mem ropeCos;
    private final cl_mem ropeSin;
    private final byte[][] deviceMask;
    /** Per variant (narrow, wide): layer 0's q/k/v with the step's bookkeeping. */
    private final cl_kernel[] qkv = new cl_kernel[2];
    /** Per variant and layer but the last: the layer's MLP fused with the next layer's q/k/v. */
    private final cl_kernel[][] mlpQkv = new cl_kernel[2][];
    /** Per variant: the last layer's MLP. */
    private final cl_kernel[] mlpLast = new cl_kernel[2];
    private final cl_kernel[] attention;
    /** The last layer's attention and MLP for each batch row's last token only (narrow MLP variant). */
    private final cl_kernel attentionLastToken;
    private final cl_kernel mlpLastToken;
    /** Final norm, logits and task loss of each row's last token, and the greedy choice. */
    private final cl_kernel headsChoose;
    private final int narrowGroup;
    private cl_mem x;
    private cl_mem q;
    private cl_mem partOut;
    private cl_mem partStats;
    private cl_mem params;
    /** Page-locked staging of each step's single upload: parameters, then the new embeddings. */
    private final PinnedStage upload;
    private final ByteBuffer resultStage;
    private int rowCapacity;
    private int partCapacity;
    private int paramCapacity;
    private int length;
    private final int splitTarget;
    private int lastSplits;
    private boolean closed;

    /**
     * @param splitTarget attention work-groups below which decode steps split their keys (the device's compute
     *                    units x {@link #GROUPS_PER_UNIT} in use; tests pass more to exercise the splits)
     */
    ClDecoderSession(OpenClBackend backend, ClContext ctx, ClDecoderWeights w, int batch, int maxCapacity, int splitTarget) {
        if (batch < 1) {
            throw new IllegalArgumentException("batch must be >= 1, got " + batch);
        }
        this.backend = backend;
        this.ctx = ctx;
        this.w = w;
        this.batch = batch;
        this.cap = maxCapacity;
        this.splitTarget = splitTarget;
        DecoderWeights h = w.host;
        this.hidden = h.hidden();
        this.k = w.k;
        this.vocab = w.vocab;
        this.attWg = ctx.info.cpu() ? 32 : 128;
        this.selWg = ctx.info.cpu() ? 32 : 1024; // heads_choose: a GPU work-group per batch row needs many loads in flight
        int layers = h.layers().size();
        long cacheFloats = (long) batch * hidden * cap;
        keys = new cl_mem[layers];
        values = new cl_mem[layers];
        for (int l = 0; l < layers; l++) {
            keys[l] = ctx.alloc(cacheFloats * Sizeof.cl_float);
            values[l] = ctx.alloc(cacheFloats * Sizeof.cl_float);
        }
        mask = ctx.alloc(((long) batch * cap + 3) / 4 * 4);
        forbidden = ctx.alloc((long) batch * vocab);
        logits = ctx.alloc((long) batch * k * vocab * Sizeof.cl_float);
        results = ctx.alloc(4L * batch * k * Sizeof.cl_float);
        resultStage = ClContext.direct(4L * batch * k * Sizeof.cl_float);
        float[][] rope = w.ropeTable(cap);
        int half = h.headDim() / 2;
        ropeCos = ctx.alloc((long) cap * half * Sizeof.cl_float);
        ropeSin = ctx.alloc((long) cap * half * Sizeof.cl_float);
        ctx.write(ropeCos, 0, rope[0], cap * half);
        ctx.write(ropeSin, 0, rope[1], cap * half);
        deviceMask = new byte[batch][cap];
        clearMaskOnDevice();

        int slices = h.hidden() % NARROW_SLICES == 0 && w.intermediate() % NARROW_SLICES == 0 ? NARROW_SLICES : 1;
        narrowGroup = h.hidden() * slices;
        cl_program narrow = program(h, 1, slices);
        cl_program wide = program(h, WIDE_ROWS, 1);
        headsChoose = ClContext.ownedKernel(wide, "heads_choose");
        attention = new cl_kernel[layers];
        for (int v = 0; v < 2; v++) {
            cl_program p = v == 0 ? narrow : wide;
            qkv[v] = ClContext.ownedKernel(p, "qkv_rope");
            mlpLast[v] = ClContext.ownedKernel(p, "mlp");
            mlpQkv[v] = new cl_kernel[layers - 1];
            for (int l = 0; l < layers - 1; l++) {
                mlpQkv[v][l] = ClContext.ownedKernel(p, "mlp_qkv");
            }
        }
        for (int l = 0; l < layers; l++) {
            attention[l] = ClContext.ownedKernel(wide, "attention");
        }
        attentionLastToken = ClContext.ownedKernel(wide, "attention");
        mlpLastToken = ClContext.ownedKernel(narrow, "mlp");
        upload = new PinnedStage(ctx);
        ensureCapacity(256, 256 * 2 + HEADER + batch * 512 + 256 * hidden, 256 * h.heads());
    }

    private cl_program program(DecoderWeights h, int rows, int slices) {
        String options = "-cl-std=CL1.2 -D HIDDEN=" + h.hidden() + " -D HEADS=" + h.heads() + " -D HEAD_DIM=" + h.headDim()
                + " -D INTER=" + w.intermediate() + " -D VOCAB=" + vocab + " -D NHEADS=" + k + " -D PAD_ID=" + (vocab - 1)
                + " -D EPS=" + h.rmsNormEps() + "f -D ROWS=" + rows + " -D KS=" + slices + " -D QB=" + QUERY_BLOCK + " -D ATT_WG=" + attWg + " -D SEL_WG=" + selWg;
        return ctx.program("decoder.cl", options);
    }

    private void clearMaskOnDevice() {
        float[] zeros = new float[(batch * cap + 3) / 4];
        ctx.write(mask, 0, zeros, zeros.length);
    }

    /** Grows the activation, attention-partial and parameter buffers and rebinds every kernel argument. */
    private void ensureCapacity(int rows, int paramInts, int parts) {
        if (rows <= rowCapacity && paramInts <= paramCapacity && parts <= partCapacity) {
            return;
        }
        if (rows > rowCapacity) {
            rowCapacity = Math.max(rows, rowCapacity * 2);
            ClContext.release(x);
            ClContext.release(q);
            long bytes = (long) rowCapacity * hidden * Sizeof.cl_float;
            x = ctx.alloc(bytes);
            q = ctx.alloc(bytes);
        }
        if (parts > partCapacity) {
            // one attention partial per query row, head and key split: unnormalised output + {max, exp sum}
            partCapacity = Math.max(parts, partCapacity * 2);
            ClContext.release(partOut);
            ClContext.release(partStats);
            partOut = ctx.alloc((long) partCapacity * w.host.headDim() * Sizeof.cl_float);
            partStats = ctx.alloc((long) partCapacity * 2 * Sizeof.cl_float);
        }
        if (paramInts > paramCapacity) {
            paramCapacity = Math.max(paramInts, paramCapacity * 2);
            ClContext.release(params);
            params = ctx.alloc((long) paramCapacity * Sizeof.cl_int);
        }
        bind();
    }

    private void bind() {
        int layers = keys.length;
        ClDecoderWeights.Layer first = w.layers.get(0);
        ClDecoderWeights.Layer last = w.layers.get(layers - 1);
        for (int v = 0; v < 2; v++) {
            ClContext.args(qkv[v], params, mask, forbidden, x, first.inputNorm(), first.q(), first.k(), first.v(), ropeCos, ropeSin,
                    q, keys[0], values[0], cap);
            ClContext.args(mlpLast[v], params, x, partOut, partStats, last.o(), last.postNorm(), last.gate(), last.up(), last.down(), 0);
            for (int l = 0; l < layers - 1; l++) {
                ClDecoderWeights.Layer lw = w.layers.get(l);
                ClDecoderWeights.Layer next = w.layers.get(l + 1);
                ClContext.args(mlpQkv[v][l], params, x, partOut, partStats, lw.o(), lw.postNorm(), lw.gate(), lw.up(), lw.down(),
                        next.inputNorm(), next.q(), next.k(), next.v(), ropeCos, ropeSin, q, keys[l + 1], values[l + 1], cap);
            }
        }
        for (int l = 0; l < layers; l++) {
            ClContext.args(attention[l], params, q, keys[l], values[l], mask, partOut, partStats, cap, w.host.attentionScale(), 0);
        }
        ClContext.args(attentionLastToken, params, q, keys[layers - 1], values[layers - 1], mask, partOut, partStats, cap,
                w.host.attentionScale(), 1);
        ClContext.args(mlpLastToken, params, x, partOut, partStats, last.o(), last.postNorm(), last.gate(), last.up(), last.down(), 1);
        ClContext.args(headsChoose, params, x, w.finalNorm, w.lmHead, w.taskLossHead, forbidden, logits, results);
    }

    @Override
    public int batch() {
        return batch;
    }

    @Override
    public int length() {
        return length;
    }

    @Override
    public DecoderHeads forward(Tensor x, int perRow, int[][] positions, byte[][] masks, List<Tensor> layerOutputs) {
        synchronized (ctx) {
            enqueueStep(x, perRow, positions, masks, null, layerOutputs);
            enqueueHeads();
            float[] lg = new float[batch * k * vocab];
            float[] tl = new float[batch * k];
            ctx.read(logits, 0, lg, lg.length);
            ctx.read(results, 0, tl, tl.length);
            return new DecoderHeads(Tensor.wrap(lg, batch, k * vocab), Tensor.wrap(tl, batch, k));
        }
    }

    @Override
    public boolean choosesTokens() {
        return true;
    }

    @Override
    public TokenChoice forwardAndChoose(Tensor x, int perRow, int[][] positions, byte[][] masks, int[][] fedIds, int padId) {
        if (padId != vocab - 1) {
            throw new IllegalArgumentException("pad id " + padId + " is not the last vocabulary id " + (vocab - 1));
        }
        synchronized (ctx) {
            long t0 = System.nanoTime();
            enqueueStep(x, perRow, positions, masks, fedIds, null);
            enqueueHeads();
            long t1 = System.nanoTime();
            float[] r = new float[4 * batch * k];
            if (ctx.info.cpu()) {
                ctx.read(results, 0, r, r.length);
            } else {
                ctx.readPolling(results, resultStage.clear().asFloatBuffer(), r.length);
                resultStage.asFloatBuffer().get(r);
            }
            ctx.hostTime("host: enqueue step", t1 - t0);
            ctx.hostTime("host: wait for choice", System.nanoTime() - t1);
            int[][] tokens = new int[batch][k];
            float[][] margins = new float[batch][k];
            float[][] probabilities = new float[batch][k];
            for (int b = 0; b < batch; b++) {
                for (int i = 0; i < k; i++) {
                    margins[b][i] = r[batch * k + b * k + i];
                    tokens[b][i] = (int) r[2 * batch * k + b * k + i];
                    probabilities[b][i] = r[3 * batch * k + b * k + i];
                }
            }
            return new TokenChoice(tokens, margins, probabilities, Arrays.copyOf(r, batch * k));
        }
    }

    /**
     * Uploads one step's inputs and enqueues every layer (the caller adds {@link #enqueueHeads}). {@code fedIds} null means a frame's
     * first step (forbidden ids are reset); otherwise those ids become forbidden.
     */
    private void enqueueStep(Tensor in, int perRow, int[][] positions, byte[][] masks, int[][] fedIds, List<Tensor> layerOutputs) {
        if (closed) {
            throw new IllegalStateException("decoder session is closed");
        }
        int rows = batch * perRow;
        if (perRow < 1 || in.rank() != 2 || in.dim(0) != rows || in.dim(1) != hidden) {
            throw new IllegalArgumentException("decoder input " + in + " does not match " + batch + " rows x " + perRow + " tokens x " + hidden);
        }
        int end = length + perRow;
        if (end > cap) {
            throw new IllegalStateException("KV cache needs " + end + " entries but holds at most " + cap);
        }
        // mask entries that changed since the last upload (older pads turned off), plus the new ones
        int lo = length;
        for (int b = 0; b < batch; b++) {
            if (masks[b].length < end) {
                throw new IllegalArgumentException("mask of row " + b + " has " + masks[b].length + " entries, needs " + end);
            }
            int diff = Arrays.mismatch(masks[b], 0, length, deviceMask[b], 0, length);
            if (diff >= 0) {
                lo = Math.min(lo, diff);
            }
        }
        int span = end - lo;
        int attHeads = w.host.heads();
        int queryBlocks = (perRow + QUERY_BLOCK - 1) / QUERY_BLOCK;
        int splits = keySplits(batch * queryBlocks * attHeads, end);
        lastSplits = splits;
        int inputAt = (HEADER + 2 * rows + batch * span + 3) / 4 * 4; // the embeddings follow, 16-byte aligned
        int paramInts = inputAt + rows * hidden;
        ensureCapacity(rows, paramInts, rows * attHeads * splits);
        ByteBuffer stage = upload.reserve((long) paramInts * Sizeof.cl_int);
        var ints = stage.asIntBuffer();
        ints.put(new int[] {perRow, length, lo, span, fedIds == null ? 1 : 0, rows, batch, splits, inputAt});
        for (int b = 0; b < batch; b++) {
            for (int s = 0; s < perRow; s++) {
                int p = positions[b][s];
                if (p < 0 || p >= cap) {
                    throw new IllegalArgumentException("position " + p + " of row " + b + " outside [0, " + cap + ")");
                }
                ints.put(p);
            }
        }
        for (int b = 0; b < batch; b++) {
            for (int s = 0; s < perRow; s++) {
                int id = fedIds == null ? 0 : fedIds[b][s];
                if (id < 0 || id >= vocab) {
                    throw new IllegalArgumentException("fed id " + id + " outside the vocabulary");
                }
                ints.put(id);
            }
        }
        for (int b = 0; b < batch; b++) {
            for (int j = lo; j < end; j++) {
                ints.put(masks[b][j]);
            }
            System.arraycopy(masks[b], lo, deviceMask[b], lo, span);
        }
        stage.asFloatBuffer().put(inputAt, in.data(), 0, rows * hidden);
        upload.send(params, (long) paramInts * Sizeof.cl_int);

        int variant = rows >= WIDE_FROM ? 1 : 0;
        int groupRows = variant == 1 ? WIDE_ROWS : 1;
        int group = variant == 1 ? hidden : narrowGroup;
        long rowGroups = (rows + groupRows - 1) / groupRows;
        long prepareGroups = (batch * span + batch + group - 1) / group;
        long[] rowGlobal = {rowGroups * group};
        long[] rowLocal = {group};
        long[] attGlobal = {(long) batch * queryBlocks * splits * attWg, attHeads};
        long[] attLocal = {attWg, 1};
        String phase = fedIds == null ? "/first" : "/next"; // profile labels: a frame's first step, its later steps
        ctx.launch(qkv[variant], "qkv_rope" + phase, new long[] {(rowGroups + prepareGroups) * group}, rowLocal);
        int layers = keys.length;
        // Only each row's last token reaches the heads, and the last layer's keys and values are cached by
        // then: its attention and MLP run for the last tokens alone (unless every layer's output is asked for).
        boolean lastOnly = layerOutputs == null && perRow > 1;
        for (int l = 0; l < layers; l++) {
            if (l < layers - 1) {
                ctx.launch(attention[l], "attention" + phase, attGlobal, attLocal);
                ctx.launch(mlpQkv[variant][l], "mlp_qkv" + phase, rowGlobal, rowLocal);
            } else if (lastOnly) {
                ctx.launch(attentionLastToken, "attention/last", new long[] {(long) batch * splits * attWg, attHeads}, attLocal);
                ctx.launch(mlpLastToken, "mlp/last", new long[] {(long) batch * narrowGroup}, new long[] {narrowGroup});
            } else {
                ctx.launch(attention[l], "attention" + phase, attGlobal, attLocal);
                ctx.launch(mlpLast[variant], "mlp" + phase, rowGlobal, rowLocal);
            }
            if (layerOutputs != null) {
                float[] out = new float[rows * hidden];
                ctx.read(x, 0, out, out.length);
                layerOutputs.add(Tensor.wrap(out, rows, hidden));
            }
        }
        if (layerOutputs != null) {
            Tensor last = layerOutputs.get(layerOutputs.size() - 1);
            layerOutputs.add(backend.rmsNorm(last, w.host.finalNorm(), w.host.rmsNormEps()));
        }
        length = end;
    }

    /** The heads and the choice for each batch row's last token (logits, task loss and chosen ids on the device). */
    private void enqueueHeads() {
        ctx.launch(headsChoose, "heads_choose", new long[] {(long) batch * selWg}, new long[] {selWg});
    }

    /** Key splits of the last step's attention (for tests). */
    int lastKeySplits() {
        return lastSplits;
    }

    /**
     * Key splits per attention query block: one when the query blocks alone fill the device, else enough
     * to come near that, as long as each work-item keeps a few keys. Depends only on the shapes.
     */
    private int keySplits(int groups, int visible) {
        int byOccupancy = (splitTarget + groups - 1) / groups;
        int bySize = (visible + attWg * KEYS_PER_ITEM - 1) / (attWg * KEYS_PER_ITEM);
        return Math.max(1, Math.min(MAX_SPLITS, Math.min(byOccupancy, bySize)));
    }

    @Override
    public void close() {
        synchronized (ctx) {
            if (closed) {
                return;
            }
            closed = true;
            for (cl_mem m : keys) {
                ClContext.release(m);
            }
            for (cl_mem m : values) {
                ClContext.release(m);
            }
            for (cl_mem m : new cl_mem[] {mask, forbidden, logits, results, ropeCos, ropeSin, x, q, partOut, partStats, params}) {
                ClContext.release(m);
            }
            upload.close();
            ClContext.release(headsChoose);
            ClContext.release(attentionLastToken);
            ClContext.release(mlpLastToken);
            for (cl_kernel kk : attention) {
                ClContext.release(kk);
            }
            for (int v = 0; v < 2; v++) {
                ClContext.release(qkv[v]);
                ClContext.release(mlpLast[v]);
                for (cl_kernel kk : mlpQkv[v]) {
                    ClContext.release(kk);
                }
            }
        }
    }
}
