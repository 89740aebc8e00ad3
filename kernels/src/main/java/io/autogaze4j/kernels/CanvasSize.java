package io.autogaze4j.kernels;

/** The fixed canvas size and the argument checks shared by the {@link RectCompositor} implementations. */
abstract class CanvasSize implements RectCompositor {
    private final int width;
    private final int height;

    CanvasSize(int width, int height) {
        if (width < 1 || height < 1) {
            throw new IllegalArgumentException("canvas " + width + "x" + height);
        }
        this.width = width;
        this.height = height;
    }

    @Override
    public final int width() {
        return width;
    }

    @Override
    public final int height() {
        return height;
    }
}
