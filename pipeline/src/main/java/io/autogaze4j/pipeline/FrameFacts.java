package io.autogaze4j.pipeline;

import io.autogaze4j.model.GazeResult;

/**
 * What a run knows of one gazed frame besides its fixations: the per-frame fields of the CLI's {@code trace.json}
 * and of the Spark table's rows, derived from a {@link ClipPacket} in one place.
 *
 * @param frame       position among the gazed frames (the trace's frame index)
 * @param sourceIndex index of the frame in the input, before sampling
 * @param seconds     presentation time in the input
 * @param clip        the model call (clip) it was gazed in
 * @param width       frame width in pixels
 * @param height      frame height in pixels
 * @param slots       token slots of the frame, over all tiles, padding included
 * @param padded      of those, padding (the frame stopped early: task-loss requirement met)
 */
public record FrameFacts(
        int frame, int sourceIndex, double seconds, int clip, int width, int height, int slots, int padded) {

    /** The facts of frame {@code t} (relative to the clip) of {@code packet}, numbered {@code frame} in clip {@code clip}. */
    public static FrameFacts of(ClipPacket packet, int t, int frame, int clip) {
        GazeResult result = packet.result();
        FrameStamp stamp = packet.stamps().get(t);
        return new FrameFacts(
                frame,
                stamp.index(),
                stamp.seconds(),
                clip,
                packet.plan().source().width(),
                packet.plan().source().height(),
                result.slots(t),
                result.paddedSlots(t));
    }
}
