package io.autogaze4j.model;

import io.autogaze4j.tensor.Backend;
import io.autogaze4j.tensor.Tensor;
import java.util.List;

/**
 * The 4-layer LLaMA decoder with its two heads. A forward call feeds {@code S} new tokens to every row
 * (inserting their keys and values into each row's cache) and returns the final-normed hidden state of
 * each row's last new token; {@link #heads} turns those into logits {@code [B, K*V]} and task-loss
 * predictions {@code [B, K]}.
 */
final class GazeDecoder {
    /** Logits and task-loss predictions at each row's last position. */
    record Heads(Tensor logits, Tensor taskLoss) {
    }

    private final ModelWeights w;
    private final Backend backend;
    private final int hidden;
    private final int heads;
    private final float scale;

    GazeDecoder(ModelWeights w, Backend backend) {
        this.w = w;
        this.backend = backend;
        this.hidden = w.config.decoder().hiddenSize();
        this.heads = w.config.decoder().numHeads();
        this.scale = (float) (1.0 / Math.sqrt(w.config.decoder().headDim()));
    }

    /** Embeddings of gaze token ids, {@code [ids.length, hidden]}. */
    Tensor embedTokens(int[] ids) {
        float[] out = new float[ids.length * hidden];
        for (int i = 0; i < ids.length; i++) {
            System.arraycopy(w.embedTokens, ids[i] * hidden, out, i * hidden, hidden);
        }
        return Tensor.wrap(out, ids.length, hidden);
    }

    /**
     * Runs {@code perRow} new tokens for every row. {@code x} is {@code [rows * perRow, hidden]}, row-major by
     * batch row; {@code positions[b]} are the rotary positions of row b's new tokens. The rows' masks must
     * already include the new entries. If {@code layerOutputs} is non-null, the residual stream after each
     * layer and the final norm are added to it (all positions).
     */
    Tensor forward(List<DecoderSequence> rows, Tensor x, int perRow, int[][] positions, List<Tensor> layerOutputs) {
        int batch = rows.size();
        int[] flatPositions = new int[batch * perRow];
        int[] first = new int[batch];
        for (int b = 0; b < batch; b++) {
            System.arraycopy(positions[b], 0, flatPositions, b * perRow, perRow);
            first[b] = rows.get(b).cache.length();
        }
        int qkvWidth = heads * w.config.decoder().headDim();
        x = x.copy();
        for (int l = 0; l < w.layers.size(); l++) {
            ModelWeights.Layer layer = w.layers.get(l);
            Tensor a = backend.rmsNorm(x, layer.inputNorm(), w.config.decoder().rmsNormEps());
            Tensor q = backend.linear(a, layer.q());
            Tensor k = backend.linear(a, layer.k());
            Tensor v = backend.linear(a, layer.v());
            backend.rope(q, heads, flatPositions, w.rope);
            backend.rope(k, heads, flatPositions, w.rope);
            float[] attn = new float[batch * perRow * qkvWidth];
            for (int b = 0; b < batch; b++) {
                DecoderSequence seq = rows.get(b);
                seq.cache.write(l, first[b], k.data(), v.data(), b * perRow, perRow);
                Tensor qb = Tensor.wrap(java.util.Arrays.copyOfRange(q.data(), b * perRow * qkvWidth, (b + 1) * perRow * qkvWidth),
                        perRow, qkvWidth);
                Tensor ob = backend.attention(qb, seq.cache, l, first[b], seq.mask(), scale);
                System.arraycopy(ob.data(), 0, attn, b * perRow * qkvWidth, perRow * qkvWidth);
            }
            backend.addInPlace(x, backend.linear(Tensor.wrap(attn, batch * perRow, qkvWidth), layer.o()));
            Tensor m = backend.rmsNorm(x, layer.postNorm(), w.config.decoder().rmsNormEps());
            Tensor mlp = backend.siluGate(backend.linear(m, layer.gate()), backend.linear(m, layer.up()));
            backend.addInPlace(x, backend.linear(mlp, layer.down()));
            if (layerOutputs != null) {
                layerOutputs.add(x.copy());
            }
        }
        for (int b = 0; b < batch; b++) {
            rows.get(b).cache.setLength(first[b] + perRow);
        }
        float[] last = new float[batch * hidden];
        for (int b = 0; b < batch; b++) {
            System.arraycopy(x.data(), ((b + 1) * perRow - 1) * hidden, last, b * hidden, hidden);
        }
        if (layerOutputs != null) {
            layerOutputs.add(backend.rmsNorm(x, w.finalNorm, w.config.decoder().rmsNormEps()));
        }
        return backend.rmsNorm(Tensor.wrap(last, batch, hidden), w.finalNorm, w.config.decoder().rmsNormEps());
    }

    /** The multi-token logits and task-loss predictions of final hidden states {@code [B, hidden]}. */
    Heads heads(Tensor lastHidden) {
        return new Heads(backend.linear(lastHidden, w.lmHead), backend.linear(lastHidden, w.taskLossHead));
    }
}
