package io.autogaze4j.weights;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a checkpoint's weights say about the model's sizes (layer and block counts, widths, vocabulary, K),
 * compared with what its {@code config.json} says. A config that claims 3 decoder layers on 4-layer
 * weights would otherwise load the first 3 and gaze differently without a word.
 */
final class ConfigWeightsCheck {
    private static final Pattern DECODER_LAYER =
            Pattern.compile(Pattern.quote(ExpectedTensors.PREFIX + "gaze_decoder.model.layers.") + "(\\d+)\\..*");
    private static final Pattern VISION_BLOCK =
            Pattern.compile(Pattern.quote(ExpectedTensors.PREFIX + "vision_model.blocks.") + "(\\d+)\\..*");

    private ConfigWeightsCheck() {}

    /** Each size on which config and weights disagree, naming the config key, both numbers and the tensor. */
    static List<String> mismatches(Map<String, TensorInfo> weights, AutoGazeConfig c) {
        List<String> out = new ArrayList<>();
        DecoderConfig d = c.decoder();
        VisionConfig v = c.vision();
        String dm = ExpectedTensors.PREFIX + "gaze_decoder.";
        String vm = ExpectedTensors.PREFIX + "vision_model.";
        compareCount(
                out,
                "gaze_decoder_config.num_hidden_layers",
                d.numLayers(),
                indices(weights, DECODER_LAYER),
                "decoder layers");
        compareCount(
                out, "vision_model_config.depth", v.depth(), indices(weights, VISION_BLOCK), "vision trunk blocks");
        compareDim(
                out, weights, "gaze_decoder_config.hidden_size", d.hiddenSize(), dm + "model.embed_tokens.weight", 1);
        compareDim(
                out,
                weights,
                "vocabulary (num_vision_tokens_each_frame + 1)",
                d.vocabSize(),
                dm + "model.embed_tokens.weight",
                0);
        compareDim(
                out,
                weights,
                "gaze_decoder_config.num_multi_token_pred",
                d.numMultiTokenPred(),
                dm + "task_loss_prediction_head.weight",
                0);
        compareDim(
                out,
                weights,
                "gaze_decoder_config.intermediate_size",
                d.intermediateSize(),
                dm + "model.layers.0.mlp.gate_proj.weight",
                0);
        compareDim(
                out,
                weights,
                "num_attention_heads x head_dim",
                d.numHeads() * d.headDim(),
                dm + "model.layers.0.self_attn.q_proj.weight",
                0);
        compareDim(out, weights, "vision_model_config.hidden_dim", v.hiddenDim(), vm + "temporal_conv.weight", 0);
        compareDim(out, weights, "vision_model_config.kernel_size", v.kernelSize(), vm + "temporal_conv.weight", 3);
        compareDim(
                out,
                weights,
                "vision tokens per frame ((input_img_size / kernel_size)^2)",
                c.visionTokensPerFrame(),
                ExpectedTensors.PREFIX + "connector.pos_embed",
                0);
        return out;
    }

    /** The distinct layer indices among tensor names matching {@code pattern}. */
    private static TreeSet<Integer> indices(Map<String, TensorInfo> weights, Pattern pattern) {
        TreeSet<Integer> found = new TreeSet<>();
        for (String name : weights.keySet()) {
            Matcher m = pattern.matcher(name);
            if (m.matches() && m.group(1).length() < 10) {
                found.add(Integer.parseInt(m.group(1)));
            }
        }
        return found;
    }

    private static void compareCount(
            List<String> out, String key, int configured, TreeSet<Integer> found, String what) {
        int held = found.isEmpty() ? 0 : found.last() + 1;
        if (held != configured || found.size() != held) {
            out.add("config.json says " + key + " = " + configured + " but the weights hold " + found.size() + " "
                    + what + (found.isEmpty() ? "" : " (indices " + found.first() + ".." + found.last() + ")"));
        }
    }

    private static void compareDim(
            List<String> out, Map<String, TensorInfo> weights, String key, int configured, String tensor, int axis) {
        TensorInfo info = weights.get(tensor);
        if (info == null || info.shape().length <= axis) {
            return; // reported as a missing tensor or a wrong shape
        }
        int held = info.shape()[axis];
        if (held != configured) {
            out.add("config.json says " + key + " = " + configured + " but the weights have " + held + " (dimension "
                    + axis + " of '" + tensor + "' " + info.shapeString() + ")");
        }
    }
}
