package io.autogaze4j.model;

import io.autogaze4j.tensor.Backend;
import io.autogaze4j.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The ShallowVideoConvNet plus connector: each frame {@code [3, H, W]} is squashed to the model's input
 * size (bicubic), patch-embedded, LayerNormed, run through the causal 3x3x3 trunk (+ ReLU), projected,
 * and given the learned position table. Output per frame: {@code [196, 192]} vision token embeddings.
 *
 * <p>All frames of all rows of a call go through each stage together (one matrix product per stage),
 * which keeps every core busy; each row's trunk history comes from its own {@link ConvCache}.
 */
final class VisionEncoder {
    /** Intermediate tensors of one frame, for parity tests (debug values, not a fixation trace); tokens are {@code [196, C]}. */
    record FrameIntermediates(
            Tensor input224, Tensor patchEmbed, Tensor layerNorm, Tensor trunk, Tensor outProj, Tensor embeddings) {}

    private final ModelWeights w;
    private final Backend backend;

    VisionEncoder(ModelWeights w, Backend backend) {
        this.w = w;
        this.backend = backend;
    }

    /** Embeds frames {@code [row][t]} ({@code [3, H, W]} each), advancing each row's cache by its frames. */
    Tensor[][] encode(Tensor[][] frames, ConvCache[] caches) {
        return run(frames, caches, null);
    }

    /** Embeds one frame keeping every intermediate. */
    FrameIntermediates intermediates(Tensor frame, ConvCache cache) {
        List<Tensor> keep = new ArrayList<>();
        Tensor e = run(new Tensor[][] {{frame}}, new ConvCache[] {cache}, keep)[0][0];
        return new FrameIntermediates(keep.get(0), keep.get(1), keep.get(2), keep.get(3), keep.get(4), e);
    }

    private Tensor[][] run(Tensor[][] frames, ConvCache[] caches, List<Tensor> keep) {
        int size = w.config.inputImageSize();
        int tokens = w.config.visionTokensPerFrame();
        int side = w.config.visionGridSide();
        int ks = w.config.vision().trunkSpatialKernelSize();
        List<Tensor> inputs = new ArrayList<>();
        for (Tensor[] row : frames) {
            for (Tensor f : row) {
                inputs.add(f.dim(1) == size && f.dim(2) == size ? f : backend.bicubicResize(f, size, size));
            }
        }
        Tensor patches =
                backend.patchEmbed(inputs, w.patchEmbed, w.config.vision().kernelSize());
        Tensor h = backend.layerNorm(patches, w.visionNormWeight, w.visionNormBias, 1e-5f);
        Tensor normed = h;
        for (int blk = 0; blk < w.trunk.size(); blk++) {
            Tensor[] perFrame = split(h, tokens);
            List<Tensor[]> windows = new ArrayList<>();
            int n = 0;
            for (int b = 0; b < frames.length; b++) {
                for (int t = 0; t < frames[b].length; t++, n++) {
                    windows.add(caches[b].window(blk, perFrame[n]));
                    caches[b].push(blk, perFrame[n]);
                }
            }
            h = backend.causalConv3d(windows, w.trunk.get(blk), ks, side, side);
            backend.reluInPlace(h);
        }
        Tensor projected = backend.linear(h, w.outProj);
        Tensor[] out = split(projected, tokens);
        Tensor pos = Tensor.wrap(w.posEmbed, tokens, w.config.vision().outDim());
        for (Tensor e : out) {
            backend.addInPlace(e, pos);
        }
        if (keep != null) {
            keep.addAll(List.of(inputs.get(0), patches, normed, h, projected));
        }
        Tensor[][] result = new Tensor[frames.length][];
        int n = 0;
        for (int b = 0; b < frames.length; b++) {
            result[b] = Arrays.copyOfRange(out, n, n + frames[b].length);
            n += frames[b].length;
        }
        return result;
    }

    /** Rows of {@code x} in consecutive groups of {@code tokens}, as separate tensors (copied in parallel). */
    private Tensor[] split(Tensor x, int tokens) {
        int width = x.dim(1);
        int n = x.dim(0) / tokens;
        Tensor[] parts = new Tensor[n];
        backend.forEachTask(
                n,
                i -> parts[i] = Tensor.wrap(
                        Arrays.copyOfRange(x.data(), i * tokens * width, (i + 1) * tokens * width), tokens, width));
        return parts;
    }
}
