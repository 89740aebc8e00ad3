package io.autogaze4j.tensor;

/**
 * A running vision encoder (stem, LayerNorm, causal trunk, projection, position table; {@link VisionWeights}) for a batch
 * of independent rows. It keeps each row's trunk history, the last {@code temporalKernel - 1} inputs of every trunk block
 * (zeros before the first frame), so frames encoded over several calls give what one call with all of them gives. Not
 * thread-safe; close it to free its memory.
 */
public interface VisionSession extends AutoCloseable {

    /** Rows in the batch. */
    int batch();

    /**
     * Embeds the next frames of every row and advances each row's trunk history by them.
     *
     * @param clip {@code [batch, T, 3, H, W]} preprocessed frames (only read); a session may require {@code H} and
     *             {@code W} to be the model's input size
     * @return {@code [row][t]} each row's frame embeddings {@code [tokens, out]}
     * @throws IllegalArgumentException when the clip's batch or frame size does not fit the session
     */
    Tensor[][] encode(Tensor clip);

    @Override
    void close();
}
