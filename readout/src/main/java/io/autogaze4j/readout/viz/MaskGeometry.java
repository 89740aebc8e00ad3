package io.autogaze4j.readout.viz;

import io.autogaze4j.readout.Fixation;
import io.autogaze4j.readout.FrameTrace;
import io.autogaze4j.readout.GazeTrace;
import io.autogaze4j.readout.NormRect;
import io.autogaze4j.readout.TilePlacement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Turns a frame's fixations into the cells to draw, in one of the {@link GeometryMode}s. All decisions are
 * made exactly on the cells' grid coordinates (tile-local {@code row, col, grid}), never on rounded pixels:
 * <ul>
 *   <li>{@code NATIVE}: every fixation, its own rectangle and scale;</li>
 *   <li>{@code DEDUPLICATED}: a fixation is dropped when the union of the frame's fixations of strictly
 *       coarser scales in the same tile covers its cell completely (a 7x7 cell may be covered by two 4x4 cells);</li>
 *   <li>{@code EFFECTIVE}: the finest scale gazed in the frame gives the grid {@code G}; each fixation of
 *       grid {@code g} becomes the cells of {@code G} it overlaps with a positive area (rows
 *       {@code floor(row*G/g) .. ceil((row+1)*G/g)-1}, the same for columns: the readout coverage rule),
 *       each effective cell listed once with the coarsest scale that reached it.</li>
 * </ul>
 * Cells are returned coarse scales first (so painting in order puts finer cells on top), in trace order within
 * a scale ({@code EFFECTIVE}: row-major within a scale, tile by tile).
 */
public final class MaskGeometry {
    private MaskGeometry() {}

    /** The cells of the {@code i}-th frame of a trace (its tiles map tiled cells onto the source frame). */
    public static List<MaskCell> cells(GazeTrace trace, int i, GeometryMode mode) {
        return cells(trace.frame(i), trace.tiles(), mode);
    }

    /** The cells of one frame; {@code tiles} are the trace's tile placements (empty when untiled). */
    public static List<MaskCell> cells(FrameTrace frame, List<TilePlacement> tiles, GeometryMode mode) {
        List<Fixation> byScale = new ArrayList<>(frame.fixations());
        byScale.sort(Comparator.comparingInt(Fixation::scale));
        return switch (mode) {
            case NATIVE ->
                byScale.stream().map(f -> new MaskCell(f.scale(), f.rect())).toList();
            case DEDUPLICATED ->
                byScale.stream()
                        .filter(f -> !coveredByCoarser(f, byScale))
                        .map(f -> new MaskCell(f.scale(), f.rect()))
                        .toList();
            case EFFECTIVE -> effective(byScale, tiles);
        };
    }

    /** Whether the union of the coarser fixations of {@code f}'s tile covers {@code f}'s cell. */
    static boolean coveredByCoarser(Fixation f, List<Fixation> frame) {
        List<Fixation> coarser = frame.stream()
                .filter(o -> o.tile() == f.tile() && o.scale() < f.scale())
                .toList();
        if (coarser.isEmpty()) {
            return false;
        }
        long common = f.grid();
        for (Fixation o : coarser) {
            common = lcm(common, o.grid());
        }
        long unit = common;
        long[] cell = span(f, unit);
        List<long[]> spans = coarser.stream().map(o -> span(o, unit)).toList();
        // Cut the cell along every coarser edge inside it; each piece lies wholly inside or outside each
        // coarser cell, so testing one corner per piece decides its coverage.
        TreeSet<Long> xs = edges(cell[0], cell[2], spans, 0);
        TreeSet<Long> ys = edges(cell[1], cell[3], spans, 1);
        for (long y : ys.headSet(cell[3])) {
            for (long x : xs.headSet(cell[2])) {
                if (spans.stream().noneMatch(s -> s[0] <= x && x < s[2] && s[1] <= y && y < s[3])) {
                    return false;
                }
            }
        }
        return true;
    }

    private static List<MaskCell> effective(List<Fixation> byScale, List<TilePlacement> tiles) {
        if (byScale.isEmpty()) {
            return List.of();
        }
        int finest = byScale.get(byScale.size() - 1).grid();
        // key: tile, row, col on the finest grid -> coarsest scale reaching it (insertion order = coarse first)
        Map<List<Integer>, Integer> reached = new LinkedHashMap<>();
        for (Fixation f : byScale) {
            long g = f.grid();
            int r0 = (int) (f.row() * finest / g);
            int r1 = (int) ceilDiv((f.row() + 1L) * finest, g);
            int c0 = (int) (f.col() * finest / g);
            int c1 = (int) ceilDiv((f.col() + 1L) * finest, g);
            for (int r = r0; r < r1; r++) {
                for (int c = c0; c < c1; c++) {
                    reached.putIfAbsent(List.of(f.tile(), r, c), f.scale());
                }
            }
        }
        List<Map.Entry<List<Integer>, Integer>> entries = new ArrayList<>(reached.entrySet());
        entries.sort(Comparator.<Map.Entry<List<Integer>, Integer>>comparingInt(Map.Entry::getValue)
                .thenComparingInt(e -> e.getKey().get(0))
                .thenComparingInt(e -> e.getKey().get(1))
                .thenComparingInt(e -> e.getKey().get(2)));
        List<MaskCell> out = new ArrayList<>();
        for (Map.Entry<List<Integer>, Integer> e : entries) {
            int tile = e.getKey().get(0);
            int r = e.getKey().get(1);
            int c = e.getKey().get(2);
            NormRect local = new NormRect(
                    (double) c / finest, (double) r / finest, (double) (c + 1) / finest, (double) (r + 1) / finest);
            NormRect rect = tile < 0 ? local : placement(tiles, tile).toSource(local);
            if (rect != null) {
                out.add(new MaskCell(e.getValue(), rect));
            }
        }
        return out;
    }

    private static TilePlacement placement(List<TilePlacement> tiles, int tile) {
        if (tile >= tiles.size()) {
            throw new IllegalArgumentException(
                    "fixation of tile " + tile + " but only " + tiles.size() + " tile placements were given");
        }
        return tiles.get(tile);
    }

    /** The cell as {@code [x0, y0, x1, y1)} in units of {@code 1/unit} of the (tile's) frame. */
    private static long[] span(Fixation f, long unit) {
        long k = unit / f.grid();
        return new long[] {f.col() * k, f.row() * k, (f.col() + 1) * k, (f.row() + 1) * k};
    }

    private static TreeSet<Long> edges(long lo, long hi, List<long[]> spans, int axis) {
        TreeSet<Long> out = new TreeSet<>(List.of(lo, hi));
        for (long[] s : spans) {
            for (long e : new long[] {s[axis], s[axis + 2]}) {
                if (e > lo && e < hi) {
                    out.add(e);
                }
            }
        }
        return out;
    }

    private static long lcm(long a, long b) {
        long x = a;
        long y = b;
        while (y != 0) {
            long t = x % y;
            x = y;
            y = t;
        }
        return Math.multiplyExact(a / x, b);
    }

    private static long ceilDiv(long a, long b) {
        return Math.floorDiv(a + b - 1, b);
    }
}
