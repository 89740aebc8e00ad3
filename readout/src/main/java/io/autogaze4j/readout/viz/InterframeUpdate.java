package io.autogaze4j.readout.viz;

/**
 * The outcome of one {@link InterframeCanvas#update}.
 *
 * @param index         update number, from 0
 * @param keyframe      whether every pixel was refreshed
 * @param gazedPixels   pixels inside the union of the gazed cells' pixel rectangles
 * @param updatedPixels pixels refreshed from the current frame: all of them on a keyframe, else {@code gazedPixels}
 * @param output        the canvas after the update
 */
public record InterframeUpdate(int index, boolean keyframe, long gazedPixels, long updatedPixels, ArgbImage output) {}
