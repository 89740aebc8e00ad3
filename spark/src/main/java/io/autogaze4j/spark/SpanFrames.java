package io.autogaze4j.spark;

import io.autogaze4j.video.DecodeStatus;
import io.autogaze4j.video.FrameSource;
import io.autogaze4j.video.VideoFrame;
import java.io.IOException;
import java.util.Optional;

/**
 * The frames of one {@link VideoSpan}: a video's sampled frames from {@code skip} on, at most {@code limit} of
 * them (or all, for a span that reads to the end). Skipping decodes the frames before the span (sources cannot
 * seek). Closing it closes the video.
 */
final class SpanFrames implements FrameSource {
    private final FrameSource video;
    private final int skip;
    private final long limit;
    private boolean skipped;
    private long taken;

    /** Frames {@code skip ..} of {@code video}, at most {@code limit} ({@link Long#MAX_VALUE}: to the end). */
    SpanFrames(FrameSource video, int skip, long limit) {
        this.video = video;
        this.skip = skip;
        this.limit = limit;
    }

    /** The frames of {@code span}, clips of {@code clipLength} frames, in the sampled frames of {@code video}. */
    static SpanFrames of(FrameSource video, VideoSpan span, int clipLength) {
        return new SpanFrames(
                video, span.firstClip() * clipLength, span.toEnd() ? Long.MAX_VALUE : (long) span.clips() * clipLength);
    }

    @Override
    public Optional<VideoFrame> next() throws IOException {
        if (!skipped) {
            skipped = true;
            for (int i = 0; i < skip; i++) {
                if (video.next().isEmpty()) {
                    return Optional.empty();
                }
            }
        }
        if (taken >= limit) {
            return Optional.empty();
        }
        Optional<VideoFrame> f = video.next();
        f.ifPresent(x -> taken++);
        return f;
    }

    @Override
    public DecodeStatus status() {
        return video.status();
    }

    @Override
    public String description() {
        return video.description();
    }

    @Override
    public void close() throws IOException {
        video.close();
    }
}
