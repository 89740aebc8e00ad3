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
 */
public record DecoderLayerWeights(float[] inputNorm, LinearWeight q, LinearWeight k, LinearWeight v, LinearWeight o,
                                  float[] postNorm, LinearWeight gate, LinearWeight up, LinearWeight down) {
}
