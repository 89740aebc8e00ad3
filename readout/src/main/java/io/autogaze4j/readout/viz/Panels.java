package io.autogaze4j.readout.viz;

import java.util.Arrays;
import java.util.List;

/** Lays pictures out side by side (input | mask | interframe output). */
public final class Panels {
    private Panels() {}

    /**
     * The panels left to right, top-aligned, {@code gap} pixels apart, on an opaque {@code background} that fills
     * the gaps and the space below shorter panels; panel pixels are composited over it by their alpha, so the
     * result is opaque.
     */
    public static ArgbImage sideBySide(List<ArgbImage> panels, int gap, int background) {
        if (panels.isEmpty()) {
            throw new IllegalArgumentException("no panels to lay out");
        }
        if (background >>> 24 != 0xFF) {
            throw new IllegalArgumentException(String.format("background must be opaque, got 0x%08X", background));
        }
        if (gap < 0) {
            throw new IllegalArgumentException("gap must be >= 0, got " + gap);
        }
        int w = gap * (panels.size() - 1);
        int h = 0;
        for (ArgbImage p : panels) {
            w += p.width();
            h = Math.max(h, p.height());
        }
        int[] out = new int[w * h];
        Arrays.fill(out, background);
        int x0 = 0;
        for (ArgbImage p : panels) {
            int[] src = p.pixels();
            for (int y = 0; y < p.height(); y++) {
                for (int x = 0; x < p.width(); x++) {
                    int s = src[y * p.width() + x];
                    out[y * w + x0 + x] = Argb.over(background, s);
                }
            }
            x0 += p.width() + gap;
        }
        return ArgbImage.wrap(w, h, out);
    }
}
