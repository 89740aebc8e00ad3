package io.autogaze4j.pipeline;

import io.autogaze4j.video.FrameSampling;
import io.autogaze4j.video.FrameSource;
import io.autogaze4j.video.FrameSources;
import io.autogaze4j.video.VideoReadOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * One video for a {@link VideoPipeline}: a name for its packets and a way to open its frames. The pipeline
 * opens it on a decoding thread when its turn comes and closes it when it is read.
 *
 * <pre>{@code
 * VideoInput a = VideoInput.file(Path.of("a.mp4"));
 * VideoInput b = VideoInput.of("camera-2", () -> FrameSources.rgba(bytes, 640, 480, 32, 30));
 * }</pre>
 *
 * @param id     the name packets carry (a path, a key of a corpus)
 * @param opener opens the frames; called once
 */
public record VideoInput(String id, Opener opener) {

    /** Opens a {@link FrameSource}; the pipeline closes it. */
    @FunctionalInterface
    public interface Opener {
        /**
         * Opens the frames with the pipeline's read options (decoder, decoder threads, strictness), which
         * sources that are not files ignore.
         */
        FrameSource open(VideoReadOptions read) throws IOException;
    }

    public VideoInput {
        if (id == null || opener == null) {
            throw new IllegalArgumentException("a video input needs an id and an opener");
        }
    }

    /** A video file, or a folder of images at {@link FrameSources#DEFAULT_FPS}, every frame. */
    public static VideoInput file(Path path) {
        return file(path, FrameSampling.all());
    }

    /** A video file or image folder, the frames {@code sampling} picks. */
    public static VideoInput file(Path path, FrameSampling sampling) {
        return new VideoInput(
                path.toString(),
                read -> sampling.apply(
                        Files.isDirectory(path)
                                ? FrameSources.imageFolder(path, FrameSources.DEFAULT_FPS)
                                : FrameSources.video(path, read)));
    }

    /** Frames from any source (memory, RGBA buffers, a custom decoder); read options are ignored. */
    public static VideoInput of(String id, SourceSupplier source) {
        return new VideoInput(id, read -> source.get());
    }

    /** Supplies a {@link FrameSource}. */
    @FunctionalInterface
    public interface SourceSupplier {
        /** The frames. */
        FrameSource get() throws IOException;
    }
}
