package io.autogaze4j.tensor;

import java.util.List;

/**
 * A running gaze decoder for a batch of independent rows: it owns each row's KV cache (on the host or
 * on a device) and feeds new tokens through all layers. Rows always receive the same number of new
 * tokens per call, so every row's cache has the same length. Not thread-safe; close to free memory.
 */
public interface DecoderSession extends AutoCloseable {

    /** Rows in the batch. */
    int batch();

    /** Cache entries per row so far. */
    int length();

    /**
     * Feeds {@code perRow} new tokens to every row and returns the heads at each row's last new token.
     *
     * @param x            {@code [batch * perRow, hidden]} input embeddings, grouped by row
     * @param perRow       new tokens per row
     * @param positions    {@code [batch][perRow]} rotary positions
     * @param masks        per row, the 0/1 attention mask of every cache entry including the new ones
     *                     (at least {@code length() + perRow} entries are read)
     * @param layerOutputs if non-null, receives the residual stream after every layer and after the final
     *                     norm, all positions (for parity checks; a backend may refuse it)
     */
    DecoderHeads forward(Tensor x, int perRow, int[][] positions, byte[][] masks, List<Tensor> layerOutputs);

    @Override
    void close();
}
