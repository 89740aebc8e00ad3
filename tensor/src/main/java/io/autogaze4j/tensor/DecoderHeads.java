package io.autogaze4j.tensor;

/**
 * The decoder's outputs at each row's last new token.
 *
 * @param logits   {@code [B, K * vocab]}, head-major
 * @param taskLoss {@code [B, K]}
 */
public record DecoderHeads(Tensor logits, Tensor taskLoss) {}
