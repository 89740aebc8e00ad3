package io.autogaze4j.video;

import io.autogaze4j.model.VideoClip;
import io.autogaze4j.model.preprocess.FrameSize;

/**
 * Consecutive frames of a source, preprocessed into one model input, with what is needed to map gaze
 * back onto the original frames.
 *
 * @param clip       the preprocessed frames {@code [1, T, 3, H', W']}
 * @param indices    source index of each frame
 * @param seconds    presentation time of each frame
 * @param sourceSize the frames' size before preprocessing (cell rectangles are scaled to it)
 */
public record FrameClip(VideoClip clip, int[] indices, double[] seconds, FrameSize sourceSize) {

    public FrameClip {
        indices = indices.clone();
        seconds = seconds.clone();
        if (indices.length != clip.frames() || seconds.length != clip.frames()) {
            throw new IllegalArgumentException(
                    "a clip of " + clip.frames() + " frames needs as many indices and times");
        }
    }

    @Override
    public int[] indices() {
        return indices.clone();
    }

    @Override
    public double[] seconds() {
        return seconds.clone();
    }

    /** Number of frames. */
    public int frames() {
        return indices.length;
    }

    @Override
    public String toString() {
        return "FrameClip[" + clip + ", frames " + indices[0] + ".." + indices[indices.length - 1] + " of " + sourceSize
                + "]";
    }
}
