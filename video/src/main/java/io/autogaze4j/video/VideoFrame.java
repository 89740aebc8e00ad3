package io.autogaze4j.video;

import io.autogaze4j.model.preprocess.RgbFrame;

/**
 * One decoded frame of a {@link FrameSource}.
 *
 * @param index   position in the source, counting every frame from 0 (before any sampling)
 * @param seconds presentation time in seconds from the start of the source
 * @param image   the RGB pixels
 */
public record VideoFrame(int index, double seconds, RgbFrame image) {
    public VideoFrame {
        if (index < 0 || !(seconds >= 0)) {
            throw new IllegalArgumentException(
                    "frame index " + index + " and time " + seconds + " s must be non-negative");
        }
    }
}
