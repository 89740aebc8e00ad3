package io.autogaze4j.pipeline;

import java.util.List;

/**
 * What a finished run did.
 *
 * @param videos    each video, in input order
 * @param batchRows most rows per batch (the options' or the mask source's default)
 * @param batches   model calls
 * @param rows      model rows gazed
 * @param gazeNanos time inside the model calls
 * @param wallNanos time from the start of the run to its last packet
 */
public record PipelineSummary(
        List<VideoSummary> videos, int batchRows, int batches, long rows, long gazeNanos, long wallNanos) {

    public PipelineSummary {
        videos = List.copyOf(videos);
    }
}
