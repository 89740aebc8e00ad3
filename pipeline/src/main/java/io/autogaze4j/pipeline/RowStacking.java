package io.autogaze4j.pipeline;

import io.autogaze4j.model.VideoClip;
import java.util.List;

/** Copies rows of several clips into one batch input. */
final class RowStacking {
    private RowStacking() {}

    /** The rows of {@code slices} stacked in order, {@code [rows, T, 3, h, w]}; all clips must batch together. */
    static VideoClip stack(List<RowSlice> slices) {
        ClipRows first = slices.get(0).clip();
        int frames = first.input().frames(),
                h = first.input().height(),
                w = first.input().width();
        int perRow = frames * 3 * h * w;
        int rows = slices.stream().mapToInt(RowSlice::rows).sum();
        if ((long) rows * perRow > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException(rows + " rows of " + frames + " frames of " + w + "x" + h
                    + " do not fit one batch:" + " use smaller batches");
        }
        float[] data = new float[rows * perRow];
        int at = 0;
        for (RowSlice s : slices) {
            if (!s.clip().batchesWith(first)) {
                throw new IllegalArgumentException(s.clip() + " cannot share a batch with " + first);
            }
            s.clip().input().copyRows(s.from(), s.to(), data, at);
            at += s.rows() * perRow;
        }
        return VideoClip.of(data, rows, frames, h, w);
    }
}
