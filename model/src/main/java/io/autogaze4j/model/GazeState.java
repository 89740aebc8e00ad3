package io.autogaze4j.model;

import io.autogaze4j.tensor.KvCache;
import java.util.ArrayList;
import java.util.List;

/**
 * Everything generation carries from frame to frame for a batch of independent rows: each row's
 * decoder sequence (KV cache + attention mask) and conv cache, the pending tokens of the previous
 * frame's last step (not yet fed), and the number of frames processed.
 */
final class GazeState {
    final List<DecoderSequence> rows;
    final ConvCache[] conv;
    /** [row][token] ids of the previous frame's final step, or null before the first frame. */
    int[][] pending;
    int frames;

    private GazeState(List<DecoderSequence> rows, ConvCache[] conv) {
        this.rows = rows;
        this.conv = conv;
    }

    static GazeState create(ModelWeights w, int batch, int initialEntries, int maxEntries) {
        var d = w.config.decoder();
        List<DecoderSequence> rows = new ArrayList<>();
        ConvCache[] conv = new ConvCache[batch];
        for (int b = 0; b < batch; b++) {
            rows.add(new DecoderSequence(new KvCache(d.numLayers(), d.numHeads(), d.headDim(), initialEntries, maxEntries)));
            conv[b] = new ConvCache(w.trunk.size(), w.config.vision().trunkTemporalKernelSize());
        }
        return new GazeState(rows, conv);
    }

    int batch() {
        return rows.size();
    }
}
