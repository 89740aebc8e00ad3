package io.autogaze4j.readout;

import static io.autogaze4j.readout.ReferenceData.cell;
import static io.autogaze4j.readout.ReferenceData.ids;
import static io.autogaze4j.readout.ReferenceData.p;
import static io.autogaze4j.readout.ReferenceData.r;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.autogaze4j.model.GazeCell;
import io.autogaze4j.model.GazeResult;
import io.autogaze4j.model.ScaleLayout;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The image stage against burn_autogaze 0.21.6: the vectors its tests assert (TV-01..TV-18, run under both coverage
 * rules, which agree on them) and the derived ones (D-10..D-16, D-23, section 10.1) where the rules part.
 */
class ImageStageVectorsTest {
    private static final SparseReadoutGrid G4 = new SparseReadoutGrid(4, 4);
    private static final FixationPoint COARSE = p(0.25f, 0.25f, 0.5f, 0.5f, 1.0f, 2);
    private static final FixationPoint FINE = p(0.875f, 0.875f, 0.25f, 0.25f, 1.0f, 4);

    private static ReadoutOptions.Builder img(CoverageRule rule) {
        return ReadoutOptions.builder().coverage(rule);
    }

    @Test
    void tv01to03GridsIndexRowMajorAndTemporalFirst() {
        SparseReadoutGrid g = new SparseReadoutGrid(2, 4);
        assertEquals(6, g.id(1, 2));
        assertEquals(r(0.5f, 0.5f, 0.75f, 1.0f), g.patchRect(6));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> g.patchRect(8))
                .getMessage()
                .contains("8"));
        assertEquals(new SparseReadoutGrid(14, 14), SparseReadoutGrid.squareFromTokenCount(196));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> SparseReadoutGrid.squareFromTokenCount(198))
                .getMessage()
                .contains("square grid"));
        SparseVideoReadoutGrid v = new SparseVideoReadoutGrid(2, 3, 4);
        assertEquals(12, v.tokensPerBin());
        assertEquals(23, v.id(1, 2, 3));
        assertThrows(IllegalArgumentException.class, () -> v.id(2, 0, 0));
        assertEquals(new VideoTokenCoord(0, 0, 0), v.coord(0));
        assertEquals(new VideoTokenCoord(0, 1, 3), v.coord(7));
        assertEquals(new VideoTokenCoord(1, 2, 3), v.coord(23));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> v.coord(24))
                .getMessage()
                .contains("outside grid"));
    }

    @Test
    void d28GridConstructionErrorsNameTheProblem() {
        assertEquals(new SparseReadoutGrid(1, 1), SparseReadoutGrid.squareFromTokenCount(1));
        assertEquals(new SparseReadoutGrid(2, 2), SparseReadoutGrid.squareFromTokenCount(4));
        assertMessage("must be nonzero", () -> SparseReadoutGrid.squareFromTokenCount(0));
        assertMessage("frame count must be nonzero", () -> SparseVideoPatchGeometry.squarePatch(0, 64, 64, 1, 16));
        assertMessage("dimensions must be nonzero", () -> SparseVideoPatchGeometry.squarePatch(4, 0, 64, 1, 16));
        assertMessage("tubelet size must be nonzero", () -> SparseVideoPatchGeometry.squarePatch(4, 64, 64, 0, 16));
        assertMessage("patch dimensions must be nonzero", () -> SparseVideoPatchGeometry.squarePatch(4, 64, 64, 1, 0));
        // TV-06: the division checks, in the reference's order
        assertMessage("frames", () -> SparseVideoPatchGeometry.squarePatch(5, 64, 96, 2, 16));
        assertMessage("height", () -> SparseVideoPatchGeometry.squarePatch(4, 63, 96, 2, 16));
        assertMessage("width", () -> new SparseVideoPatchGeometry(4, 64, 95, 2, 16, 16));
    }

    @ParameterizedTest
    @EnumSource(CoverageRule.class)
    void tv07to13PointsAndRectsBecomeTokens(CoverageRule rule) {
        ReadoutOptions o = img(rule).build();
        assertArrayEquals(ids(0, 1, 4, 5), Readout.pointTokens(List.of(COARSE), G4, o), "TV-07");
        assertArrayEquals(ids(15), Readout.pointTokens(List.of(FINE), G4, o), "TV-08");
        FixationPoint padding = p(0.25f, 0.25f, 0.5f, 0.5f, 0.0f, 2);
        FixationPoint fine08 = p(0.875f, 0.875f, 0.25f, 0.25f, 0.8f, 4);
        assertArrayEquals(
                ids(15),
                Readout.pointTokens(
                        List.of(padding, fine08),
                        G4,
                        img(rule).confidenceThreshold(0.1).build()),
                "TV-09");
        assertArrayEquals(
                ids(0, 1, 4, 5),
                Readout.pointTokens(
                        List.of(COARSE, FINE),
                        G4,
                        img(rule).maxFixationsPerFrame(1).build()),
                "TV-10");
        assertArrayEquals(
                ids(),
                Readout.pointTokens(
                        List.of(COARSE, FINE),
                        G4,
                        img(rule).maxFixationsPerFrame(0).build()),
                "TV-11");
        assertArrayEquals(
                ids(5, 6, 7, 9, 10),
                Readout.tokens(
                        List.of(r(0.5f, 0.5f, 0.75f, 0.75f)),
                        G4,
                        img(rule).dilation(1).maxTokensPerFrame(5).build()),
                "TV-12");
        assertArrayEquals(
                ids(),
                Readout.tokens(
                        List.of(r(0, 0, 1, 1)),
                        G4,
                        img(rule).maxTokensPerFrame(0).build()),
                "TV-13");
        assertArrayEquals(ids(0, 1, 4, 5, 15), Readout.pointTokens(List.of(COARSE, FINE), G4, o), "D-16");
    }

    @ParameterizedTest
    @EnumSource(CoverageRule.class)
    void tv14to17TracesAndResultsKeepFrameBoundaries(CoverageRule rule) {
        ReadoutOptions o = img(rule).build();
        GazeTrace trace = ReferenceData.trace(List.of(List.of(cell(0, 2, 0, 0, 1.0)), List.of(cell(1, 4, 3, 3, 1.0))));
        assertArrayEquals(new int[][] {{0, 1, 4, 5}, {15}}, Readout.imageTokens(trace, G4, o), "TV-14");
        assertEquals(
                List.of(List.of(r(0, 0, 0.5f, 0.5f)), List.of(r(0.75f, 0.75f, 1, 1))),
                Readout.rects(trace, o),
                "TV-15");
        assertArrayEquals(ids(15), Readout.frameImageTokens(trace, 1, G4, o));
        GazeResult g3 = ReferenceData.g3();
        assertArrayEquals(new int[][] {{0, 1, 4, 5}, {15}}, Readout.imageTokens(g3, 0, G4, o), "TV-16");
        assertEquals(
                List.of(List.of(r(0, 0, 0.5f, 0.5f), r(0, 0, 0.25f, 0.25f)), List.of(r(0.75f, 0.75f, 1, 1))),
                Readout.rects(g3, 0, o),
                "TV-17");
        assertEquals(List.of(r(0.75f, 0.75f, 1, 1)), Readout.frameRects(g3, 0, 1, o));
    }

    @Test
    void tv18GeneratedOutputRejectsABadBatchOrFrameIndex() {
        GazeResult one = new GazeResult(
                ReferenceData.LAYOUT_32_64,
                0,
                new long[][] {{0}},
                new boolean[][] {{false}},
                new int[] {1},
                List.of(),
                new float[][] {{1.0f}});
        SparseReadoutGrid g1 = new SparseReadoutGrid(1, 1);
        assertMessage("batch index", () -> Readout.imageTokens(one, 1, g1, ReadoutOptions.defaults()));
        assertMessage("frame index", () -> Readout.frameImageTokens(one, 0, 1, g1, ReadoutOptions.defaults()));
    }

    @Test
    void d10Binary32EdgesFollowTheEpsilonAndExactEdgesTheRationalOverlap() {
        Object[][] cases = {
            // rect, BINARY32 (reference), EXACT (ours)
            {r(0.25f, 0.25f, 0.5f, 0.5f), ids(5), ids(5)},
            {r(0.5f, 0.5f, 0.5000001f, 0.75f), ids(), ids(10)}, // thin on a boundary: reference covers nothing
            {r(0.3f, 0.3f, 0.3000001f, 0.30001f), ids(5), ids(5)},
            {r(0, 0, 0.2500002f, 0.25f), ids(0), ids(0, 1)}, // within EPS of the edge
            {r(0, 0, 0.2500005f, 0.25f), ids(0, 1), ids(0, 1)},
            {r(0.2499998f, 0, 0.5f, 0.25f), ids(1), ids(0, 1)},
        };
        for (Object[] c : cases) {
            List<NormRect> rects = List.of((NormRect) c[0]);
            assertArrayEquals(
                    (int[]) c[1],
                    Readout.tokens(rects, G4, img(CoverageRule.BINARY32).build()),
                    "BINARY32 " + c[0]);
            assertArrayEquals(
                    (int[]) c[2],
                    Readout.tokens(rects, G4, img(CoverageRule.EXACT).build()),
                    "EXACT " + c[0]);
        }
    }

    @ParameterizedTest
    @EnumSource(CoverageRule.class)
    void d12DilationIsPerRectangleBeforeTheDedupAndTheCap(CoverageRule rule) {
        assertArrayEquals(
                ids(5, 6, 7, 9, 10, 11, 13, 14, 15),
                Readout.tokens(
                        List.of(r(0.5f, 0.5f, 0.75f, 0.75f)),
                        G4,
                        img(rule).dilation(1).build()));
        assertArrayEquals(
                ids(0, 1, 3, 4, 5, 7),
                Readout.tokens(
                        List.of(r(0, 0, 0.3f, 0.3f), r(0.7f, 0.7f, 1, 1)),
                        new SparseReadoutGrid(3, 3),
                        img(rule).dilation(1).maxTokensPerFrame(6).build()));
    }

    @ParameterizedTest
    @EnumSource(CoverageRule.class)
    void d13FixationScaleCapsTheHalfExtentBeforeClipping(CoverageRule rule) {
        ReadoutOptions x4 = img(rule).fixationScale(4).build();
        assertEquals(List.of(r(0, 0, 0.75f, 0.75f)), Readout.rects(List.of(COARSE), x4));
        assertArrayEquals(ids(0, 1, 2, 4, 5, 6, 8, 9, 10), Readout.pointTokens(List.of(COARSE), G4, x4));
        assertArrayEquals(
                ids(10, 11, 14, 15),
                Readout.pointTokens(
                        List.of(FINE), G4, img(rule).fixationScale(2).build()));
        assertArrayEquals(
                ids(0, 1, 4, 5),
                Readout.pointTokens(
                        List.of(COARSE), G4, img(rule).fixationScale(0.5).build()));
        // effective scale 1e-6: a rectangle 5e-7 wide on a cell corner; only the exact rule guarantees a token
        int[] tiny = Readout.pointTokens(
                List.of(COARSE), G4, img(rule).fixationScale(1e-9).build());
        assertArrayEquals(rule == CoverageRule.BINARY32 ? ids() : ids(0, 1, 4, 5), tiny);
    }

    @ParameterizedTest
    @EnumSource(CoverageRule.class)
    void d14ThresholdIsStrictAndClampedToTheUnitInterval(CoverageRule rule) {
        List<FixationPoint> pts =
                List.of(p(0.25f, 0.25f, 0.5f, 0.5f, 0.0f, 2), p(0.875f, 0.875f, 0.25f, 0.25f, 0.8f, 4));
        assertArrayEquals(ids(15), Readout.pointTokens(pts, G4, img(rule).build()));
        assertArrayEquals(
                ids(15),
                Readout.pointTokens(pts, G4, img(rule).confidenceThreshold(-5).build()));
        assertArrayEquals(
                ids(),
                Readout.pointTokens(pts, G4, img(rule).confidenceThreshold(0.8f).build()));
        assertArrayEquals(
                ids(),
                Readout.pointTokens(
                        List.of(COARSE), G4, img(rule).confidenceThreshold(1.5).build()));
    }

    @ParameterizedTest
    @EnumSource(CoverageRule.class)
    void d23SevenBySevenCellOnTheFourteenGrid(CoverageRule rule) {
        FixationPoint cell = FixationPoint.ofCell(3, 2, 7, 1);
        assertEquals(0.35714287f, (float) cell.x());
        assertEquals(1f / 7, (float) cell.width());
        assertArrayEquals(
                ids(88, 89, 102, 103),
                Readout.pointTokens(
                        List.of(cell), new SparseReadoutGrid(14, 14), img(rule).build()));
        if (rule == CoverageRule.BINARY32) {
            assertEquals(
                    r(0.2857143f, 0.42857143f, 0.42857143f, 0.5714286f),
                    Readout.rects(List.of(cell), img(rule).build()).get(0));
        }
    }

    @Test
    void section101TheRulesAgreeOnEveryAutoGazeCellUpToFortyOnePatchesAndPartAtFortyTwo() {
        ScaleLayout layout = TestData.LAYOUT;
        for (int n = 1; n <= 42; n++) {
            SparseReadoutGrid grid = new SparseReadoutGrid(n, n);
            for (int local = 0; local < layout.cellsPerFrame(); local++) {
                GazeCell c = layout.cell(0, local);
                List<FixationPoint> pt = List.of(FixationPoint.ofCell(c.row(), c.col(), c.grid(), 1));
                int[] exact =
                        Readout.pointTokens(pt, grid, img(CoverageRule.EXACT).build());
                int[] binary32 =
                        Readout.pointTokens(pt, grid, img(CoverageRule.BINARY32).build());
                if (n <= 41) {
                    assertArrayEquals(exact, binary32, "cell " + local + " on " + n + "x" + n);
                }
            }
        }
        // grid 42, 7x7 cell row 0 col 6: x0 = 0.8571428f, x0 * 42 = 35.999996 -> the reference adds column 35
        List<FixationPoint> edge = List.of(FixationPoint.ofCell(0, 6, 7, 1));
        SparseReadoutGrid g42 = new SparseReadoutGrid(42, 42);
        assertEquals(
                35, Readout.pointTokens(edge, g42, img(CoverageRule.BINARY32).build())[0]);
        assertEquals(36, Readout.pointTokens(edge, g42, img(CoverageRule.EXACT).build())[0]);
    }

    @Test
    void badInputIsRefusedNamingTheValue() {
        assertMessage("NaN", () -> p(0.5f, 0.5f, 0.5f, 0.5f, Float.NaN, 2));
        assertMessage("1.5", () -> p(1.5f, 0.5f, 0.5f, 0.5f, 1, 2));
        assertMessage(
                "reaches outside the frame",
                () -> Readout.tokens(List.of(new NormRect(-0.1, 0, 0.5, 0.5)), G4, ReadoutOptions.defaults()));
        assertMessage("x0 < x1", () -> new NormRect(0.5, 0, 0.5, 1));
        assertMessage("NaN", () -> new NormRect(Double.NaN, 0, 0.5, 1));
        assertMessage("image token id 16", () -> G4.patchRect(16));
    }

    static void assertMessage(String part, Executable call) {
        String message = assertThrows(IllegalArgumentException.class, call).getMessage();
        assertTrue(message.contains(part), "message '" + message + "' should contain '" + part + "'");
    }
}
