package io.autogaze4j.pipeline;

import java.util.Optional;

/**
 * A run that failed: the video (when one is to blame) and the cause, e.g. a {@code VideoDecodeException} naming the
 * file and frame, or an {@link IllegalArgumentException} for frames the model cannot take.
 */
public class PipelineException extends RuntimeException {
    private final String videoId;

    /** A failure of video {@code videoId} (null when no single video is to blame). */
    public PipelineException(String videoId, Throwable cause) {
        super((videoId != null ? videoId + ": " : "") + message(cause), cause);
        this.videoId = videoId;
    }

    /** The video being read when it failed. */
    public Optional<String> videoId() {
        return Optional.ofNullable(videoId);
    }

    private static String message(Throwable cause) {
        return cause.getMessage() != null ? cause.getMessage() : cause.toString();
    }
}
