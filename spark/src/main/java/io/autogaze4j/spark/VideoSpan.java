package io.autogaze4j.spark;

import java.io.Serial;
import java.io.Serializable;

/**
 * Consecutive clips of one video that one Spark task gazes: clips {@code firstClip .. firstClip + clips - 1}
 * of the sampled frames cut into clips of the job's clip length, and with {@code toEnd} every clip after
 * them too (the last span of a video reads to its end, so a low frame-count estimate loses no frame).
 *
 * @param video     the video's path as the input table gave it (a local path or a {@code file:} URI), its name in the output
 * @param firstClip index of the first clip
 * @param clips     number of clips planned for the span, at least 1
 * @param toEnd     whether the span goes on to the end of the video
 */
public record VideoSpan(String video, int firstClip, int clips, boolean toEnd) implements Serializable {
    @Serial
    private static final long serialVersionUID = 1L;

    public VideoSpan {
        if (video == null || firstClip < 0 || clips < 1) {
            throw new IllegalArgumentException(
                    "invalid span of " + video + ": first clip " + firstClip + ", " + clips + " clips");
        }
    }

    /** Index of the last planned clip. */
    public int lastClip() {
        return firstClip + clips - 1;
    }
}
