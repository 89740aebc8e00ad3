package io.autogaze4j.readout;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.autogaze4j.model.GazeResult;
import java.nio.ByteOrder;
import java.nio.IntBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** Video-token ids from our own traces: tubelet merge, clip caps and fill, ids and both coordinate layouts. */
class VideoReadoutTest {
    // 4 frames of 224x224, tubelets of 2 frames, 16-px patches: 2 bins of 14x14
    private static final SparseVideoPatchGeometry GEOMETRY = new SparseVideoPatchGeometry(4, 224, 224, 2, 16, 16);
    private static final SparseVideoReadoutGrid GRID = GEOMETRY.readoutGrid();

    private static int cell(int row, int col) {
        return TestData.LAYOUT.id(3, row, col);
    }

    @Test
    void idsAndCoordinatesRoundTrip() {
        SparseVideoReadoutGrid g = new SparseVideoPatchGeometry(6, 96, 160, 3, 16, 32).readoutGrid();
        assertEquals(new SparseVideoReadoutGrid(2, 6, 5), g);
        for (int id = 0; id < g.tokens(); id++) {
            VideoTokenCoord c = g.coord(id);
            assertEquals(id, g.id(c));
            assertEquals(id, (c.temporal() * 6 + c.row()) * 5 + c.col());
        }
        assertTrue(assertThrows(IllegalArgumentException.class, () -> g.coord(g.tokens()))
                .getMessage()
                .contains("60"));
        assertThrows(IllegalArgumentException.class, () -> new SparseVideoPatchGeometry(5, 224, 224, 2, 16, 16));
        assertThrows(IllegalArgumentException.class, () -> new SparseVideoPatchGeometry(4, 200, 224, 2, 16, 16));
    }

    @Test
    void framesOfOneTubeletMergeInFrameOrderWithoutRepeats() {
        GazeResult r = TestData.result(new int[][][] {
            {{cell(0, 0), cell(1, 1)}, {cell(1, 1), cell(2, 2), -1}, {cell(3, 3)}, {cell(3, 3), -1}}
        });
        GazeTrace trace = GazeTraces.of(r).get(0);
        int[] ids = Readout.videoTokens(trace, GEOMETRY, ReadoutOptions.defaults());
        assertArrayEquals(new int[] {0, 15, 30, 196 + 45}, ids);
        SparseProjection projection = SparseProjection.video(GEOMETRY, ReadoutOptions.defaults());
        assertEquals(
                List.of(
                        new VideoTokenCoord(0, 0, 0),
                        new VideoTokenCoord(0, 1, 1),
                        new VideoTokenCoord(0, 2, 2),
                        new VideoTokenCoord(1, 3, 3)),
                projection.videoReadout(List.of(trace)).coords(0));

        // the clip budget: bin 0 exhausts a cap of 2 before bin 1 is reached
        SparseProjection capped = projection.withVideoOptions(
                projection.videoOptions().toBuilder().maxTokens(2).build());
        assertArrayEquals(new int[] {0, 15}, capped.videoTokens(trace));
        // the fill is evenly spaced over the whole clip grid: evenly(392, 6) = 0, 65, 130, 196, 261, 326
        SparseProjection filled = projection.withVideoOptions(
                projection.videoOptions().toBuilder().exactTokens(6).build());
        assertArrayEquals(new int[] {0, 15, 30, 196 + 45, 65, 130}, filled.videoTokens(trace));

        // image-stage and video-stage dilation are separate and add up: 1 + 1 grows a patch to 5x5
        int[] both = projection
                .withReadoutOptions(ReadoutOptions.builder().dilation(1).build())
                .withVideoOptions(
                        projection.videoOptions().toBuilder().dilation(1).build())
                .videoTokens(trace);
        int[] image = projection
                .withReadoutOptions(ReadoutOptions.builder().dilation(2).build())
                .videoTokens(trace);
        assertEquals(new TreeSet<>(List.of(box(both))), new TreeSet<>(List.of(box(image))));
    }

    @Test
    void batchesBecomeFlatAndPaddedCoordinates() {
        GazeResult r = TestData.result(new int[][][] {
            {{cell(0, 0)}, {cell(0, 1)}, {cell(5, 5)}, {-1}},
            {{cell(13, 13)}, {-1}, {-1}, {-1}}
        });
        VideoReadout v = Readout.videoTokens(r, GEOMETRY, ReadoutOptions.defaults());
        VideoCoordTensor t = v.coordTensor();
        assertArrayEquals(new int[] {2, 3, 4}, t.shape());
        assertArrayEquals(new int[] {3, 1}, t.lengths());
        assertArrayEquals(
                new int[] {0, 0, 0, 0, 0, 0, 0, 1, 0, 1, 5, 5, 1, 0, 13, 13, -1, -1, -1, -1, -1, -1, -1, -1}, t.data());
        assertTrue(t.valid(1, 0));
        assertFalse(t.valid(1, 1));
        assertEquals(13, t.get(1, 0, 3));
        assertThrows(IndexOutOfBoundsException.class, () -> t.get(2, 0, 0));
        boolean[] mask = v.mask(1);
        assertTrue(mask[195]);

        VideoCoords flat = v.flatCoords();
        int[] rows = {0, 0, 0, 0, 0, 0, 0, 1, 0, 1, 5, 5, 1, 0, 13, 13};
        assertArrayEquals(new int[] {4, 4}, flat.shape());
        assertArrayEquals(rows, flat.toIntArray());
        assertArrayEquals(Arrays.stream(rows).asLongStream().toArray(), flat.toLongArray());
        IntBuffer view = flat.asIntBuffer();
        assertTrue(view.isDirect() && view.isReadOnly() && view.order() == ByteOrder.nativeOrder());
        assertEquals(16, view.remaining());
        assertEquals(13, view.get(15));
        assertEquals(5, flat.get(2, 3));
    }

    @Test
    void clipsLongerThanTheGridAreRefusedAndShorterOnesAccepted() {
        GazeResult six = TestData.result(new int[][][] {
            {{cell(0, 0)}, {cell(0, 1)}, {cell(0, 1)}, {cell(0, 1)}, {cell(0, 1)}, {cell(0, 1)}}
        });
        assertTrue(assertThrows(
                        IllegalArgumentException.class,
                        () -> Readout.videoTokens(six, GEOMETRY, ReadoutOptions.defaults()))
                .getMessage()
                .contains("clip has 6 frames"));
        GazeResult one = TestData.result(new int[][][] {{{cell(0, 0)}}});
        assertArrayEquals(
                new int[] {0},
                Readout.videoTokens(one, GEOMETRY, ReadoutOptions.defaults()).ids(0));
        SparseProjection image = SparseProjection.image(new SparseReadoutGrid(14, 14), ReadoutOptions.defaults());
        assertTrue(assertThrows(IllegalStateException.class, () -> image.videoReadout(GazeTraces.of(one)))
                .getMessage()
                .contains("no video grid"));
        assertEquals(
                GRID,
                SparseProjection.video(GEOMETRY, ReadoutOptions.defaults())
                        .videoGrid()
                        .orElseThrow());
    }

    private static Integer[] box(int[] ids) {
        return Arrays.stream(ids).boxed().toArray(Integer[]::new);
    }
}
