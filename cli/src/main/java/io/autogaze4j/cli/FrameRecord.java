package io.autogaze4j.cli;

/**
 * What the run knows of one gazed frame besides its fixations.
 *
 * @param frame       position among the gazed frames (the trace's frame index)
 * @param sourceIndex index of the frame in the input, before sampling
 * @param seconds     presentation time in the input
 * @param clip        the model call (clip) it was gazed in
 * @param width       frame width in pixels
 * @param height      frame height in pixels
 * @param slots       token slots of the frame, over all tiles, padding included
 * @param padded      of those, padding (the frame stopped early: task-loss requirement met)
 * @param png         the overlay file relative to the output directory, or null when none is written
 */
record FrameRecord(
        int frame,
        int sourceIndex,
        double seconds,
        int clip,
        int width,
        int height,
        int slots,
        int padded,
        String png) {}
