package io.autogaze4j.readout.pyramid;

import io.autogaze4j.tensor.Tensor;
import java.util.List;

/**
 * Density-weighted tokens of a masked image pyramid: level by level in input order, row-major inside a level.
 *
 * @param tokens      {@code [B, N, C]}: each cell's average-pooled (unmasked) image times its weight
 * @param weights     {@code [B, N, 1]}: the cell's mask density where above the threshold, else 0
 * @param levels      the levels
 * @param levelStarts {@code [levels + 1]} offsets: level {@code i} owns tokens {@code [levelStarts[i], levelStarts[i+1])}
 */
public record PyramidTokens(Tensor tokens, Tensor weights, List<ImagePyramidLevel> levels, List<Integer> levelStarts) {

    public PyramidTokens {
        levels = List.copyOf(levels);
        levelStarts = List.copyOf(levelStarts);
    }
}
