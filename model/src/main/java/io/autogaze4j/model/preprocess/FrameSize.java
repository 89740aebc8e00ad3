package io.autogaze4j.model.preprocess;

/**
 * A frame size in pixels.
 *
 * @param width  columns
 * @param height rows
 */
public record FrameSize(int width, int height) {
    public FrameSize {
        RgbFrame.checkSize(width, height);
    }

    @Override
    public String toString() {
        return width + "x" + height;
    }
}
