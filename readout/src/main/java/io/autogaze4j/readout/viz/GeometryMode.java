package io.autogaze4j.readout.viz;

/** Which cells of a frame are drawn (see {@link MaskGeometry}). */
public enum GeometryMode {
    /** Every gazed cell as the model chose it. */
    NATIVE,
    /** Gazed cells, less those wholly covered by the union of the frame's chosen coarser cells. */
    DEDUPLICATED,
    /** Every gazed cell projected onto the grid of the finest scale gazed in the frame. */
    EFFECTIVE
}
