package io.autogaze4j.video;

import io.autogaze4j.model.preprocess.FrameSize;
import io.autogaze4j.model.preprocess.ImageProcessor;
import io.autogaze4j.model.preprocess.RgbFrame;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Reads frames from a {@link FrameSource} and preprocesses them into {@link FrameClip}s of up to
 * {@code clipLength} frames (16 = the official model's limit); a long video becomes consecutive clips,
 * the last one possibly shorter. Immutable and thread-safe; the state lives in the source.
 *
 * <pre>{@code
 * ClipBuilder clips = ClipBuilder.of(ImageProcessor.of(model.preprocessor()));
 * try (FrameSource video = FrameSampling.builder().firstFrames(64).build().apply(FrameSources.open(path))) {
 *     for (Optional<FrameClip> c = clips.next(video); c.isPresent(); c = clips.next(video)) {
 *         GazeResult gaze = model.gaze(c.get().clip(), options);
 *     }
 * }
 * }</pre>
 */
public final class ClipBuilder {
    /** Most frames per clip the official model takes. */
    public static final int MAX_CLIP_LENGTH = 16;

    private final ImageProcessor processor;
    private final int clipLength;

    private ClipBuilder(ImageProcessor processor, int clipLength) {
        if (clipLength < 1 || clipLength > MAX_CLIP_LENGTH) {
            throw new IllegalArgumentException(
                    "clip length must be in [1, " + MAX_CLIP_LENGTH + "], got " + clipLength);
        }
        this.processor = processor;
        this.clipLength = clipLength;
    }

    /** Clips of 16 frames processed by {@code processor}. */
    public static ClipBuilder of(ImageProcessor processor) {
        return new ClipBuilder(processor, MAX_CLIP_LENGTH);
    }

    /** The same builder making clips of at most {@code frames} frames. */
    public ClipBuilder clipLength(int frames) {
        return new ClipBuilder(processor, frames);
    }

    public int clipLength() {
        return clipLength;
    }

    public ImageProcessor processor() {
        return processor;
    }

    /** The next clip of up to {@link #clipLength()} frames, or empty when the source is exhausted. */
    public Optional<FrameClip> next(FrameSource source) throws IOException {
        List<RgbFrame> images = new ArrayList<>(clipLength);
        int[] indices = new int[clipLength];
        double[] seconds = new double[clipLength];
        while (images.size() < clipLength) {
            Optional<VideoFrame> f = source.next();
            if (f.isEmpty()) {
                break;
            }
            RgbFrame image = f.get().image();
            if (!images.isEmpty()
                    && (image.width() != images.get(0).width()
                            || image.height() != images.get(0).height())) {
                throw new IllegalArgumentException(
                        "frame " + f.get().index() + " of " + source.description() + " is " + image.width()
                                + "x" + image.height() + " but the frames before it are "
                                + images.get(0).width() + "x" + images.get(0).height()
                                + ": all frames of a video must have one size");
            }
            indices[images.size()] = f.get().index();
            seconds[images.size()] = f.get().seconds();
            images.add(image);
        }
        if (images.isEmpty()) {
            return Optional.empty();
        }
        int n = images.size();
        FrameSize size = new FrameSize(images.get(0).width(), images.get(0).height());
        return Optional.of(new FrameClip(
                processor.process(images),
                java.util.Arrays.copyOf(indices, n),
                java.util.Arrays.copyOf(seconds, n),
                size));
    }

    /**
     * All clips of the source. Fails with a {@link VideoDecodeException} if it holds no frame at all.
     * Holds every processed frame in memory: for long videos prefer {@link #next} in a loop.
     */
    public List<FrameClip> readAll(FrameSource source) throws IOException {
        List<FrameClip> out = new ArrayList<>();
        for (Optional<FrameClip> c = next(source); c.isPresent(); c = next(source)) {
            out.add(c.get());
        }
        if (out.isEmpty()) {
            throw new VideoDecodeException(
                    source.description() + " yielded no frames (empty video, or the sampling selected none)");
        }
        return out;
    }
}
