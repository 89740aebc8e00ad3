package io.autogaze4j.weights;

import java.util.LinkedHashMap;
import java.util.Map;

/** The tensor names and shapes an AutoGaze checkpoint must contain for a given configuration. */
public final class ExpectedTensors {
    /** Prefix of every weight name in the official checkpoint. */
    public static final String PREFIX = "gazing_model.";

    private ExpectedTensors() {}

    /** Name to shape, in a stable order. */
    public static Map<String, int[]> of(AutoGazeConfig c) {
        Map<String, int[]> m = new LinkedHashMap<>();
        VisionConfig v = c.vision();
        DecoderConfig d = c.decoder();
        int k = v.kernelSize();
        String vm = PREFIX + "vision_model.";
        m.put(vm + "temporal_conv.weight", new int[] {v.hiddenDim(), 3, v.temporalPatchSize(), k, k});
        m.put(vm + "temporal_conv.bias", new int[] {v.hiddenDim()});
        m.put(vm + "norm.weight", new int[] {v.hiddenDim()});
        m.put(vm + "norm.bias", new int[] {v.hiddenDim()});
        int tk = v.trunkTemporalKernelSize();
        int sk = v.trunkSpatialKernelSize();
        for (int b = 0; b < v.depth(); b++) {
            m.put(vm + "blocks." + b + ".conv3d.weight", new int[] {v.hiddenDim(), v.hiddenDim(), tk, sk, sk});
            m.put(vm + "blocks." + b + ".conv3d.bias", new int[] {v.hiddenDim()});
        }
        m.put(vm + "out_proj.weight", new int[] {v.outDim(), v.hiddenDim(), 1, 1, 1});
        m.put(vm + "out_proj.bias", new int[] {v.outDim()});
        m.put(PREFIX + "connector.pos_embed", new int[] {c.visionTokensPerFrame(), v.outDim()});
        String dm = PREFIX + "gaze_decoder.";
        int h = d.hiddenSize();
        m.put(dm + "model.embed_tokens.weight", new int[] {d.vocabSize(), h});
        for (int l = 0; l < d.numLayers(); l++) {
            String p = dm + "model.layers." + l + ".";
            m.put(p + "input_layernorm.weight", new int[] {h});
            m.put(p + "self_attn.q_proj.weight", new int[] {d.numHeads() * d.headDim(), h});
            m.put(p + "self_attn.k_proj.weight", new int[] {d.numKeyValueHeads() * d.headDim(), h});
            m.put(p + "self_attn.v_proj.weight", new int[] {d.numKeyValueHeads() * d.headDim(), h});
            m.put(p + "self_attn.o_proj.weight", new int[] {h, d.numHeads() * d.headDim()});
            m.put(p + "post_attention_layernorm.weight", new int[] {h});
            m.put(p + "mlp.gate_proj.weight", new int[] {d.intermediateSize(), h});
            m.put(p + "mlp.up_proj.weight", new int[] {d.intermediateSize(), h});
            m.put(p + "mlp.down_proj.weight", new int[] {h, d.intermediateSize()});
        }
        m.put(dm + "model.norm.weight", new int[] {h});
        m.put(dm + "lm_head.weight", new int[] {d.numMultiTokenPred() * d.vocabSize(), h});
        m.put(dm + "task_loss_prediction_head.weight", new int[] {d.numMultiTokenPred(), h});
        return m;
    }
}
