package io.autogaze4j.spark;

import io.autogaze4j.readout.Fixation;
import java.util.List;
import java.util.Optional;

/**
 * One gazed frame of a video, as the CLI's {@code trace.json} describes it: what a {@link SpanGazer} hands back.
 *
 * @param frame       position among the gazed frames of the video (trace.json {@code frames[].frame})
 * @param sourceIndex index of the frame in the video, before sampling
 * @param seconds     presentation time in the video
 * @param clip        the clip (model call) of the video it was gazed in
 * @param width       frame width in pixels
 * @param height      frame height in pixels
 * @param slots       token slots of the frame over all its tiles, padding included
 * @param padded      of those, padding (the frame stopped early: task-loss requirement met)
 * @param fixations   the gazed cells in trace order, rectangles on the source frame
 * @param readout     the downstream patch-grid tokens the cells cover, in selection order, when a readout grid is set
 */
public record GazedFrame(
        int frame,
        int sourceIndex,
        double seconds,
        int clip,
        int width,
        int height,
        int slots,
        int padded,
        List<Fixation> fixations,
        Optional<List<Integer>> readout) {
    public GazedFrame {
        fixations = List.copyOf(fixations);
        readout = readout.map(List::copyOf);
    }
}
