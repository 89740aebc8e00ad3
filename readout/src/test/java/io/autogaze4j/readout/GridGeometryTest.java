package io.autogaze4j.readout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.autogaze4j.model.GazeCell;
import java.util.Random;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** The coverage rule of {@link SparseReadoutGrid}: exact against brute force, edges half-open. */
class GridGeometryTest {
    private static final SparseReadoutGrid[] GRIDS = {
        new SparseReadoutGrid(14, 14),
        new SparseReadoutGrid(16, 16),
        new SparseReadoutGrid(7, 10),
        new SparseReadoutGrid(9, 13),
        new SparseReadoutGrid(1, 1),
        new SparseReadoutGrid(28, 28),
        new SparseReadoutGrid(3, 5),
        new SparseReadoutGrid(42, 21)
    }; // 9/14 * 42 rounds to 27.000000000000004: only the edge snap keeps it exact

    private static TreeSet<Integer> covered(SparseReadoutGrid grid, NormRect rect) {
        TreeSet<Integer> s = new TreeSet<>();
        TokenBox box = grid.cover(rect);
        if (box != null) {
            for (int id : box.ids(grid)) {
                assertTrue(s.add(id), "token listed twice");
            }
        }
        return s;
    }

    @Test
    void everyCellCoversExactlyThePatchesItOverlapsInRationalArithmetic() {
        for (SparseReadoutGrid grid : GRIDS) {
            for (int local = 0; local < TestData.LAYOUT.cellsPerFrame(); local++) {
                GazeCell c = TestData.LAYOUT.cell(0, local);
                int g = c.grid();
                TreeSet<Integer> expected = new TreeSet<>();
                for (int r = 0; r < grid.height(); r++) {
                    for (int col = 0; col < grid.width(); col++) {
                        // [c/g, (c+1)/g) overlaps [j/W, (j+1)/W) iff c*W < (j+1)*g and j*g < (c+1)*W, exactly in
                        // integers
                        boolean x = (long) c.col() * grid.width() < (long) (col + 1) * g
                                && (long) col * g < (long) (c.col() + 1) * grid.width();
                        boolean y = (long) c.row() * grid.height() < (long) (r + 1) * g
                                && (long) r * g < (long) (c.row() + 1) * grid.height();
                        if (x && y) {
                            expected.add(grid.id(r, col));
                        }
                    }
                }
                assertEquals(expected, covered(grid, NormRect.of(c)), "cell " + local + " on " + grid);
            }
        }
    }

    @Test
    void randomRectanglesCoverExactlyTheOverlappedPatches() {
        Random rnd = new Random(7);
        for (int i = 0; i < 4000; i++) {
            SparseReadoutGrid grid = GRIDS[i % GRIDS.length];
            double a = rnd.nextDouble() * 1.2 - 0.1;
            double b = rnd.nextDouble() * 1.2 - 0.1;
            double c = rnd.nextDouble() * 1.2 - 0.1;
            double d = rnd.nextDouble() * 1.2 - 0.1;
            if (a == b || c == d) {
                continue;
            }
            NormRect rect = new NormRect(Math.min(a, b), Math.min(c, d), Math.max(a, b), Math.max(c, d));
            TreeSet<Integer> expected = new TreeSet<>();
            for (int id = 0; id < grid.tokens(); id++) {
                NormRect p = grid.patchRect(id);
                if (rect.x0() < p.x1() && p.x0() < rect.x1() && rect.y0() < p.y1() && p.y0() < rect.y1()) {
                    expected.add(id);
                }
            }
            assertEquals(expected, covered(grid, rect), rect + " on " + grid);
        }
    }

    @Test
    void touchingEdgesDoNotCoverAndTinyRectanglesCoverOnePatch() {
        SparseReadoutGrid g = new SparseReadoutGrid(4, 4);
        assertEquals(new TokenBox(0, 1, 1, 2), g.cover(new NormRect(0.25, 0, 0.5, 0.25)));
        SparseReadoutGrid g14 = new SparseReadoutGrid(14, 14);
        // 1/7 and 2/7 are not exact doubles; the snap keeps them on patch edges 2 and 4
        assertEquals(new TokenBox(2, 2, 4, 4), g14.cover(new NormRect(1.0 / 7, 1.0 / 7, 2.0 / 7, 2.0 / 7)));
        assertEquals(new TokenBox(3, 5, 4, 6), g14.cover(new NormRect(0.4, 0.25, 0.4 + 1e-12, 0.25 + 1e-12)));
        assertNull(g.cover(new NormRect(1.0, 0, 1.5, 1)));
        assertEquals(new TokenBox(0, 3, 4, 4), g.cover(new NormRect(0.9, -3, 7, 9)));
    }

    @Test
    void dilationGrowsTheBlockSquareAndClipsAtTheBorder() {
        SparseReadoutGrid g = new SparseReadoutGrid(6, 8);
        TokenBox box = new TokenBox(0, 3, 2, 5);
        assertEquals(new TokenBox(0, 1, 4, 7), box.dilated(2, g));
        assertEquals(new TokenBox(0, 0, 6, 8), box.dilated(50, g));
        assertEquals(box, box.dilated(0, g));
        assertThrows(IllegalArgumentException.class, () -> box.dilated(-1, g));
    }

    @Test
    void badGeometryIsRefusedClearly() {
        assertThrows(IllegalArgumentException.class, () -> new SparseReadoutGrid(0, 4));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> SparseReadoutGrid.ofImage(224, 230, 16, 16))
                .getMessage()
                .contains("not a whole number"));
        assertThrows(IllegalArgumentException.class, () -> new NormRect(0.5, 0, 0.5, 1));
        assertThrows(IllegalArgumentException.class, () -> new NormRect(Double.NaN, 0, 0.5, 1));
        assertThrows(IllegalArgumentException.class, () -> new SparseReadoutGrid(4, 4).id(4, 0));
        assertThrows(IllegalArgumentException.class, () -> new SparseReadoutGrid(4, 4).row(16));
        assertEquals(new SparseReadoutGrid(14, 14), SparseReadoutGrid.ofImage(224, 224, 16, 16));
    }
}
