package io.autogaze4j.model;

import io.autogaze4j.tensor.Backend;
import io.autogaze4j.tensor.DecoderSession;
import io.autogaze4j.tensor.VisionSession;

/**
 * Everything generation carries from frame to frame for a batch of independent rows: the decoder
 * session (KV caches), each row's attention mask, the vision session (each row's trunk history), the pending
 * tokens of the previous frame's last step (not yet fed), and the number of frames processed.
 */
final class GazeState implements AutoCloseable {
    final DecoderSession decoder;
    final AttentionMask[] masks;
    final VisionSession vision;
    /** [row][token] ids of the previous frame's final step, or null before the first frame. */
    int[][] pending;

    int frames;

    private GazeState(DecoderSession decoder, AttentionMask[] masks, VisionSession vision) {
        this.decoder = decoder;
        this.masks = masks;
        this.vision = vision;
    }

    static GazeState create(
            ModelWeights w, Backend backend, VisionEncoder encoder, int batch, int initialEntries, int maxEntries) {
        AttentionMask[] masks = new AttentionMask[batch];
        for (int b = 0; b < batch; b++) {
            masks[b] = new AttentionMask();
        }
        VisionSession vision = encoder.open(batch);
        try {
            return new GazeState(backend.openDecoder(w.decoder, batch, initialEntries, maxEntries), masks, vision);
        } catch (RuntimeException e) {
            vision.close();
            throw e;
        }
    }

    int batch() {
        return masks.length;
    }

    /** Every row's mask array, for a decoder call. */
    byte[][] maskArrays() {
        return maskArrays(masks);
    }

    /** Each of {@code masks} as the byte array the decoder takes. */
    static byte[][] maskArrays(AttentionMask[] masks) {
        byte[][] m = new byte[masks.length][];
        for (int b = 0; b < masks.length; b++) {
            m[b] = masks[b].mask();
        }
        return m;
    }

    @Override
    public void close() {
        try {
            decoder.close();
        } finally {
            vision.close();
        }
    }
}
