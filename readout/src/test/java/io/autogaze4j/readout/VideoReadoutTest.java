package io.autogaze4j.readout;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.autogaze4j.model.GazeResult;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Video-token ids: tubelet merge, caps and fill per bin, ids and coordinates. */
class VideoReadoutTest {
    // 4 frames of 224x224, tubelets of 2 frames, 16-px patches: 2 bins of 14x14
    private static final SparseVideoPatchGeometry GEOMETRY = new SparseVideoPatchGeometry(4, 224, 224, 2, 16, 16);

    private static int cell(int row, int col) {
        return TestData.LAYOUT.id(3, row, col);
    }

    @Test
    void idsAndCoordinatesRoundTrip() {
        SparseVideoPatchGeometry g = new SparseVideoPatchGeometry(6, 96, 160, 3, 16, 32);
        assertEquals(2, g.temporalBins());
        assertEquals(6, g.gridHeight());
        assertEquals(5, g.gridWidth());
        for (int id = 0; id < g.tokens(); id++) {
            VideoTokenCoord c = g.coord(id);
            assertEquals(id, g.id(c));
            assertEquals(id, (c.temporal() * 6 + c.row()) * 5 + c.col());
        }
        assertEquals(1, g.bin(5));
        assertThrows(IllegalArgumentException.class, () -> g.coord(g.tokens()));
        assertThrows(IllegalArgumentException.class, () -> g.bin(6));
        assertThrows(IllegalArgumentException.class, () -> new SparseVideoPatchGeometry(5, 224, 224, 2, 16, 16));
        assertThrows(IllegalArgumentException.class, () -> new SparseVideoPatchGeometry(4, 200, 224, 2, 16, 16));
    }

    @Test
    void framesOfOneTubeletMergeInFrameOrderWithoutRepeats() {
        GazeResult r = TestData.result(new int[][][] {{
            {cell(0, 0), cell(1, 1)}, {cell(1, 1), cell(2, 2), -1}, {cell(3, 3)}, {cell(3, 3), -1}}});
        int[] ids = Readout.videoTokens(GazeTraces.of(r).get(0), GEOMETRY, ReadoutOptions.defaults());
        assertArrayEquals(new int[] {0, 15, 30, 196 + 45}, ids);
        assertEquals(List.of(new VideoTokenCoord(0, 0, 0), new VideoTokenCoord(0, 1, 1), new VideoTokenCoord(0, 2, 2),
                new VideoTokenCoord(1, 3, 3)), Readout.videoCoords(GazeTraces.of(r).get(0), GEOMETRY, ReadoutOptions.defaults()));

        ReadoutOptions capped = ReadoutOptions.builder().maxTokensPerFrame(2).minTokensPerFrame(2).build();
        int[] c = Readout.videoTokens(r, GEOMETRY, capped).ids(0);
        // bin 0 keeps its first two tokens; bin 1 has one and gets the centre-most fallback (patch (6,6))
        assertArrayEquals(new int[] {0, 15, 196 + 45, 196 + 6 * 14 + 6}, c);

        int[] dilated = Readout.videoTokens(r, GEOMETRY, ReadoutOptions.builder().dilation(1).build()).ids(0);
        assertEquals(4 + 5 + 5 + 9, dilated.length); // bin 0: 2x2, then the new parts of two overlapping 3x3; bin 1: 3x3
    }

    @Test
    void batchesBecomeAPaddedCoordinateTensor() {
        GazeResult r = TestData.result(new int[][][] {
            {{cell(0, 0)}, {cell(0, 1)}, {cell(5, 5)}, {-1}},
            {{cell(13, 13)}, {-1}, {-1}, {-1}}});
        VideoReadout v = Readout.videoTokens(r, GEOMETRY, ReadoutOptions.defaults());
        VideoCoordTensor t = v.coordTensor();
        assertArrayEquals(new int[] {2, 3, 4}, t.shape());
        assertArrayEquals(new int[] {3, 1}, t.lengths());
        assertArrayEquals(new int[] {0, 0, 0, 0, 0, 0, 0, 1, 0, 1, 5, 5, 1, 0, 13, 13, -1, -1, -1, -1, -1, -1, -1, -1}, t.data());
        assertTrue(t.valid(1, 0));
        assertFalse(t.valid(1, 1));
        assertEquals(13, t.get(1, 0, 3));
        assertThrows(IndexOutOfBoundsException.class, () -> t.get(2, 0, 0));
        boolean[] mask = v.mask(1);
        assertTrue(mask[195]);
        assertEquals(1, countTrue(mask));
        assertArrayEquals(Readout.videoCoords(r, GEOMETRY, ReadoutOptions.defaults()).data(), t.data());
    }

    @Test
    void frameCountMustMatchTheGeometry() {
        GazeResult r = TestData.result(new int[][][] {{{cell(0, 0)}, {cell(0, 1)}}});
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Readout.videoTokens(r, GEOMETRY, ReadoutOptions.defaults()))
                .getMessage().contains("expects 4"));
        SparseProjection image = SparseProjection.image(new SparseReadoutGrid(14, 14), ReadoutOptions.defaults());
        assertThrows(IllegalStateException.class, () -> image.videoReadout(GazeTraces.of(r)));
        assertThrows(IllegalArgumentException.class,
                () -> SparseProjection.video(GEOMETRY, ReadoutOptions.defaults()).videoReadout(r, ConfidenceSource.unknown(), List.of(
                        TilePlacement.ofGrid(1, 2, 0, 0), TilePlacement.ofGrid(1, 2, 0, 1), TilePlacement.ofGrid(1, 3, 0, 2))));
    }

    private static int countTrue(boolean[] m) {
        int n = 0;
        for (boolean b : m) {
            n += b ? 1 : 0;
        }
        return n;
    }
}
