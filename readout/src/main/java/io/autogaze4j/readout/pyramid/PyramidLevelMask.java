package io.autogaze4j.readout.pyramid;

import io.autogaze4j.tensor.Tensor;

/**
 * The mask of one pyramid level.
 *
 * @param level   the level
 * @param density {@code [Bm, 1, h, w]} the conformed mask average-pooled to the level, in {@code [0, 1]}
 * @param active  {@code [Bm, 1, h, w]} 1 where the density is above the threshold, else 0
 */
public record PyramidLevelMask(ImagePyramidLevel level, Tensor density, Tensor active) {}
