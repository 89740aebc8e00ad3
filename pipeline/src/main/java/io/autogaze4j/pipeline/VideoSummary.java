package io.autogaze4j.pipeline;

import io.autogaze4j.video.DecodeStatus;

/**
 * How one video of a run went.
 *
 * @param video   position among the run's inputs
 * @param videoId its id
 * @param clips   clips gazed
 * @param frames  frames gazed (after sampling)
 * @param status  frames decoded against the container's declared count; {@link DecodeStatus#truncated()} when the
 *                file ended early (a WARNING, or with strict read options an error before this summary)
 */
public record VideoSummary(int video, String videoId, int clips, int frames, DecodeStatus status) {
}
