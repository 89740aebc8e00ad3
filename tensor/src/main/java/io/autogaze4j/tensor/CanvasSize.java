package io.autogaze4j.tensor;

/** The fixed canvas size shared by the {@link RectCompositor} implementations (base of the device versions too). */
public abstract class CanvasSize implements RectCompositor {
    private final int width;
    private final int height;

    /** A canvas of {@code width x height} pixels, both at least 1. */
    protected CanvasSize(int width, int height) {
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
