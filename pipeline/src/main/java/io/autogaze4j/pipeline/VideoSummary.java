package io.autogaze4j.pipeline;

import io.autogaze4j.readout.viz.RunMetrics;
import io.autogaze4j.video.DecodeStatus;
import java.util.Optional;

/**
 * How one video of a run went.
 *
 * @param video   position among the run's inputs
 * @param videoId its id
 * @param clips   clips gazed
 * @param frames  frames gazed (after sampling)
 * @param status  frames decoded against the container's declared count; {@link DecodeStatus#truncated()} when the
 *                file ended early (a WARNING, or with strict read options an error before this summary)
 * @param metrics the interframe metrics of the whole video, when the run computes them
 */
public record VideoSummary(
        int video, String videoId, int clips, int frames, DecodeStatus status, Optional<RunMetrics> metrics) {

    /** The same summary with the video's metrics. */
    public VideoSummary withMetrics(RunMetrics videoMetrics) {
        return new VideoSummary(video, videoId, clips, frames, status, Optional.of(videoMetrics));
    }
}
