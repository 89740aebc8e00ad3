package io.autogaze4j.kernels;

/** {@link RectCompositor} in plain Java: the reference for the device version. */
final class CpuRectCompositor implements RectCompositor {
    private final int width;
    private final int height;
    private final int[] canvas;

    CpuRectCompositor(int width, int height) {
        if (width < 1 || height < 1) {
            throw new IllegalArgumentException("canvas " + width + "x" + height);
        }
        this.width = width;
        this.height = height;
        this.canvas = new int[width * height];
    }

    @Override
    public int width() {
        return width;
    }

    @Override
    public int height() {
        return height;
    }

    @Override
    public void keyFrame(int[] frame) {
        RectCompositor.check(this, frame, null);
        System.arraycopy(frame, 0, canvas, 0, canvas.length);
    }

    @Override
    public void update(int[] frame, int[] rects) {
        RectCompositor.check(this, frame, rects);
        for (int r = 0; r < rects.length; r += 4) {
            for (int y = rects[r + 1]; y < rects[r + 3]; y++) {
                int at = y * width + rects[r];
                System.arraycopy(frame, at, canvas, at, rects[r + 2] - rects[r]);
            }
        }
    }

    @Override
    public int[] canvas() {
        return canvas.clone();
    }

    @Override
    public void close() {
    }
}
