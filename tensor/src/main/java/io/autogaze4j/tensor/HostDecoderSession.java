package io.autogaze4j.tensor;

import java.util.List;

/**
 * A {@link DecoderSession} built from a backend's single operations, with host-memory KV caches. It is
 * the reference implementation every backend gets unless it provides a fused one.
 */
final class HostDecoderSession extends HostCacheSession {
    /** Rows per task when splitting fused projections (prefill has thousands of rows, decode ten). */
    private static final int SPLIT_ROWS = 128;

    private final Backend backend;
    private final DecoderWeights w;

    HostDecoderSession(Backend backend, DecoderWeights w, int batch, int initialCapacity, int maxCapacity) {
        super(Parallel.SERIAL, w, batch, initialCapacity, maxCapacity);
        this.backend = backend;
        this.w = w;
    }

    @Override
    public DecoderHeads forward(Tensor x, int perRow, int[][] positions, byte[][] masks, List<Tensor> layerOutputs) {
        int batch = caches.size();
        int first = length();
        int[] flatPositions = new int[batch * perRow];
        for (int b = 0; b < batch; b++) {
            System.arraycopy(positions[b], 0, flatPositions, b * perRow, perRow);
        }
        reserve(perRow);
        x = x.copy();
        RopeTable.Angles angles = w.rope().angles(flatPositions); // shared by q and k of every layer
        int layers = w.layers().size();
        for (int l = 0; l < layers; l++) {
            DecoderLayerWeights layer = w.layers().get(l);
            Tensor a = backend.rmsNorm(x, layer.inputNorm(), w.rmsNormEps());
            Tensor[] qkv = splitColumns(
                    backend.linear(a, layer.qkv()),
                    layer.q().out(),
                    layer.k().out(),
                    layer.v().out());
            Tensor q = qkv[0], k = qkv[1], v = qkv[2];
            backend.rope(q, w.heads(), angles);
            backend.rope(k, w.heads(), angles);
            int layerIndex = l;
            Tensor keys = k, values = v;
            backend.forEachTask(
                    batch, b -> caches.get(b).write(layerIndex, first, keys.data(), values.data(), b * perRow, perRow));
            if (l == layers - 1 && layerOutputs == null && perRow > 1) {
                // Only each row's last token reaches the heads, and the last layer's keys and values are
                // already cached: the rest of this layer is needed for the last tokens alone. Per-row
                // arithmetic is unchanged, so the result is bit-identical to running every token.
                x = lastRows(x, batch, perRow);
                q = lastRows(q, batch, perRow);
                Tensor attn = backend.attention(q, caches, l, first + perRow - 1, masks, w.attentionScale());
                residualTail(x, attn, layer);
            } else {
                Tensor attn = backend.attention(q, caches, l, first, masks, w.attentionScale());
                residualTail(x, attn, layer);
                if (layerOutputs != null) {
                    layerOutputs.add(x.copy());
                }
            }
        }
        advance(perRow);
        if (layerOutputs != null) {
            layerOutputs.add(backend.rmsNorm(x, w.finalNorm(), w.rmsNormEps()));
        }
        Tensor last = x.dim(0) == batch ? x : lastRows(x, batch, perRow);
        Tensor normed = backend.rmsNorm(last, w.finalNorm(), w.rmsNormEps());
        return new DecoderHeads(backend.linear(normed, w.lmHead()), backend.linear(normed, w.taskLossHead()));
    }

    /** Output projection, residual, and the MLP block with its residual, into {@code x}. */
    private void residualTail(Tensor x, Tensor attn, DecoderLayerWeights layer) {
        backend.addInPlace(x, backend.linear(attn, layer.o()));
        Tensor m = backend.rmsNorm(x, layer.postNorm(), w.rmsNormEps());
        Tensor[] gateUp = splitColumns(
                backend.linear(m, layer.gateUp()),
                layer.gate().out(),
                layer.up().out());
        Tensor mlp = backend.siluGate(gateUp[0], gateUp[1]);
        backend.addInPlace(x, backend.linear(mlp, layer.down()));
    }

    /** Row {@code perRow - 1} of every group of {@code perRow} rows: {@code [batch, width]}. */
    private static Tensor lastRows(Tensor x, int batch, int perRow) {
        int width = x.dim(1);
        float[] out = new float[batch * width];
        for (int b = 0; b < batch; b++) {
            System.arraycopy(x.data(), ((b + 1) * perRow - 1) * width, out, b * width, width);
        }
        return Tensor.wrap(out, batch, width);
    }

    /** The column blocks of {@code x [rows, sum(widths)]} as separate {@code [rows, width]} tensors. */
    private Tensor[] splitColumns(Tensor x, int... widths) {
        int rows = x.dim(0), total = x.dim(1);
        float[][] out = new float[widths.length][];
        int[] start = new int[widths.length];
        for (int p = 0, col = 0; p < widths.length; col += widths[p], p++) {
            out[p] = new float[rows * widths[p]];
            start[p] = col;
        }
        int chunks = (rows + SPLIT_ROWS - 1) / SPLIT_ROWS;
        backend.forEachTask(chunks, c -> {
            for (int r = c * SPLIT_ROWS; r < Math.min(rows, (c + 1) * SPLIT_ROWS); r++) {
                for (int p = 0; p < widths.length; p++) {
                    System.arraycopy(x.data(), r * total + start[p], out[p], r * widths[p], widths[p]);
                }
            }
        });
        Tensor[] parts = new Tensor[widths.length];
        for (int p = 0; p < widths.length; p++) {
            parts[p] = Tensor.wrap(out[p], rows, widths[p]);
        }
        return parts;
    }
}
