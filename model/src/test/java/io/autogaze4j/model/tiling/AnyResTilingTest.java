package io.autogaze4j.model.tiling;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.autogaze4j.model.GazeResult;
import io.autogaze4j.model.ScaleLayout;
import io.autogaze4j.model.VideoClip;
import io.autogaze4j.model.preprocess.FrameSize;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Geometry of 224-px AnyRes tiling on a 1920x1080 frame: layout, zero padding, cell rectangles. */
class AnyResTilingTest {
    static final ScaleLayout LAYOUT = ScaleLayout.of(new int[] {32, 64, 112, 224}, new int[] {2, 4, 7, 14});
    final AnyResTiling hd = AnyResTiling.of(new FrameSize(1920, 1080), 224);

    @Test
    void layoutOfA1080pFrame() {
        assertEquals(5, hd.rows());
        assertEquals(9, hd.cols());
        assertEquals(45, hd.tilesPerFrame());
        assertEquals(new FrameSize(2016, 1120), hd.padded());
        assertEquals(44, hd.tileIndex(4, 8));
        assertEquals(new PixelRect(0, 0, 224, 224), hd.tileRect(0));
        assertEquals(new PixelRect(224 * 8, 224 * 4, 1920, 1080), hd.tileRect(44));
        assertEquals(new PixelRect(224 * 3, 224, 224 * 4, 448), hd.tileRect(hd.tileIndex(1, 3)));
        assertThrows(IllegalArgumentException.class, () -> hd.tileIndex(5, 0));
        assertThrows(IllegalArgumentException.class, () -> hd.tileRect(45));
    }

    @Test
    void tilesCopyPixelsAndPadWithZerosInNormalisedSpace() {
        int w = 1920, h = 1080;
        float[] data = new float[3 * h * w];
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    data[(c * h + y) * w + x] = 1 + c + (y * 7 + x) % 13; // never 0 inside the frame
                }
            }
        }
        VideoClip tiles = hd.tile(VideoClip.of(data, 1, 1, h, w));
        assertArrayEquals(new int[] {45, 1, 3, 224, 224}, tiles.toTensor().shape());
        float[] last = tiles.frame(44, 0).data(); // tile row 4, column 8: 128 x 184 px of picture
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < 224; y++) {
                for (int x = 0; x < 224; x++) {
                    float v = last[(c * 224 + y) * 224 + x];
                    if (x < 128 && y < 184) {
                        assertEquals(data[(c * h + 896 + y) * w + 1792 + x], v, "picture at " + x + "," + y);
                    } else {
                        assertEquals(0f, v, "padding at " + x + "," + y);
                    }
                }
            }
        }
        float[] middle = tiles.frame(hd.tileIndex(2, 3), 0).data();
        assertEquals(data[(2 * h + 448 + 10) * w + 672 + 20], middle[(2 * 224 + 10) * 224 + 20]);
        assertThrows(IllegalArgumentException.class, () -> hd.tile(VideoClip.of(new float[3 * 4 * 4], 1, 1, 4, 4)));
    }

    @Test
    void cellsMapToSourcePixelsAndPaddingCellsVanish() {
        assertEquals(Optional.of(new PixelRect(0, 0, 112, 112)), hd.cellRect(0, LAYOUT.cell(0, 0)));
        // tile (4, 8), finest cell (11, 7): 1904..1920 x 1072..1088, cut at the frame's bottom
        assertEquals(
                Optional.of(new PixelRect(1904, 1072, 1920, 1080)),
                hd.cellRect(44, LAYOUT.cell(0, LAYOUT.id(3, 11, 7))));
        assertEquals(Optional.empty(), hd.cellRect(44, LAYOUT.cell(0, LAYOUT.id(3, 13, 13))));
        // a 4x4 cell is 56 px: row 3 of tile row 4 starts at y 1064, inside the frame; column 3 starts at x 1960,
        // outside
        assertEquals(
                Optional.of(new PixelRect(1792, 1064, 1848, 1080)),
                hd.cellRect(44, LAYOUT.cell(0, LAYOUT.id(1, 3, 0))));
        assertEquals(Optional.empty(), hd.cellRect(44, LAYOUT.cell(0, LAYOUT.id(1, 3, 3))));
        // a 4K source processed (downscaled) to 1920x1080: rectangles scale back by 2
        AnyResTiling fromUhd = AnyResTiling.of(new FrameSize(3840, 2160), new FrameSize(1920, 1080), 224);
        assertEquals(
                Optional.of(new PixelRect(3808, 2144, 3840, 2160)),
                fromUhd.cellRect(44, LAYOUT.cell(0, LAYOUT.id(3, 11, 7))));
        // a 7x7 cell is 32 px: tile (1, 3), cell (2, 5)
        assertEquals(
                Optional.of(new PixelRect(672 + 160, 224 + 64, 672 + 192, 224 + 96)),
                hd.cellRect(hd.tileIndex(1, 3), LAYOUT.cell(0, LAYOUT.id(2, 2, 5))));
    }

    @Test
    void resultCellsArePlacedPerTile() {
        int tiles = 45;
        long[][] pos = new long[tiles][1];
        boolean[][] padded = new boolean[tiles][1];
        for (boolean[] p : padded) {
            Arrays.fill(p, true);
        }
        pos[44][0] = LAYOUT.id(3, 11, 7);
        padded[44][0] = false;
        pos[43][0] = LAYOUT.id(3, 13, 13); // inside tile (4, 7)'s padding rows
        padded[43][0] = false;
        GazeResult r = new GazeResult(LAYOUT, 0, pos, padded, new int[] {1}, List.of());
        List<SourceCell> cells = hd.cells(r, 0, 0);
        assertEquals(1, cells.size());
        assertEquals(44, cells.get(0).tile());
        assertEquals(new PixelRect(1904, 1072, 1920, 1080), cells.get(0).rect());
        assertThrows(IllegalArgumentException.class, () -> hd.cells(r, 1, 0));
        assertTrue(hd.toString().contains("5x9"));
    }
}
