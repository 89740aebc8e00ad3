package io.autogaze4j.pipeline;

import io.autogaze4j.model.VideoClip;
import io.autogaze4j.video.VideoFrame;
import java.util.List;

/**
 * One clip of one video (up to 16 consecutive sampled frames) preprocessed into model rows: one row, or one
 * row per AnyRes tile. The unit the {@link RowBatcher} packs into batches.
 *
 * @param video      position of the video among the run's inputs
 * @param videoId    the video's {@link VideoInput#id()}
 * @param clip       position of the clip in its video
 * @param firstFrame trace number of its first frame: sampled frames of the video counted from 0
 * @param stamps     source index and time of each frame
 * @param frames     the decoded frames, when the run keeps them (overlays, the patch-difference source); else empty
 * @param plan       how the frames became rows
 * @param input      the rows {@code [rows, T, 3, h, w]}: tile-major as {@code AnyResTiling} orders them
 * @param times      decode and preprocess time so far
 */
public record ClipRows(
        int video,
        String videoId,
        int clip,
        int firstFrame,
        List<FrameStamp> stamps,
        List<VideoFrame> frames,
        FramePlan plan,
        VideoClip input,
        StageTimes times) {

    public ClipRows {
        stamps = List.copyOf(stamps);
        frames = List.copyOf(frames);
        if (stamps.size() != input.frames() || (!frames.isEmpty() && frames.size() != stamps.size())) {
            throw new IllegalArgumentException("a clip of " + input.frames() + " frames needs as many stamps (got "
                    + stamps.size() + ") and none or as many frames (got " + frames.size() + ")");
        }
        if (input.batch() != plan.rows()) {
            throw new IllegalArgumentException(
                    "the plan makes " + plan.rows() + " rows per clip, the input has " + input.batch());
        }
    }

    /** Model rows of the clip. */
    public int rows() {
        return input.batch();
    }

    /** Frames in the clip. */
    public int frameCount() {
        return stamps.size();
    }

    /** Whether rows of {@code other} can share a batch with rows of this clip (same frames and row size). */
    public boolean batchesWith(ClipRows other) {
        return input.frames() == other.input.frames()
                && input.height() == other.input.height()
                && input.width() == other.input.width();
    }

    @Override
    public String toString() {
        return "ClipRows[" + videoId + " clip " + clip + ", frames " + firstFrame + ".."
                + (firstFrame + frameCount() - 1) + ", " + input + "]";
    }
}
