package io.autogaze4j.cli;

import io.autogaze4j.model.preprocess.RgbFrame;
import io.autogaze4j.readout.Fixation;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferInt;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Draws a frame's gaze: pixels outside every gazed cell are dimmed, each gazed cell is outlined in its
 * scale's colour (coarse scales first, so fine cells stay visible on top). Pixels are set directly, so
 * edges are crisp: no smoothing or resampling.
 */
final class GazeOverlay {
    /** Outline colour per scale, coarsest first (2x2, 4x4, 7x7, 14x14 for the official model); repeats past 4 scales. */
    static final int[] SCALE_COLOURS = {0x2F80ED, 0x27AE60, 0xF2C94C, 0xEB5757};
    /** Brightness kept outside the gazed cells. */
    private static final int DIM_NUMERATOR = 1;
    private static final int DIM_DENOMINATOR = 3;

    private GazeOverlay() {
    }

    /** The colour of scale {@code scale}. */
    static int colour(int scale) {
        return SCALE_COLOURS[scale % SCALE_COLOURS.length];
    }

    /**
     * The overlay image of {@code frame} with its {@code fixations} (rectangles on this frame) of a model
     * with {@code scales} scales. Outlines are thicker the coarser the scale, so a coarse cell stays visible
     * under the fine cells drawn over it.
     */
    static BufferedImage render(RgbFrame frame, List<Fixation> fixations, int scales) {
        int w = frame.width(), h = frame.height();
        BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        int[] out = ((DataBufferInt) image.getRaster().getDataBuffer()).getData();
        byte[] rgb = frame.rgb();
        boolean[] gazed = new boolean[w * h];
        for (Fixation f : fixations) {
            int[] r = f.rect().pixelRect(w, h);
            for (int y = r[1]; y < r[3]; y++) {
                Arrays.fill(gazed, y * w + r[0], y * w + r[2], true);
            }
        }
        for (int i = 0; i < w * h; i++) {
            int red = rgb[3 * i] & 0xFF, green = rgb[3 * i + 1] & 0xFF, blue = rgb[3 * i + 2] & 0xFF;
            if (!gazed[i]) {
                red = red * DIM_NUMERATOR / DIM_DENOMINATOR;
                green = green * DIM_NUMERATOR / DIM_DENOMINATOR;
                blue = blue * DIM_NUMERATOR / DIM_DENOMINATOR;
            }
            out[i] = red << 16 | green << 8 | blue;
        }
        int line = Math.max(1, Math.min(w, h) / 360);
        for (Fixation f : fixations.stream().sorted(Comparator.comparingInt(Fixation::scale)).toList()) {
            outline(out, w, f.rect().pixelRect(w, h), line * (scales - f.scale()), colour(f.scale()));
        }
        return image;
    }

    /** A {@code line}-px frame just inside the rectangle {@code [x0, y0, x1, y1)}. */
    private static void outline(int[] out, int w, int[] r, int line, int colour) {
        int x0 = r[0], y0 = r[1], x1 = r[2], y1 = r[3];
        int t = Math.min(line, Math.min(x1 - x0, y1 - y0));
        for (int y = y0; y < y1; y++) {
            boolean edgeRow = y < y0 + t || y >= y1 - t;
            for (int x = x0; x < x1; x++) {
                if (edgeRow || x < x0 + t || x >= x1 - t) {
                    out[y * w + x] = colour;
                }
            }
        }
    }
}
