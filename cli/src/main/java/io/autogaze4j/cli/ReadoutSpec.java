package io.autogaze4j.cli;

import io.autogaze4j.readout.ReadoutOptions;
import io.autogaze4j.readout.SparseProjection;
import io.autogaze4j.readout.SparseVideoPatchGeometry;

/**
 * The readout the command writes: fixations projected onto a downstream video model's token grid of
 * {@code rows x cols} patches per frame and tubelets of {@code tubelet} frames, the {@code [N, 4]} video-token
 * coordinates {@code (clip, temporal, row, col)} written as {@code readout.npy} or into trace.json.
 *
 * @param rows    patch rows of the downstream grid
 * @param cols    patch columns
 * @param tubelet frames per tubelet (1 = every frame its own bin)
 * @param format  where the coordinates go
 */
record ReadoutSpec(int rows, int cols, int tubelet, Format format) {
    /**
     * Pixels per patch of the nominal frame the geometry is stated in (any value gives the same ids: rectangles are
     * normalised).
     */
    private static final int PATCH = 16;

    /** Where the coordinates go. */
    enum Format {
        /** {@code readout.npy}: int32 {@code [N, 4]}, NumPy format 1.0. */
        NPY,
        /** A {@code readout} block of trace.json with the coordinates inline. */
        JSON
    }

    /** The projection for clips of {@code clipLength} frames (a multiple of the tubelet). */
    SparseProjection projection(int clipLength) {
        return SparseProjection.video(
                new SparseVideoPatchGeometry(clipLength, rows * PATCH, cols * PATCH, tubelet, PATCH, PATCH),
                ReadoutOptions.defaults());
    }
}
