package io.autogaze4j.pipeline;

import io.autogaze4j.model.VideoClip;
import java.util.List;

/** Stacks rows of several clips into one batch input. */
final class RowStacking {
    private RowStacking() {}

    /** The rows of {@code slices} stacked in order, {@code [rows, T, 3, h, w]}; all clips must batch together. */
    static VideoClip stack(List<RowSlice> slices) {
        ClipRows first = slices.get(0).clip();
        for (RowSlice s : slices) {
            if (!s.clip().batchesWith(first)) {
                throw new IllegalArgumentException(s.clip() + " cannot share a batch with " + first);
            }
        }
        return VideoClip.stack(slices.stream()
                .map(s -> new VideoClip.RowRange(s.clip().input(), s.from(), s.to()))
                .toList());
    }
}
