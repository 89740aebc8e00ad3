package io.autogaze4j.tensor;

/**
 * The interframe output of gaze visualisation (spec 5.3): an RGBA canvas that starts as a key frame and
 * then, frame by frame, takes the pixels of the current frame inside the gazed rectangles only.
 * Pixels are packed RGBA ints, rows of {@code width} pixels. {@link #cpu} is the reference twin of
 * the device versions that backends give through {@link Backend#compositor}; all give identical canvases.
 * The caller closes a compositor (before the backend that gave it).
 */
public interface RectCompositor extends AutoCloseable {

    /** The plain-Java compositor. */
    static RectCompositor cpu(int width, int height) {
        return new CpuRectCompositor(width, height);
    }

    /** Canvas width in pixels. */
    int width();

    /** Canvas height in pixels. */
    int height();

    /** Starts over from a key frame: the canvas becomes {@code frame}. */
    void keyFrame(int[] frame);

    /**
     * Copies the rectangles of {@code frame} given as {@code rects[4r..4r+3] = x0, y0, x1, y1} (end-exclusive,
     * as {@code GazeCell.pixelRect} gives them) into the canvas.
     */
    void update(int[] frame, int[] rects);

    /** The current canvas. */
    int[] canvas();

    @Override
    void close();

    /** Checks sizes and rectangle bounds, shared by the implementations. */
    static void check(RectCompositor c, int[] frame, int[] rects) {
        if (frame.length != c.width() * c.height()) {
            throw new IllegalArgumentException(
                    "frame has " + frame.length + " pixels, the canvas " + c.width() + "x" + c.height());
        }
        if (rects == null) {
            return;
        }
        if (rects.length % 4 != 0) {
            throw new IllegalArgumentException("rectangles need 4 ints each, got " + rects.length);
        }
        for (int r = 0; r < rects.length; r += 4) {
            if (rects[r] < 0
                    || rects[r + 1] < 0
                    || rects[r + 2] > c.width()
                    || rects[r + 3] > c.height()
                    || rects[r] >= rects[r + 2]
                    || rects[r + 1] >= rects[r + 3]) {
                throw new IllegalArgumentException("rectangle " + r / 4 + " (" + rects[r] + ", " + rects[r + 1] + ", "
                        + rects[r + 2] + ", " + rects[r + 3] + ") is empty or outside " + c.width() + "x" + c.height());
            }
        }
    }
}
