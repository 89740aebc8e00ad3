package io.autogaze4j.readout;

/**
 * The pixel geometry of a downstream video model (VideoMAE / V-JEPA tubelet embedding): a clip of
 * {@code frames} frames of {@code height x width} pixels cut into tubelets of {@code tubeletSize}
 * consecutive frames and {@code patchHeight x patchWidth} pixels. Its token grid is
 * {@link #readoutGrid()}; every division must be exact, checked at construction in the reference's order
 * and with its messages.
 *
 * @param frames       frames of the clip (a multiple of {@code tubeletSize})
 * @param height       frame height in pixels (a multiple of {@code patchHeight})
 * @param width        frame width in pixels (a multiple of {@code patchWidth})
 * @param tubeletSize  frames per tubelet
 * @param patchHeight  patch height in pixels
 * @param patchWidth   patch width in pixels
 */
public record SparseVideoPatchGeometry(
        int frames, int height, int width, int tubeletSize, int patchHeight, int patchWidth) {

    public SparseVideoPatchGeometry {
        require(frames > 0, "sparse video frame count must be nonzero and positive, got " + frames);
        require(
                height > 0 && width > 0,
                "sparse video dimensions must be nonzero and positive, got " + height + "x" + width);
        require(tubeletSize > 0, "sparse video tubelet size must be nonzero and positive, got " + tubeletSize);
        require(
                patchHeight > 0 && patchWidth > 0,
                "sparse video patch dimensions must be nonzero and positive, got " + patchHeight + "x" + patchWidth);
        require(
                frames % tubeletSize == 0,
                "video frames (" + frames + ") must be divisible by sparse video tubelet size (" + tubeletSize + ")");
        require(
                height % patchHeight == 0,
                "video height (" + height + ") must be divisible by sparse video patch height (" + patchHeight + ")");
        require(
                width % patchWidth == 0,
                "video width (" + width + ") must be divisible by sparse video patch width (" + patchWidth + ")");
        new SparseVideoReadoutGrid(frames / tubeletSize, height / patchHeight, width / patchWidth); // size check
    }

    /** Square patches of {@code patch x patch} pixels (reference {@code square_patch}). */
    public static SparseVideoPatchGeometry squarePatch(int frames, int height, int width, int tubeletSize, int patch) {
        return new SparseVideoPatchGeometry(frames, height, width, tubeletSize, patch, patch);
    }

    /** The token grid: {@code frames/tubeletSize x height/patchHeight x width/patchWidth}. */
    public SparseVideoReadoutGrid readoutGrid() {
        return new SparseVideoReadoutGrid(frames / tubeletSize, height / patchHeight, width / patchWidth);
    }

    /** The spatial grid of one bin (the image grid of one frame). */
    public SparseReadoutGrid frameGrid() {
        return new SparseReadoutGrid(height / patchHeight, width / patchWidth);
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }
}
