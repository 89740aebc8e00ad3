package io.autogaze4j.spark;

import io.autogaze4j.pipeline.FrameFacts;
import io.autogaze4j.readout.Fixation;
import java.util.List;
import java.util.Optional;

/**
 * One gazed frame of a video, as the CLI's {@code trace.json} describes it: what a {@link SpanGazer} hands back.
 *
 * @param facts       the frame's trace.json fields (index in the video, time, clip, size, slots)
 * @param fixations   the gazed cells in trace order, rectangles on the source frame
 * @param readout     the downstream patch-grid tokens the cells cover, in selection order, when a readout grid is set
 */
public record GazedFrame(FrameFacts facts, List<Fixation> fixations, Optional<List<Integer>> readout) {
    public GazedFrame {
        fixations = List.copyOf(fixations);
        readout = readout.map(List::copyOf);
    }
}
