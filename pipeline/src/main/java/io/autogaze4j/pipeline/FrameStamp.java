package io.autogaze4j.pipeline;

/**
 * Where a gazed frame came from.
 *
 * @param index   its index in the source, counting every decoded frame from 0 (before sampling)
 * @param seconds its presentation time from the container (or index / fps for images and memory)
 */
public record FrameStamp(int index, double seconds) {}
