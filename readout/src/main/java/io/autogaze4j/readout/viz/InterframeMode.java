package io.autogaze4j.readout.viz;

/** How {@link InterframeCanvas} treats pixels outside the gazed cells. */
public enum InterframeMode {
    /** They keep the canvas's previous pixel: exactly what a sparse model that only reads gazed cells has seen. */
    SPARSE,
    /** They move towards the current frame by the blend weight each frame (an exponential fade of stale content). */
    FULL_BLEND
}
