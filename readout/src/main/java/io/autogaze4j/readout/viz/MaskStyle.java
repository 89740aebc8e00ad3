package io.autogaze4j.readout.viz;

/** How {@link MaskRenderer} draws a frame's cells. Every style fills whole pixel rectangles, no smoothing. */
public enum MaskStyle {
    /** One frame-sized panel per scale, stacked top to bottom (scale 0 on top), each showing only that scale's cells. */
    SCALE_ROWS,
    /** The union footprint of all cells on an opaque background, each pixel in the colour of the finest cell covering it. */
    OVERLAY,
    /** The frame with the footprint alpha-blended over it; pixels outside every cell keep the frame's pixel. */
    IMAGE_OVERLAY,
    /** The footprint, opaque, and fully transparent elsewhere. */
    MASK_ONLY
}
