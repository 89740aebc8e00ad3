package io.autogaze4j.readout.viz;

/** The reference {@link RectCompositor}: row copies, plus a coverage pass when the outside is blended. */
public final class CpuRectCompositor implements RectCompositor {

    @Override
    public void compose(int[] canvas, int[] frame, int width, int height, int[] rects, int outsideWeight) {
        if (canvas.length != width * height || frame.length != width * height) {
            throw new IllegalArgumentException("canvas and frame must hold " + width + "x" + height + " pixels, got "
                    + canvas.length + " and " + frame.length);
        }
        if (rects.length % 4 != 0) {
            throw new IllegalArgumentException("rectangles come as 4 ints each, got " + rects.length + " ints");
        }
        if (outsideWeight < 0 || outsideWeight > 255) {
            throw new IllegalArgumentException("outside weight must be in 0..255, got " + outsideWeight);
        }
        if (outsideWeight > 0) {
            boolean[] inside = PixelCoverage.of(rects, width, height).mask();
            for (int i = 0; i < canvas.length; i++) {
                if (!inside[i]) {
                    canvas[i] = Argb.blend(canvas[i], frame[i], outsideWeight);
                }
            }
        }
        for (int k = 0; k < rects.length; k += 4) {
            PixelCoverage.check(rects, k, width, height);
            int x0 = rects[k];
            int n = rects[k + 2] - x0;
            for (int y = rects[k + 1]; y < rects[k + 3]; y++) {
                System.arraycopy(frame, y * width + x0, canvas, y * width + x0, n);
            }
        }
    }
}
