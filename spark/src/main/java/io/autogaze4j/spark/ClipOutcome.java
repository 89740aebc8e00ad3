package io.autogaze4j.spark;

import java.util.List;
import java.util.Optional;

/**
 * What became of one clip of a {@link VideoSpan}: its gazed frames, or why it could not be gazed.
 *
 * @param video  the video's name in the output
 * @param clip   the clip's index in the video
 * @param frames its gazed frames in order (empty when it failed)
 * @param error  why it failed, naming the video and the clip; empty when it was gazed
 */
public record ClipOutcome(String video, int clip, List<GazedFrame> frames, Optional<String> error) {
    public ClipOutcome {
        frames = List.copyOf(frames);
    }

    /** A gazed clip. */
    public static ClipOutcome gazed(String video, int clip, List<GazedFrame> frames) {
        return new ClipOutcome(video, clip, frames, Optional.empty());
    }

    /** A clip that failed. */
    public static ClipOutcome failed(String video, int clip, String error) {
        return new ClipOutcome(video, clip, List.of(), Optional.of(error));
    }
}
