package io.autogaze4j.video;

import java.io.IOException;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * A sequence of RGB frames read one at a time: a decoded video file, a folder of images, or frames in
 * memory. Make one with {@link FrameSources}; close it to release the file it reads.
 *
 * <pre>{@code
 * try (FrameSource video = FrameSources.open(Path.of("clip.mp4"))) {
 *     for (Optional<VideoFrame> f = video.next(); f.isPresent(); f = video.next()) { ... }
 * }
 * }</pre>
 */
public interface FrameSource extends AutoCloseable {

    /** The next frame, or empty at the end. */
    Optional<VideoFrame> next() throws IOException;

    /**
     * How many frames {@link #next()} yields in all, when the source knows it up front (video files
     * from their sample table, image folders from their file count); empty when unknown. For progress
     * reports: a damaged file may end early.
     */
    default OptionalInt frameCount() {
        return OptionalInt.empty();
    }

    /**
     * Frames decoded so far against the declared count, for the truncation report of a run. Sources that
     * cannot end early (memory, image folders) report no declared count.
     */
    default DecodeStatus status() {
        return DecodeStatus.unknown(0, false);
    }

    /** What is being read (a path, or "memory"), for messages. */
    String description();

    /** Releases the underlying file; further reads fail. */
    @Override
    void close() throws IOException;
}
