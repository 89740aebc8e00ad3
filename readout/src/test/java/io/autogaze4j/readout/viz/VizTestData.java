package io.autogaze4j.readout.viz;

import io.autogaze4j.model.ScaleLayout;
import io.autogaze4j.readout.Fixation;
import io.autogaze4j.readout.FrameTrace;
import io.autogaze4j.readout.NormRect;
import java.util.ArrayList;
import java.util.List;

/** Hand-made fixations and pictures for the visualisation tests. */
final class VizTestData {
    static final ScaleLayout LAYOUT = DifferenceMaskSource.OFFICIAL_LAYOUT;

    private VizTestData() {}

    /** An untiled fixation of cell (row, col) at {@code scale} of the official layout, in frame {@code frame}. */
    static Fixation fix(int frame, int scale, int row, int col) {
        int g = LAYOUT.grid(scale);
        NormRect rect =
                new NormRect((double) col / g, (double) row / g, (double) (col + 1) / g, (double) (row + 1) / g);
        return new Fixation(frame, LAYOUT.id(scale, row, col), scale, row, col, g, -1, rect, Double.NaN);
    }

    /** Frame 0 with cells given as {scale, row, col} triples. */
    static FrameTrace frame(int[]... cells) {
        List<Fixation> f = new ArrayList<>();
        for (int[] c : cells) {
            f.add(fix(0, c[0], c[1], c[2]));
        }
        return new FrameTrace(0, f);
    }

    /** Native mask cells of {scale, row, col} triples. */
    static List<MaskCell> cells(int[]... cells) {
        return MaskGeometry.cells(frame(cells), List.of(), GeometryMode.NATIVE);
    }

    /** A picture whose pixel (x, y) is an opaque colour made from x and y (no two neighbours alike). */
    static ArgbImage gradient(int w, int h) {
        int[] p = new int[w * h];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                p[y * w + x] = Argb.opaque(x * 7 + 3, y * 11 + 5, (x * y) % 251);
            }
        }
        return ArgbImage.of(w, h, p);
    }

    /** A black {@code size x size} frame with a white square of side {@code side} at (x, y). */
    static ArgbImage square(int size, int x, int y, int side) {
        int[] p = new int[size * size];
        java.util.Arrays.fill(p, 0xFF000000);
        for (int yy = y; yy < y + side; yy++) {
            for (int xx = x; xx < x + side; xx++) {
                p[yy * size + xx] = 0xFFFFFFFF;
            }
        }
        return ArgbImage.of(size, size, p);
    }
}
