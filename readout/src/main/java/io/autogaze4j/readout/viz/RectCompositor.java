package io.autogaze4j.readout.viz;

/**
 * Updates a canvas from a frame inside pixel rectangles: the one operation {@link InterframeCanvas} needs,
 * kept behind this interface so an accelerated implementation can replace {@link CpuRectCompositor}.
 * Implementations must give exactly the pixels of the CPU one.
 */
public interface RectCompositor extends AutoCloseable {

    /**
     * Updates {@code canvas} in place: a pixel inside any of the rectangles becomes the frame's pixel; a pixel
     * outside all of them becomes {@code Argb.blend(canvas, frame, outsideWeight)} ({@code outsideWeight = 0}
     * leaves it unchanged).
     *
     * @param canvas        {@code width * height} ARGB pixels, row-major; written
     * @param frame         {@code width * height} ARGB pixels of the current frame; only read
     * @param rects         {@code 4 * n} ints, rectangle {@code i} being {@code [x0, y0, x1, y1)} at {@code 4 * i},
     *                      inside the frame and non-empty (they may overlap)
     * @param outsideWeight blend weight {@code 0..255} for pixels outside every rectangle
     */
    void compose(int[] canvas, int[] frame, int width, int height, int[] rects, int outsideWeight);

    /** Frees what the compositor holds (nothing for the CPU one). */
    @Override
    default void close() {
    }
}
