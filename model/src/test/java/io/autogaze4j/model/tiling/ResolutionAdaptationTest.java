package io.autogaze4j.model.tiling;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.autogaze4j.model.GazeResult;
import io.autogaze4j.model.ScaleLayout;
import io.autogaze4j.model.VideoClip;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Target-scales adaptation: tile geometry, padding, and the rebuilt ids of a two-clip batch. */
class ResolutionAdaptationTest {
    static final ScaleLayout LAYOUT = AnyResTilingTest.LAYOUT;

    @Test
    void geometryOfTheQuickStartPyramids() {
        ResolutionAdaptation a448 = ResolutionAdaptation.of(LAYOUT, new int[] {64, 128, 224, 448}, 16);
        assertEquals(2, a448.tilesPerSide());
        assertEquals(224, a448.tileSize());
        assertEquals(1060, a448.targetLayout().cellsPerFrame());
        ResolutionAdaptation a336 = ResolutionAdaptation.of(LAYOUT, new int[] {42, 84, 168, 336}, 14);
        assertEquals(2, a336.tilesPerSide()); // 24 cells need 2 tiles of 14, padded to 392 px
        assertEquals(196, a336.tileSize());
        VideoClip tiles = a336.tile(VideoClip.of(filled(336, 1f), 1, 1, 336, 336));
        assertArrayEquals(new int[] {4, 1, 3, 196, 196}, tiles.toTensor().shape());
        float[] lastTile = tiles.frame(3, 0).data();
        assertEquals(1f, lastTile[139 * 196 + 139]); // 336 - 196 = 140 px of picture
        assertEquals(0f, lastTile[140 * 196 + 10]);
        assertEquals(0f, lastTile[10 * 196 + 140]);
    }

    @Test
    void nativePyramidIsLeftAlone() {
        ResolutionAdaptation same = ResolutionAdaptation.of(LAYOUT, new int[] {32, 64, 112, 224}, 16);
        assertTrue(same.isIdentity());
        VideoClip clip = VideoClip.of(filled(224, 0.5f), 1, 1, 224, 224);
        assertSame(clip, same.tile(clip));
        assertFalse(ResolutionAdaptation.of(LAYOUT, new int[] {64, 128, 224, 448}, 16)
                .isIdentity());
    }

    @Test
    void badPyramidsAndSizesAreRejected() {
        assertThrows(
                IllegalArgumentException.class, () -> ResolutionAdaptation.of(LAYOUT, new int[] {56, 112, 392}, 14));
        assertThrows(
                IllegalArgumentException.class,
                () -> ResolutionAdaptation.of(LAYOUT, new int[] {56, 112, 200, 392}, 14));
        assertThrows(
                IllegalArgumentException.class,
                () -> ResolutionAdaptation.of(LAYOUT, new int[] {112, 56, 196, 392}, 14));
        assertThrows(
                IllegalArgumentException.class,
                () -> ResolutionAdaptation.of(LAYOUT, new int[] {56, 112, 196, 392}, 0));
        ResolutionAdaptation a = ResolutionAdaptation.of(LAYOUT, new int[] {56, 112, 196, 392}, 14);
        assertThrows(IllegalArgumentException.class, () -> a.tile(VideoClip.of(filled(224, 0f), 1, 1, 224, 224)));
    }

    @Test
    void recoveryRebuildsSortedIdsAndPadsRowsToTheBatchMaximum() {
        ResolutionAdaptation a = ResolutionAdaptation.of(LAYOUT, new int[] {56, 112, 196, 392}, 14);
        // two clips x 4 tiles, two frames; frame 0: clip 0 gazes 2 cells, clip 1 one; frame 1: nothing valid
        long[][] pos = new long[8][4];
        boolean[][] padded = new boolean[8][4];
        for (int row = 0; row < 8; row++) {
            pos[row] = new long[] {265, 265, 265 + 265, 265 + 265};
            padded[row] = new boolean[] {true, true, true, true};
        }
        pos[3] = new long[] {69, 265, 530, 530}; // clip 0, tile (1, 1): finest cell (0, 0) -> (14, 14)
        padded[3] = new boolean[] {false, true, true, true};
        pos[0] = new long[] {0, 265, 530, 530}; // clip 0, tile (0, 0): coarsest cell (0, 0)
        padded[0] = new boolean[] {false, true, true, true};
        pos[5] = new long[] {4, 265, 530, 530}; // clip 1, tile (0, 1): 4x4 cell (0, 0) -> (0, 4)
        padded[5] = new boolean[] {false, true, true, true};
        GazeResult tiles = new GazeResult(LAYOUT, 0, pos, padded, new int[] {2, 2}, List.of());
        GazeResult r = a.recover(tiles);
        assertEquals(2, r.batch());
        assertArrayEquals(new int[] {2, 0}, r.numGazingEachFrame());
        assertArrayEquals(new long[] {0, 16 + 64 + 196 + 14 * 28 + 14}, r.gazingPos()[0]);
        assertArrayEquals(new long[] {16 + 4, -1}, r.gazingPos()[1]);
        assertArrayEquals(new boolean[] {false, true}, r.padded()[1]);
        assertEquals(new PixelRect(196, 196, 210, 210), rect(r, 1)); // 28x28 cell (14, 14) of the 392 frame
    }

    private static PixelRect rect(GazeResult r, int slot) {
        return r.cells(0, 0).get(slot).pixelRect(392, 392);
    }

    private static float[] filled(int side, float v) {
        float[] d = new float[3 * side * side];
        java.util.Arrays.fill(d, v);
        return d;
    }
}
