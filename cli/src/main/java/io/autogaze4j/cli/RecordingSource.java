package io.autogaze4j.cli;

import io.autogaze4j.video.FrameSource;
import io.autogaze4j.video.VideoFrame;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * A frame source seen by the run: it keeps the frames handed out since the last {@link #takeFrames()}
 * (the overlays need the original pixels, which a clip only holds preprocessed), adds up the time spent
 * decoding, and can show the first frame ahead ({@link #peek()}) so its size is checked before anything
 * big is allocated.
 */
final class RecordingSource implements FrameSource {
    private final FrameSource source;
    private final List<VideoFrame> taken = new ArrayList<>();
    private Optional<VideoFrame> ahead;
    private long decodeNanos;

    RecordingSource(FrameSource source) {
        this.source = source;
    }

    /** The next frame without consuming it. */
    Optional<VideoFrame> peek() throws IOException {
        if (ahead == null) {
            ahead = decode();
        }
        return ahead;
    }

    @Override
    public Optional<VideoFrame> next() throws IOException {
        Optional<VideoFrame> f = peek();
        ahead = null;
        f.ifPresent(taken::add);
        return f;
    }

    private Optional<VideoFrame> decode() throws IOException {
        long t0 = System.nanoTime();
        try {
            return source.next();
        } finally {
            decodeNanos += System.nanoTime() - t0;
        }
    }

    /** The frames handed out since the last call, in order. */
    List<VideoFrame> takeFrames() {
        List<VideoFrame> out = List.copyOf(taken);
        taken.clear();
        return out;
    }

    /** Nanoseconds spent decoding since the last call. */
    long takeDecodeNanos() {
        long n = decodeNanos;
        decodeNanos = 0;
        return n;
    }

    @Override
    public OptionalInt frameCount() {
        return source.frameCount();
    }

    @Override
    public String description() {
        return source.description();
    }

    @Override
    public void close() throws IOException {
        source.close();
    }
}
