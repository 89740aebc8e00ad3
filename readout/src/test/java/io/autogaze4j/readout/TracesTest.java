package io.autogaze4j.readout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.autogaze4j.model.GazeResult;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Building traces from results: padding, confidences, streams, tiles, JSON. */
class TracesTest {

    @Test
    void paddingIsExcludedAndConfidencesFollowTheirSlots() {
        GazeResult r = TestData.result(new int[][][] {{{1, -1, 70}, {4, 264}}, {{-1, -1, 3}, {-1, 68}}});
        float[][] conf = {{0.9f, Float.NaN, 0.25f, 0.5f, 1f}, {Float.NaN, Float.NaN, 0.125f, Float.NaN, 0.75f}};
        List<GazeTrace> traces = GazeTraces.of(r, ConfidenceSource.perSlot(conf));
        assertEquals(2, traces.size());
        GazeTrace row0 = traces.get(0);
        assertEquals(
                List.of(1, 70),
                row0.frame(0).fixations().stream().map(Fixation::cell).toList());
        assertEquals(
                List.of(4, 264),
                row0.frame(1).fixations().stream().map(Fixation::cell).toList());
        Fixation f = row0.frame(0).fixations().get(1);
        assertEquals(new Fixation(0, 70, 3, 0, 1, 14, -1, new NormRect(1.0 / 14, 0, 2.0 / 14, 1.0 / 14), 0.25f), f);
        assertEquals(1.0, row0.frame(1).fixations().get(1).confidence());
        Fixation last = traces.get(1).frame(1).fixations().get(0);
        assertEquals(68, last.cell());
        assertEquals(2, last.scale());
        assertEquals(new NormRect(6.0 / 7, 6.0 / 7, 1, 1), last.rect());
        assertEquals(0.75f, last.confidence());
        assertEquals(2, traces.get(1).fixations().size());
        assertTrue(
                Double.isNaN(GazeTraces.of(r).get(0).frame(0).fixations().get(0).confidence()));
    }

