package io.autogaze4j.tensor;

import java.util.List;

/**
 * Everything a {@link DecoderSession} needs to run the gaze decoder: its layers, final norm, rotary
 * table and the two output heads (multi-token logits and task-loss predictions).
 *
 * @param hidden       model width
 * @param heads        attention heads
 * @param headDim      width of one head
 * @param rmsNormEps   RMSNorm epsilon
 * @param rope         rotary frequencies
 * @param layers       decoder layers in order
 * @param finalNorm    final RMSNorm weight
 * @param lmHead       {@code [hidden, K * vocab]} logits head (head-major columns)
 * @param taskLossHead {@code [hidden, K]} task-loss head
 */
public record DecoderWeights(
        int hidden,
        int heads,
        int headDim,
        float rmsNormEps,
        RopeTable rope,
        List<DecoderLayerWeights> layers,
        float[] finalNorm,
        LinearWeight lmHead,
        LinearWeight taskLossHead) {
    public DecoderWeights {
        layers = List.copyOf(layers);
    }

    /** {@code 1 / sqrt(headDim)}, the attention scale. */
    public float attentionScale() {
        return (float) (1.0 / Math.sqrt(headDim));
    }
}
