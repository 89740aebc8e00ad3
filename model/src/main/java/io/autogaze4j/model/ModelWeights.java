package io.autogaze4j.model;

import io.autogaze4j.tensor.DecoderLayerWeights;
import io.autogaze4j.tensor.DecoderWeights;
import io.autogaze4j.tensor.LinearWeight;
import io.autogaze4j.tensor.RopeTable;
import io.autogaze4j.tensor.Tensor;
import io.autogaze4j.tensor.VisionWeights;
import io.autogaze4j.weights.AutoGazeConfig;
import io.autogaze4j.weights.Checkpoint;
import io.autogaze4j.weights.DecoderConfig;
import io.autogaze4j.weights.ExpectedTensors;
import io.autogaze4j.weights.SafetensorsException;
import io.autogaze4j.weights.SafetensorsFile;
import io.autogaze4j.weights.VisionConfig;
import java.util.ArrayList;
import java.util.List;

/**
 * All AutoGaze parameters, converted once into the layouts the kernels read (linear weights
 * transposed to {@code [in, out]}, conv kernels flattened in im2col order). Immutable after loading.
 */
final class ModelWeights {
    final AutoGazeConfig config;
    final LinearWeight patchEmbed;
    final float[] visionNormWeight;
    final float[] visionNormBias;
    final List<LinearWeight> trunk;
    final LinearWeight outProj;
    final float[] posEmbed;
    /** The vision fields above as one value, for backends that run the whole encoder ({@code Backend.openVision}). */
    final VisionWeights vision;

    final float[] embedTokens;
    final DecoderWeights decoder;

    private ModelWeights(AutoGazeConfig config, SafetensorsFile w) throws SafetensorsException {
        this.config = config;
        VisionConfig v = config.vision();
        String vm = ExpectedTensors.PREFIX + "vision_model.";
        int hid = v.hiddenDim();
        int patchIn = 3 * v.kernelSize() * v.kernelSize();
        patchEmbed = LinearWeight.fromTorch(
                w.floats(vm + "temporal_conv.weight"), hid, patchIn, w.floats(vm + "temporal_conv.bias"));
        visionNormWeight = w.floats(vm + "norm.weight");
        visionNormBias = w.floats(vm + "norm.bias");
        trunk = new ArrayList<>();
        for (int b = 0; b < v.depth(); b++) {
            trunk.add(trunkWeight(
                    w.floats(vm + "blocks." + b + ".conv3d.weight"),
                    w.floats(vm + "blocks." + b + ".conv3d.bias"),
                    hid,
                    v.trunkTemporalKernelSize(),
                    v.trunkSpatialKernelSize()));
        }
        outProj = LinearWeight.fromTorch(
                w.floats(vm + "out_proj.weight"), v.outDim(), hid, w.floats(vm + "out_proj.bias"));
        posEmbed = w.floats(ExpectedTensors.PREFIX + "connector.pos_embed");
        vision = new VisionWeights(
                config.inputImageSize(),
                v.kernelSize(),
                patchEmbed,
                visionNormWeight,
                visionNormBias,
                VisionEncoder.NORM_EPS,
                trunk,
                v.trunkTemporalKernelSize(),
                v.trunkSpatialKernelSize(),
                outProj,
                posEmbed);
        DecoderConfig d = config.decoder();
        String dm = ExpectedTensors.PREFIX + "gaze_decoder.";
        embedTokens = w.floats(dm + "model.embed_tokens.weight");
        int h = d.hiddenSize();
        int qkv = d.numHeads() * d.headDim();
        List<DecoderLayerWeights> layers = new ArrayList<>();
        for (int l = 0; l < d.numLayers(); l++) {
            String p = dm + "model.layers." + l + ".";
            layers.add(new DecoderLayerWeights(
                    w.floats(p + "input_layernorm.weight"),
                    LinearWeight.fromTorch(w.floats(p + "self_attn.q_proj.weight"), qkv, h, null),
                    LinearWeight.fromTorch(w.floats(p + "self_attn.k_proj.weight"), qkv, h, null),
                    LinearWeight.fromTorch(w.floats(p + "self_attn.v_proj.weight"), qkv, h, null),
                    LinearWeight.fromTorch(w.floats(p + "self_attn.o_proj.weight"), h, qkv, null),
                    w.floats(p + "post_attention_layernorm.weight"),
                    LinearWeight.fromTorch(w.floats(p + "mlp.gate_proj.weight"), d.intermediateSize(), h, null),
                    LinearWeight.fromTorch(w.floats(p + "mlp.up_proj.weight"), d.intermediateSize(), h, null),
                    LinearWeight.fromTorch(w.floats(p + "mlp.down_proj.weight"), h, d.intermediateSize(), null)));
        }
        var r = d.rope();
        RopeTable rope = r.isLlama3()
                ? RopeTable.llama3(
                        d.headDim(),
                        r.theta(),
                        r.factor(),
                        r.lowFreqFactor(),
                        r.highFreqFactor(),
                        r.originalMaxPositionEmbeddings())
                : RopeTable.standard(d.headDim(), r.theta());
        decoder = new DecoderWeights(
                h,
                d.numHeads(),
                d.headDim(),
                d.rmsNormEps(),
                rope,
                layers,
                w.floats(dm + "model.norm.weight"),
                LinearWeight.fromTorch(w.floats(dm + "lm_head.weight"), d.numMultiTokenPred() * d.vocabSize(), h, null),
                LinearWeight.fromTorch(
                        w.floats(dm + "task_loss_prediction_head.weight"), d.numMultiTokenPred(), h, null));
    }

    /** The gaze-token embedding table {@code [vocab, hidden]} (the same array every call, so devices upload it once). */
    Tensor embeddingTable() {
        return Tensor.wrap(embedTokens, embedTokens.length / decoder.hidden(), decoder.hidden());
    }

    /** Embeddings of gaze token ids, {@code [ids.length, hidden]}. */
    Tensor embedTokens(int[] ids) {
        int hidden = decoder.hidden();
        float[] out = new float[ids.length * hidden];
        for (int i = 0; i < ids.length; i++) {
            System.arraycopy(embedTokens, ids[i] * hidden, out, i * hidden, hidden);
        }
        return Tensor.wrap(out, ids.length, hidden);
    }

    static ModelWeights load(Checkpoint checkpoint) throws SafetensorsException {
        return new ModelWeights(checkpoint.config(), checkpoint.weights());
    }

    /** Conv3d weight {@code [out, in, kt, ks, ks]} to im2col layout {@code [(dt, dy, dx, c), out]}. */
    private static LinearWeight trunkWeight(float[] w, float[] bias, int ch, int kt, int ks) {
        int in = kt * ks * ks * ch;
        float[] packed = new float[in * ch];
        for (int o = 0; o < ch; o++) {
            for (int c = 0; c < ch; c++) {
                for (int dt = 0; dt < kt; dt++) {
                    for (int dy = 0; dy < ks; dy++) {
                        for (int dx = 0; dx < ks; dx++) {
                            int row = ((dt * ks + dy) * ks + dx) * ch + c;
                            packed[row * ch + o] = w[(((o * ch + c) * kt + dt) * ks + dy) * ks + dx];
                        }
                    }
                }
            }
        }
        return LinearWeight.fromInOut(packed, in, ch, bias);
    }
}
