package io.autogaze4j.weights;

/**
 * The vision encoder ("ShallowVideoConvNet") hyper-parameters from {@code gaze_model_config.vision_model_config}.
 *
 * @param hiddenDim               channels after the patch embedding
 * @param outDim                  channels after the output projection
 * @param depth                   number of causal trunk conv blocks
 * @param kernelSize              patch size of the embedding conv (16)
 * @param temporalPatchSize       frames per patch (only 1 is supported)
 * @param trunkTemporalKernelSize trunk conv kernel along time (3)
 * @param trunkSpatialKernelSize  trunk conv kernel in space (3)
 */
public record VisionConfig(
        int hiddenDim,
        int outDim,
        int depth,
        int kernelSize,
        int temporalPatchSize,
        int trunkTemporalKernelSize,
        int trunkSpatialKernelSize) {}
