package io.autogaze4j.video;

import io.autogaze4j.model.preprocess.RgbFrame;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.IntFunction;

/** Frames held in memory, made on demand by index, at a given frame rate. */
final class MemoryFrameSource implements FrameSource {
    private final int count;
    private final IntFunction<RgbFrame> frame;
    private final double fps;
    private final String description;
    private int index;

    MemoryFrameSource(int count, IntFunction<RgbFrame> frame, double fps, String description) {
        FrameSources.checkFps(fps);
        this.count = count;
        this.frame = frame;
        this.fps = fps;
        this.description = description;
    }

    static MemoryFrameSource of(List<RgbFrame> frames, double fps) {
        List<RgbFrame> copy = List.copyOf(frames);
        return new MemoryFrameSource(copy.size(), copy::get, fps, copy.size() + " frames in memory");
    }

    @Override
    public Optional<VideoFrame> next() {
        if (index >= count) {
            return Optional.empty();
        }
        int i = index++;
        return Optional.of(new VideoFrame(i, i / fps, frame.apply(i)));
    }

    @Override
    public OptionalInt frameCount() {
        return OptionalInt.of(count);
    }

    @Override
    public String description() {
        return description;
    }

    @Override
    public void close() {
        index = count;
    }
}