    @Test
    void idsOutsideTheirFrameAreRefused() {
        long[][] pos = {{300}};
        GazeResult r = new GazeResult(TestData.LAYOUT, 0, pos, new boolean[][] {{false}}, new int[] {1}, List.of());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> GazeTraces.of(r))
                .getMessage()
                .contains("not a cell of frame 0"));
        Fixation bad = new Fixation(0, 1, 0, 0, 1, 2, -1, NormRect.FRAME, 0.5);
        assertThrows(IllegalArgumentException.class, () -> new FrameTrace(1, List.of(bad)));
        assertThrows(IllegalArgumentException.class, () -> new Fixation(0, 1, 0, 0, 1, 2, -1, NormRect.FRAME, 1.5));
    }

    @Test
    void streamsContinueFrameNumbering() {
        TraceRecorder recorder = new TraceRecorder();
        GazeResult first = TestData.result(new int[][][] {{{5}, {6}}});
        GazeResult second = new GazeResult(
                TestData.LAYOUT, 2, new long[][] {{7}}, new boolean[][] {{false}}, new int[] {1}, List.of());
        recorder.add(first);
        List<GazeTrace> part = recorder.add(second);
        assertEquals(2, part.get(0).frame(0).frame());
        GazeTrace all = recorder.traces().get(0);
        assertEquals(3, all.frameCount());
        assertEquals(
                List.of(5, 6, 7), all.fixations().stream().map(Fixation::cell).toList());
        assertEquals(
                List.of(0, 1, 2), all.fixations().stream().map(Fixation::frame).toList());
        GazeResult gap = new GazeResult(
                TestData.LAYOUT, 4, new long[][] {{7}}, new boolean[][] {{false}}, new int[] {1}, List.of());
        assertThrows(IllegalArgumentException.class, () -> recorder.add(gap));
    }

    @Test
    void tileCellsMapToSourceRectanglesAndPaddingCellsAreDropped() {
        // a 1x2 tiling of a 320x224 frame into 224-px tiles: tile 1 starts at x = 224 and is padded past x = 320
        List<TilePlacement> tiles = List.of(
                TilePlacement.ofPixels(0, 0, 0, 224, 224, 320, 224),
                TilePlacement.ofPixels(1, 224, 0, 224, 224, 320, 224));
        int s0TopLeft = 0; // scale 0 cell (0,0): tile-local [0, 0.5)
        int s0TopRight = 1; // scale 0 cell (0,1): tile-local [0.5, 1) -> wholly in tile 1's padding
        int s3 = TestData.LAYOUT.id(3, 2, 3); // tile-local x [3/14, 4/14)
        GazeResult r = TestData.result(new int[][][] {{{s3, s0TopLeft, -1}}, {{s0TopRight, s0TopLeft, s3}}});
        List<GazeTrace> traces = GazeTraces.tiled(r, ConfidenceSource.unknown(), tiles);
        assertEquals(1, traces.size());
        List<Fixation> fx = traces.get(0).frame(0).fixations();
        assertEquals(List.of(0, 0, 1, 1), fx.stream().map(Fixation::tile).toList());
        assertEquals(
                List.of(s3, s0TopLeft, s0TopLeft, s3),
                fx.stream().map(Fixation::cell).toList());
        assertRect(
                new NormRect(3.0 / 14 * 0.7, 2.0 / 14, 4.0 / 14 * 0.7, 3.0 / 14),
                fx.get(0).rect());
        assertRect(new NormRect(0.7, 0, 1, 0.5), fx.get(2).rect()); // [224, 336) clipped to the 320-px frame
        assertRect(
                new NormRect(0.7 + 3.0 / 14 * 0.7, 2.0 / 14, 0.7 + 4.0 / 14 * 0.7, 3.0 / 14),
                fx.get(3).rect());
        assertEquals(new NormRect(0, 0, 0.5, 0.5), fx.get(2).cellRect());
        assertNull(tiles.get(1).toSource(new NormRect(0.5, 0, 1, 0.5)));
        TilePlacement grid = TilePlacement.ofGrid(2, 3, 1, 2);
        assertEquals(5, grid.index());
        assertRect(new NormRect(2.0 / 3, 0.5, 1, 1), grid.area());
        assertThrows(
                IllegalArgumentException.class,
                () -> GazeTraces.tiled(TestData.result(new int[][][] {{{1}}}), ConfidenceSource.unknown(), tiles));
    }

    @Test
    void jsonRoundTripsAndRefusesMalformedInput() throws IOException {
        GazeResult r = TestData.result(new int[][][] {{{1, 264}, {20, -1}}, {{68, 3}, {-1, 4}}});
        List<TilePlacement> tiles = List.of(TilePlacement.ofGrid(1, 2, 0, 0), TilePlacement.ofGrid(1, 2, 0, 1));
        float[][] conf = {{0.1f, 0.2f, 0.3f, Float.NaN}, {0.5f, 0.6f, Float.NaN, 0.8f}};
        List<GazeTrace> tiled = GazeTraces.tiled(r, ConfidenceSource.perSlot(conf), tiles);
        String json = TraceJson.toJson(tiled);
        assertTrue(json.contains("\"format\" : \"autogaze4j-trace\""), json);
        assertEquals(tiled, TraceJson.fromJson(json));
        List<GazeTrace> plain = GazeTraces.of(r);
        assertEquals(plain, TraceJson.fromJson(TraceJson.toJson(plain)));
        assertTrue(TraceJson.toJson(plain).contains("\"confidence\" : null"));

        assertTrue(assertThrows(IOException.class, () -> TraceJson.fromJson("{\"format\":\"x\"}"))
                .getMessage()
                .contains("format"));
        assertTrue(assertThrows(IOException.class, () -> TraceJson.fromJson("{"))
                .getMessage()
                .contains("not valid JSON"));
        assertThrows(IOException.class, () -> TraceJson.fromJson(""));
        assertTrue(assertThrows(
                        IOException.class, () -> TraceJson.fromJson(json.replace("\"version\" : 1", "\"version\" : 2")))
                .getMessage()
                .contains("version"));
        String broken = json.replaceFirst("\"rect\" : \\[ [^\\]]*\\]", "\"rect\" : [ 0.5, 0.0, 0.5, 1.0 ]");
        assertTrue(assertThrows(IOException.class, () -> TraceJson.fromJson(broken))
                .getMessage()
                .contains("x0 < x1"));
    }

    private static void assertRect(NormRect expected, NormRect actual) {
        assertEquals(expected.x0(), actual.x0(), 1e-12);
        assertEquals(expected.y0(), actual.y0(), 1e-12);
        assertEquals(expected.x1(), actual.x1(), 1e-12);
        assertEquals(expected.y1(), actual.y1(), 1e-12);
    }
}
