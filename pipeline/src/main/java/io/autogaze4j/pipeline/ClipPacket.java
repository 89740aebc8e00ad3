package io.autogaze4j.pipeline;

import io.autogaze4j.model.GazeResult;
import io.autogaze4j.readout.GazeTrace;
import io.autogaze4j.readout.ImageReadout;
import io.autogaze4j.readout.VideoReadout;
import io.autogaze4j.readout.viz.FrameMetrics;
import io.autogaze4j.video.VideoFrame;
import java.util.List;
import java.util.Optional;

/**
 * What the pipeline hands out for one clip, in input order: the gaze, its fixation trace on the source frames, the
 * readout on a downstream model's tokens when a projection is configured, and where the time went. Writers
 * (trace.json, overlays, viz) live in {@code readout} and the CLI; this is data only.
 *
 * @param video        position of the video among the run's inputs
 * @param videoId      the video's {@link VideoInput#id()}
 * @param clip         position of the clip in its video
 * @param firstFrame   trace number of its first frame (sampled frames of the video counted from 0)
 * @param stamps       source index and time of each frame
 * @param frames       the decoded frames when the run keeps them ({@link PipelineOptions#keepFrames()}), else empty
 * @param plan         how the frames became model rows (resize or tiles)
 * @param result       the model's result for the clip's rows (tile-major when tiled), frames numbered from 0
 * @param trace        the fixations on the source frames, frames numbered from {@code firstFrame}, clip {@code clip}
 * @param imageReadout image-grid tokens of the clip, when a projection is configured
 * @param videoReadout video-token ids and coordinates, when the projection has a video geometry and the clip's frames
 *                     are whole tubelets (its geometry then spans the clip's own frame count)
 * @param metrics      each frame's interframe metrics when the run computes them ({@link PipelineOptions#metrics()}),
 *                     else empty
 * @param times        decode, preprocess, gaze and finishing time of the clip
 */
public record ClipPacket(
        int video,
        String videoId,
        int clip,
        int firstFrame,
        List<FrameStamp> stamps,
        List<VideoFrame> frames,
        FramePlan plan,
        GazeResult result,
        GazeTrace trace,
        Optional<ImageReadout> imageReadout,
        Optional<VideoReadout> videoReadout,
        List<FrameMetrics> metrics,
        StageTimes times) {

    public ClipPacket {
        stamps = List.copyOf(stamps);
        frames = List.copyOf(frames);
        metrics = List.copyOf(metrics);
    }

    /** The same packet with its frames' metrics. */
    public ClipPacket withMetrics(List<FrameMetrics> frameMetrics) {
        return new ClipPacket(
                video,
                videoId,
                clip,
                firstFrame,
                stamps,
                frames,
                plan,
                result,
                trace,
                imageReadout,
                videoReadout,
                frameMetrics,
                times);
    }

    /** Frames in the clip. */
    public int frameCount() {
        return stamps.size();
    }
}
