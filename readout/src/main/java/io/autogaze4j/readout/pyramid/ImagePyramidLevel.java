package io.autogaze4j.readout.pyramid;

/**
 * One level of an image pyramid: the image average-pooled to {@code height x width} cells.
 *
 * @param height cell rows (>= 1)
 * @param width  cell columns (>= 1)
 */
public record ImagePyramidLevel(int height, int width) {

    public ImagePyramidLevel {
        if (height < 1 || width < 1) {
            throw new IllegalArgumentException(
                    "image pyramid level dimensions must be nonzero and positive, got " + height + "x" + width);
        }
    }

    /** Cells of the level. */
    public int cells() {
        return height * width;
    }
}
