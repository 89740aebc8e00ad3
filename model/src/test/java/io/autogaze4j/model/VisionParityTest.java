package io.autogaze4j.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.autogaze4j.tensor.DecoderHeads;
import io.autogaze4j.tensor.DecoderSession;
import io.autogaze4j.tensor.Tensor;
import io.autogaze4j.weights.SafetensorsFile;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The vision encoder, connector and frame-0 prefill against the official model's tensors. */
class VisionParityTest {

    /** The model under test; the OpenCL twin of this test overrides it. */
    AutoGaze model(String name) {
        return Fixtures.model(name);
    }

    private static final float TOL = 1e-4f;

    private static void assertClose(Tensor expected, Tensor actual, float tol, String what) {
        float d = expected.maxAbsDiff(actual);
        assertTrue(d <= tol, what + ": max abs difference " + d + " > " + tol);
    }

    /** Frame 0's prefill: 196 vision tokens at positions 0..195, all valid. */
    private static DecoderHeads prefillFrameZero(AutoGaze model, Tensor embeds, List<Tensor> layerOutputs) {
        int[] positions = new int[196];
        byte[] mask = new byte[196];
        for (int i = 0; i < 196; i++) {
            positions[i] = i;
            mask[i] = 1;
        }
        try (DecoderSession s = model.backend().openDecoder(model.weights().decoder, 1, 256, 4096)) {
            return s.forward(embeds, 196, new int[][] {positions}, new byte[][] {mask}, layerOutputs);
        }
    }

    @Test
    void square2fIntermediatesMatch() throws Exception {
        AutoGaze model = model("model_k10");
        try (SafetensorsFile f = Fixtures.open("square_2f")) {
            VideoClip clip = VideoClip.of(Fixtures.tensor(f, "video"));
            Tensor squashed = Fixtures.tensor(f, "gazing_model_video");
            Tensor stemConv = Fixtures.tensor(f, "stem_conv");
            Tensor stemNorm = Fixtures.tensor(f, "stem_norm");
            Tensor trunk = Fixtures.tensor(f, "trunk_block_0");
            Tensor visionOut = Fixtures.tensor(f, "vision_out");
            Tensor embeds = Fixtures.tensor(f, "video_embeds");
            ConvCache cache = new ConvCache(1, 3);
            for (int t = 0; t < clip.frames(); t++) {
                VisionEncoder.FrameIntermediates tr = model.encoder().intermediates(clip.frame(0, t), cache);
                int size = 3 * 224 * 224;
                Tensor expectedInput = Tensor.wrap(
                        java.util.Arrays.copyOfRange(squashed.data(), t * size, (t + 1) * size), 3, 224, 224);
                assertClose(expectedInput, tr.input224(), 1e-5f, "model input frame " + t);
                assertClose(Fixtures.tokensOf(stemConv, 0, t), tr.patchEmbed(), TOL, "stem_conv frame " + t);
                assertClose(Fixtures.tokensOf(stemNorm, 0, t), tr.layerNorm(), TOL, "stem_norm frame " + t);
                assertClose(Fixtures.tokensOf(trunk, 0, t), tr.trunk(), TOL, "trunk_block_0 frame " + t);
                assertClose(Fixtures.tokensOf(visionOut, 0, t), tr.outProj(), TOL, "vision_out frame " + t);
                assertClose(Fixtures.frameOf(embeds, 0, t), tr.embeddings(), TOL, "video_embeds frame " + t);
            }
            assertClose(embeds, model.embed(clip), TOL, "embed(clip)");
        }
    }

    @Test
    void k1VideoEmbedsMatch() throws Exception {
        AutoGaze model = model("model_k1");
        try (SafetensorsFile f = Fixtures.open("k1_3f")) {
            VideoClip clip = VideoClip.of(Fixtures.tensor(f, "video"));
            assertClose(Fixtures.tensor(f, "video_embeds"), model.embed(clip), TOL, "k1_3f video_embeds");
        }
    }

    @Test
    void frameZeroPrefillLogitsMatch() throws Exception {
        AutoGaze model = model("model_k10");
        try (SafetensorsFile f = Fixtures.open("square_2f")) {
            VideoClip clip = VideoClip.of(Fixtures.tensor(f, "video"));
            Tensor embeds = model.embed(clip.frames(0, 1));
            DecoderHeads heads = prefillFrameZero(model, Fixtures.frameOf(embeds, 0, 0), null);
            Tensor logits = Fixtures.tensor(f, "step0_logits");
            Tensor taskLoss = Fixtures.tensor(f, "step0_task_loss");
            assertClose(logits, heads.logits().reshape(logits.shape()), TOL, "step0_logits");
            assertClose(taskLoss, heads.taskLoss().reshape(taskLoss.shape()), TOL, "step0_task_loss");
        }
    }

    @Test
    void prefillHiddenStatesMatchPerLayer() throws Exception {
        AutoGaze model = model("model_mtp1");
        try (SafetensorsFile f = Fixtures.open("square_2f_mtp1")) {
            VideoClip clip = VideoClip.of(Fixtures.tensor(f, "input.video"));
            Tensor hidden = Fixtures.tensor(f, "decoder.prefill0.hidden_states");
            Tensor embeds = Fixtures.frameOf(model.embed(clip.frames(0, 1)), 0, 0);
            List<Tensor> outs = new ArrayList<>();
            prefillFrameZero(model, embeds, outs);
            assertEquals(5, outs.size());
            int per = 196 * 192;
            for (int l = 0; l < 6; l++) {
                Tensor expected =
                        Tensor.wrap(java.util.Arrays.copyOfRange(hidden.data(), l * per, (l + 1) * per), 196, 192);
                Tensor actual = l == 0 ? embeds : outs.get(l - 1);
                // residual stream values grow with depth; 1e-4 relative to their scale
                float scale = 0;
                for (float v : expected.data()) {
                    scale = Math.max(scale, Math.abs(v));
                }
                assertClose(expected, actual, Math.max(TOL, scale * 2e-6f), "prefill hidden state " + l);
            }
        }
    }
}
