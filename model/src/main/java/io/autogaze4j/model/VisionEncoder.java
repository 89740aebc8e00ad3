package io.autogaze4j.model;

import io.autogaze4j.tensor.Backend;
import io.autogaze4j.tensor.Tensor;

/**
 * The ShallowVideoConvNet plus connector: each frame {@code [3, H, W]} is squashed to the model's input
 * size (bicubic), patch-embedded, LayerNormed, run through the causal 3x3x3 trunk (+ ReLU), projected,
 * and given the learned position table. Output per frame: {@code [196, 192]} vision token embeddings.
 */
final class VisionEncoder {
    /** Intermediate tensors of one frame, for parity tests; tokens are {@code [196, C]}. */
    record FrameTrace(Tensor input224, Tensor patchEmbed, Tensor layerNorm, Tensor trunk, Tensor outProj, Tensor embeddings) {
    }

    private final ModelWeights w;
    private final Backend backend;

    VisionEncoder(ModelWeights w, Backend backend) {
        this.w = w;
        this.backend = backend;
    }

    /** Embeds one frame, advancing {@code cache} by one frame. */
    Tensor encode(Tensor frame, ConvCache cache) {
        return trace(frame, cache).embeddings();
    }

    /** Like {@link #encode} but keeps every intermediate. */
    FrameTrace trace(Tensor frame, ConvCache cache) {
        int size = w.config.inputImageSize();
        Tensor x = frame.dim(1) == size && frame.dim(2) == size ? frame : backend.bicubicResize(frame, size, size);
        Tensor patches = backend.patchEmbed(x, w.patchEmbed, w.config.vision().kernelSize());
        Tensor normed = backend.layerNorm(patches, w.visionNormWeight, w.visionNormBias, 1e-5f);
        int side = w.config.visionGridSide();
        int ks = w.config.vision().trunkSpatialKernelSize();
        Tensor h = normed;
        for (int b = 0; b < w.trunk.size(); b++) {
            Tensor out = backend.causalConv3d(cache.window(b, h), w.trunk.get(b), ks, side, side);
            backend.reluInPlace(out);
            cache.push(b, h);
            h = out;
        }
        Tensor trunkOut = h;
        Tensor projected = backend.linear(trunkOut, w.outProj);
        Tensor embeddings = projected.copy();
        backend.addInPlace(embeddings, Tensor.wrap(w.posEmbed, embeddings.shape()));
        return new FrameTrace(x, patches, normed, trunkOut, projected, embeddings);
    }
}
