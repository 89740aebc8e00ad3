package io.autogaze4j.pipeline;

/**
 * Where the time of one clip went, in nanoseconds of the thread that did the work. Stages overlap in a
 * pipeline (the next clip decodes while this one gazes), so the sum exceeds the wall time.
 *
 * @param decode     decoding its frames
 * @param preprocess resizing, normalising and tiling them (wall time of the parallel work)
 * @param gaze       its share of the model calls of the batches its rows ran in (batch time x its rows / batch rows)
 * @param finish     building its traces and readout
 * @param batchRows  rows of the (first) batch its rows ran in
 */
public record StageTimes(long decode, long preprocess, long gaze, long finish, int batchRows) {

    /** The same times with another gaze share and batch size. */
    public StageTimes withGaze(long gazeNanos, int rows) {
        return new StageTimes(decode, preprocess, gazeNanos, finish, rows);
    }

    /** The same times with the finishing time set. */
    public StageTimes withFinish(long finishNanos) {
        return new StageTimes(decode, preprocess, gaze, finishNanos, batchRows);
    }
}
