package io.autogaze4j.pipeline;

import io.autogaze4j.model.VideoClip;
import io.autogaze4j.model.preprocess.FrameSize;
import io.autogaze4j.model.preprocess.RgbFrame;
import io.autogaze4j.video.FrameSource;
import io.autogaze4j.video.VideoFrame;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Reads one video's frames and cuts them into {@link ClipRows}: consecutive clips of {@code clipLength} sampled frames
 * (the last one possibly shorter), each preprocessed into model rows. The official chunking of a long video into
 * independent 16-frame clips (spec section 5.1). Not thread-safe: one decoding thread reads one video.
 */
public final class VideoChunks {
    private final FrameSource source;
    private final int video;
    private final String videoId;
    private final Preprocessor preprocessor;
    private final int clipLength;
    private final boolean keepFrames;
    private FramePlan plan;
    private int clips;
    private int frames;

    /**
     * Clips of {@code source} (which the caller keeps and closes) for video number {@code video} named {@code videoId}.
     *
     * @param keepFrames whether the clips carry their decoded frames
     */
    public VideoChunks(
            FrameSource source,
            int video,
            String videoId,
            Preprocessor preprocessor,
            int clipLength,
            boolean keepFrames) {
        this.source = source;
        this.video = video;
        this.videoId = videoId;
        this.preprocessor = preprocessor;
        this.clipLength = clipLength;
        this.keepFrames = keepFrames;
    }

    /** The next clip, or empty at the end of the video. */
    public Optional<ClipRows> next() throws IOException, InterruptedException {
        long start = System.nanoTime();
        List<VideoFrame> read = new ArrayList<>(clipLength);
        while (read.size() < clipLength) {
            Optional<VideoFrame> f = source.next();
            if (f.isEmpty()) {
                break;
            }
            read.add(f.get());
        }
        long decoded = System.nanoTime();
        if (read.isEmpty()) {
            return Optional.empty();
        }
        List<RgbFrame> images = read.stream().map(VideoFrame::image).toList();
        FrameSize size = new FrameSize(images.get(0).width(), images.get(0).height());
        if (plan == null || !plan.source().equals(size)) {
            plan = preprocessor.plan(size);
        }
        VideoClip rows;
        try {
            rows = preprocessor.rows(images, plan);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    source.description() + ", frames " + read.get(0).index() + ".."
                            + read.get(read.size() - 1).index() + ": " + e.getMessage(),
                    e);
        }
        long processed = System.nanoTime();
        ClipRows clip = new ClipRows(
                video,
                videoId,
                clips,
                frames,
                read.stream().map(f -> new FrameStamp(f.index(), f.seconds())).toList(),
                keepFrames ? read : List.of(),
                plan,
                rows,
                new StageTimes(decoded - start, processed - decoded, 0, 0, 0));
        clips++;
        frames += read.size();
        return Optional.of(clip);
    }

    /** Clips read so far. */
    public int clips() {
        return clips;
    }

    /** Frames read so far. */
    public int frames() {
        return frames;
    }
}
