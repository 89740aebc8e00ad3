package io.autogaze4j.weights;

/**
 * The LLaMA-style gaze decoder hyper-parameters from {@code gaze_model_config.gaze_decoder_config}.
 * {@code vocabSize} and {@code eosTokenId} are recomputed from the number of cells per frame, as the
 * official loader does.
 *
 * @param hiddenSize        model width (192)
 * @param intermediateSize  MLP width (384)
 * @param numLayers         decoder layers (4)
 * @param numHeads          attention heads (6)
 * @param numKeyValueHeads  key/value heads (6: no grouped-query attention in the official model)
 * @param headDim           width of one head (32)
 * @param rmsNormEps        RMSNorm epsilon
 * @param rope              rotary embedding settings
 * @param numMultiTokenPred K, tokens predicted per decoder call
 * @param vocabSize         cells per frame + 1
 * @param eosTokenId        the pad / end id (= cells per frame)
 */
public record DecoderConfig(
        int hiddenSize,
        int intermediateSize,
        int numLayers,
        int numHeads,
        int numKeyValueHeads,
        int headDim,
        float rmsNormEps,
        RopeConfig rope,
        int numMultiTokenPred,
        int vocabSize,
        int eosTokenId) {}
