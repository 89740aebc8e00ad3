package io.autogaze4j.tensor;

/** {@link RectCompositor} in plain Java: the reference for the device version. */
final class CpuRectCompositor extends CanvasSize {
    private final int[] canvas;

    CpuRectCompositor(int width, int height) {
        super(width, height);
        this.canvas = new int[width * height];
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
                int at = y * width() + rects[r];
                System.arraycopy(frame, at, canvas, at, rects[r + 2] - rects[r]);
            }
        }
    }

    @Override
    public int[] canvas() {
        return canvas.clone();
    }

    @Override
    public void close() {}
}
