package io.autogaze4j.cli;

import io.autogaze4j.pipeline.FrameFacts;

/**
 * What the run knows of one gazed frame besides its fixations.
 *
 * @param facts the frame's trace fields (index, time, clip, size, slots)
 * @param png   the overlay file relative to the output directory, or null when none is written
 */
record FrameRecord(FrameFacts facts, String png) {}
