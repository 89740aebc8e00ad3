package io.autogaze4j.tensor;

import java.util.List;

/**
 * Everything a {@link VisionSession} needs to run the vision encoder and connector of one checkpoint: the patch stem,
 * its LayerNorm, the causal trunk blocks, the output projection and the learned position table.
 *
 * @param inputSize      side of the square model input in pixels (224)
 * @param patch          side of a patch of the stem (16), so a frame has {@code (inputSize / patch)^2} tokens
 * @param patchEmbed     stem {@code [3 * patch * patch, hidden]} (input order c, y, x)
 * @param normWeight     LayerNorm gamma {@code [hidden]}
 * @param normBias       LayerNorm beta {@code [hidden]}
 * @param normEps        LayerNorm epsilon
 * @param trunk          causal trunk convolutions in order, each {@code [(dt, dy, dx, c), hidden]}, each followed by ReLU
 * @param temporalKernel frames each trunk convolution sees (the current one and {@code temporalKernel - 1} before it)
 * @param spatialKernel  side of each trunk convolution's spatial kernel (zero padding {@code spatialKernel / 2})
 * @param outProj        projection {@code [hidden, out]}
 * @param posEmbed       position table {@code [tokens, out]}, row {@code y * side + x}
 */
public record VisionWeights(
        int inputSize,
        int patch,
        LinearWeight patchEmbed,
        float[] normWeight,
        float[] normBias,
        float normEps,
        List<LinearWeight> trunk,
        int temporalKernel,
        int spatialKernel,
        LinearWeight outProj,
        float[] posEmbed) {
    public VisionWeights {
        trunk = List.copyOf(trunk);
        int tokens = patch > 0 ? (inputSize / patch) * (inputSize / patch) : 0;
        if (patch <= 0 || inputSize % patch != 0 || posEmbed.length != (long) tokens * outProj.out()) {
            throw new IllegalArgumentException("vision weights: input " + inputSize + " px in patches of " + patch
                    + " needs a position table of " + tokens + " x " + outProj.out() + " values, got "
                    + posEmbed.length);
        }
    }

    /** Tokens per side of a frame's grid ({@code inputSize / patch}). */
    public int gridSide() {
        return inputSize / patch;
    }

    /** Tokens per frame. */
    public int tokens() {
        return gridSide() * gridSide();
    }

    /** Width of the stem and the trunk. */
    public int hidden() {
        return patchEmbed.out();
    }
}
