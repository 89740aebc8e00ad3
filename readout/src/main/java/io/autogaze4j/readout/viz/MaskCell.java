package io.autogaze4j.readout.viz;

import io.autogaze4j.model.tiling.PixelRect;
import io.autogaze4j.readout.NormRect;

/**
 * One cell to draw or composite: its rectangle on the (source) frame and the scale whose colour it takes.
 * {@link MaskGeometry} makes them from fixations.
 *
 * @param scale scale index, 0 = coarsest
 * @param rect  normalised half-open rectangle on the frame
 */
public record MaskCell(int scale, NormRect rect) {

    public MaskCell {
        if (scale < 0) {
            throw new IllegalArgumentException("scale must be >= 0, got " + scale);
        }
        if (rect == null) {
            throw new IllegalArgumentException("rectangle must be given");
        }
    }

    /** Pixel rectangle on a {@code width x height} frame ({@link NormRect#pixelRect}). */
    public PixelRect pixelRect(int width, int height) {
        return rect.pixelRect(width, height);
    }
}
