package io.autogaze4j.readout;

import java.util.List;

/**
 * The fixations of one frame in trace order: the order the model gazed them (for tiled frames, tile by
 * tile in tile order, each in its gazing order).
 *
 * @param frame     frame index (absolute)
 * @param fixations the non-padding fixations, in trace order
 */
public record FrameTrace(int frame, List<Fixation> fixations) {

    public FrameTrace {
        if (frame < 0) {
            throw new IllegalArgumentException("frame index must be >= 0, got " + frame);
        }
        fixations = List.copyOf(fixations);
        for (Fixation f : fixations) {
            if (f.frame() != frame) {
                throw new IllegalArgumentException("fixation of frame " + f.frame() + " listed under frame " + frame);
            }
        }
    }
}
