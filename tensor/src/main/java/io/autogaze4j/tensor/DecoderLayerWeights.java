package io.autogaze4j.tensor;

/**
 * One pre-norm LLaMA decoder layer: RMSNorm, q/k/v/o projections (no bias), RMSNorm, SiLU-gated MLP.
 *
 * @param inputNorm RMSNorm weight before attention
 * @param q         query projection
 * @param k         key projection
 * @param v         value projection
 * @param o         output projection
 * @param postNorm  RMSNorm weight before the MLP
 * @param gate      MLP gate projection
 * @param up        MLP up projection
 * @param down      MLP down projection
 * @param qkv       q, k and v side by side (one product instead of three)
 * @param gateUp    gate and up side by side
 */
public record DecoderLayerWeights(
        float[] inputNorm,
        LinearWeight q,
        LinearWeight k,
        LinearWeight v,
        LinearWeight o,
        float[] postNorm,
        LinearWeight gate,
        LinearWeight up,
        LinearWeight down,
        LinearWeight qkv,
        LinearWeight gateUp) {

    /** A layer from its separate projections; the fused ones are derived. */
    public DecoderLayerWeights(
            float[] inputNorm,
            LinearWeight q,
            LinearWeight k,
            LinearWeight v,
            LinearWeight o,
            float[] postNorm,
            LinearWeight gate,
            LinearWeight up,
            LinearWeight down) {
        this(
                inputNorm,
                q,
                k,
                v,
                o,
                postNorm,
                gate,
                up,
                down,
                LinearWeight.concatOutputs(q, k, v),
                LinearWeight.concatOutputs(gate, up));
    }
}
