package io.autogaze4j.pipeline;

import io.autogaze4j.model.VideoClip;
import java.util.List;

/**
 * Rows of one or more clips (of one or more videos) gazed in one model call: every slice's rows in order,
 * stacked into one input {@code [rows, T, 3, h, w]}.
 *
 * @param slices the clips' rows, in batch order
 * @param input  their rows stacked
 */
public record RowBatch(List<RowSlice> slices, VideoClip input) {

    public RowBatch {
        slices = List.copyOf(slices);
        if (slices.isEmpty()) {
            throw new IllegalArgumentException("a batch needs at least one slice of rows");
        }
        int rows = slices.stream().mapToInt(RowSlice::rows).sum();
        if (rows != input.batch()) {
            throw new IllegalArgumentException("slices hold " + rows + " rows, the input " + input.batch());
        }
    }

    /** The batch of {@code slices}, their rows copied into one input (or the clip's own input when it is one whole clip). */
    public static RowBatch of(List<RowSlice> slices) {
        if (slices.size() == 1 && slices.get(0).wholeClip()) {
            return new RowBatch(slices, slices.get(0).clip().input());
        }
        return new RowBatch(slices, RowStacking.stack(slices));
    }

    /** Rows in the batch. */
    public int rows() {
        return input.batch();
    }
}
