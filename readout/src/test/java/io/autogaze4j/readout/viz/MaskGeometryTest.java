package io.autogaze4j.readout.viz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.autogaze4j.readout.Fixation;
import io.autogaze4j.readout.FrameTrace;
import io.autogaze4j.readout.NormRect;
import io.autogaze4j.readout.TilePlacement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class MaskGeometryTest {

    @Test
    void nativeKeepsEveryCellCoarseFirst() {
        FrameTrace f = VizTestData.frame(new int[] {3, 0, 0}, new int[] {0, 1, 1}, new int[] {2, 3, 3});
        List<MaskCell> cells = MaskGeometry.cells(f, List.of(), GeometryMode.NATIVE);
        assertEquals(List.of(0, 2, 3), cells.stream().map(MaskCell::scale).toList());
    }

    @Test
    void deduplicatedDropsExactlyTheCellsCoveredByTheUnionOfCoarserCells() {
        FrameTrace f = VizTestData.frame(
                new int[] {0, 0, 0}, // [0, 1/2)^2
                new int[] {1, 0, 0}, // inside the 2x2 cell: dropped
                new int[] {1, 0, 2}, // [1/2, 3/4) x [0, 1/4): kept
                new int[] {1, 0, 3}, // [3/4, 1) x [0, 1/4): kept
                new int[] {2, 1, 1}, // inside the 2x2 cell: dropped
                new int[] {2, 0, 4}, // [4/7, 5/7) x [0, 1/7): covered by the two 4x4 cells together: dropped
                new int[] {2, 0, 3}, // [3/7, 4/7) straddles 1/2: left by the 2x2 cell, right by a 4x4 cell: dropped
                new int[] {2, 3, 3}, // straddles 1/2 vertically where nothing coarser is below: kept
                new int[] {3, 13, 13}, // far corner: kept
                new int[] {3, 1, 13}); // [13/14, 1) x [1/14, 2/14): inside the 4x4 cell (0, 3): dropped
        List<MaskCell> kept = MaskGeometry.cells(f, List.of(), GeometryMode.DEDUPLICATED);
        List<NormRect> expect = List.of(
                VizTestData.fix(0, 0, 0, 0).rect(),
                VizTestData.fix(0, 1, 0, 2).rect(),
                VizTestData.fix(0, 1, 0, 3).rect(),
                VizTestData.fix(0, 2, 3, 3).rect(),
                VizTestData.fix(0, 3, 13, 13).rect());
        assertEquals(expect, kept.stream().map(MaskCell::rect).toList());
    }

    @Test
    void deduplicationAgreesWithRasterisingOnTheCommonGrid() {
        // every official cell edge is a multiple of 1/28, so a 28x28 raster decides coverage exactly
        Random rnd = new Random(8);
        for (int trial = 0; trial < 300; trial++) {
            List<Fixation> fix = new ArrayList<>();
            Set<Integer> ids = new HashSet<>();
            int n = 1 + rnd.nextInt(40);
            while (ids.size() < n) {
                ids.add(rnd.nextInt(VizTestData.LAYOUT.cellsPerFrame()));
            }
            for (int id : ids) {
                var c = VizTestData.LAYOUT.cell(0, id);
                fix.add(VizTestData.fix(0, c.scale(), c.row(), c.col()));
            }
            for (Fixation f : fix) {
                assertEquals(
                        coveredOnRaster(f, fix),
                        MaskGeometry.coveredByCoarser(f, fix),
                        "trial " + trial + " cell " + f);
            }
        }
    }

    @Test
    void effectiveProjectsOntoTheFinestActiveGrid() {
        // finest active scale is 7x7; the 2x2 cell [0, 1/2)^2 reaches rows/cols 0..3 (3.5 rounds out), the 7x7 cell
        // adds one
        FrameTrace f = VizTestData.frame(new int[] {0, 0, 0}, new int[] {2, 5, 6}, new int[] {2, 3, 3});
        List<MaskCell> cells = MaskGeometry.cells(f, List.of(), GeometryMode.EFFECTIVE);
        Set<List<Integer>> got = new HashSet<>();
        for (MaskCell c : cells) {
            NormRect r = c.rect();
            assertEquals(1.0 / 7, r.width(), 1e-12);
            got.add(List.of(c.scale(), (int) Math.round(r.y0() * 7), (int) Math.round(r.x0() * 7)));
        }
        Set<List<Integer>> expect = new HashSet<>();
        for (int r = 0; r < 4; r++) {
            for (int c = 0; c < 4; c++) {
                expect.add(List.of(0, r, c)); // (3, 3) was reached by the 2x2 cell first and keeps its scale
            }
        }
        expect.add(List.of(2, 5, 6));
        assertEquals(expect, got);
        assertEquals(17, cells.size());
        assertEquals(0, cells.get(0).scale());
        assertEquals(2, cells.get(cells.size() - 1).scale());
    }

    @Test
    void effectiveOnTheFourteenGridCoversAQuarterCellWithFourByFourBlocks() {
        FrameTrace f = VizTestData.frame(new int[] {1, 1, 1}, new int[] {3, 0, 13});
        List<MaskCell> cells = MaskGeometry.cells(f, List.of(), GeometryMode.EFFECTIVE);
        assertEquals(17, cells.size()); // [1/4, 1/2) -> rows/cols 3..6 (3.5 .. 7), plus the 14x14 cell
        for (MaskCell c : cells.subList(0, 16)) {
            assertEquals(1, c.scale());
            assertTrue(c.rect().x0() >= 3.0 / 14 - 1e-12 && c.rect().x1() <= 7.0 / 14 + 1e-12);
        }
    }

    @Test
    void effectiveCellsOfTilesAreMappedOntoTheSourceFrame() {
        TilePlacement left = TilePlacement.ofGrid(1, 2, 0, 0);
        TilePlacement right = TilePlacement.ofGrid(1, 2, 0, 1);
        NormRect local = VizTestData.fix(0, 0, 0, 0).rect();
        Fixation tiled = new Fixation(0, 0, 0, 0, 0, 2, 1, right.toSource(local), Double.NaN);
        Fixation fine = new Fixation(
                0, 1, 1, 0, 0, 4, 1, right.toSource(VizTestData.fix(0, 1, 0, 0).rect()), Double.NaN);
        FrameTrace f = new FrameTrace(0, List.of(tiled, fine));
        List<MaskCell> cells = MaskGeometry.cells(f, List.of(left, right), GeometryMode.EFFECTIVE);
        assertEquals(4, cells.size()); // the 2x2 cell is 2x2 cells of the 4x4 grid; the 4x4 cell is one of them
        for (MaskCell c : cells) {
            assertTrue(
                    c.rect().x0() >= 0.5
                            && c.rect().x1() <= 0.75 + 1e-12
                            && c.rect().y1() <= 0.5 + 1e-12,
                    c.toString());
            assertEquals(0.125, c.rect().width(), 1e-12);
        }
        assertEquals(
                1,
                MaskGeometry.cells(f, List.of(left, right), GeometryMode.DEDUPLICATED)
                        .size());
    }

    private static boolean coveredOnRaster(Fixation f, List<Fixation> all) {
        boolean[][] covered = new boolean[28][28];
        for (Fixation o : all) {
            if (o.scale() < f.scale()) {
                paint(covered, o);
            }
        }
        int k = 28 / f.grid();
        for (int y = f.row() * k; y < (f.row() + 1) * k; y++) {
            for (int x = f.col() * k; x < (f.col() + 1) * k; x++) {
                if (!covered[y][x]) {
                    return false;
                }
            }
        }
        return true;
    }

    private static void paint(boolean[][] raster, Fixation o) {
        int k = 28 / o.grid();
        for (int y = o.row() * k; y < (o.row() + 1) * k; y++) {
            for (int x = o.col() * k; x < (o.col() + 1) * k; x++) {
                raster[y][x] = true;
            }
        }
    }
}
