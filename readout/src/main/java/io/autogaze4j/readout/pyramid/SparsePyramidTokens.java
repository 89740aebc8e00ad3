package io.autogaze4j.readout.pyramid;

import io.autogaze4j.tensor.Tensor;

/**
 * The {@code k} heaviest pyramid tokens of each batch row, heaviest first (ties: lower index first).
 *
 * @param tokens  {@code [B, k, C]}
 * @param weights {@code [B, k, 1]}
 * @param indices {@code [B][k]} positions in the concatenated pyramid order of {@link PyramidTokens}
 */
public record SparsePyramidTokens(Tensor tokens, Tensor weights, int[][] indices) {}
