package io.autogaze4j.readout;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The per-frame steps of {@link ReadoutOptions}: filters, order, dilation, caps and fill. */
class ReadoutRulesTest {
    private static final SparseReadoutGrid G14 = new SparseReadoutGrid(14, 14);

    private static Fixation fix(int local, double confidence) {
        var c = TestData.LAYOUT.cell(0, local);
        return new Fixation(0, local, c.scale(), c.row(), c.col(), c.grid(), -1, NormRect.of(c), confidence);
    }

    private static List<Fixation> randomFrame(Random rnd, int n) {
        List<Fixation> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(fix(rnd.nextInt(TestData.LAYOUT.cellsPerFrame()), rnd.nextDouble()));
        }
        return out;
    }

    private static int[] tokens(List<Fixation> frame, ReadoutOptions o) {
        return SparseProjection.image(G14, o).imageTokens(frame);
    }

    @Test
    void tokensComeFixationByFixationRowMajorWithoutRepeats() {
        // cell 0 = scale 0 (0,0) covers the 7x7 top-left block; cell 69 = scale 3 (0,0) is inside it
        int[] t = tokens(List.of(fix(69 + 15, 0.5), fix(0, 0.5), fix(69, 0.5)), ReadoutOptions.defaults());
        assertEquals(49, t.length);
        assertEquals(15, t[0]);
        assertArrayEquals(new int[] {0, 1, 2, 3, 4, 5, 6, 14, 16}, Arrays.copyOfRange(t, 1, 10));
        assertEquals(Set.of(), duplicates(t));
    }

    @Test
    void everyKeptFixationIsCoveredAndNothingElse() {
        Random rnd = new Random(3);
        for (int i = 0; i < 200; i++) {
            List<Fixation> frame = randomFrame(rnd, 1 + rnd.nextInt(12));
            int dilation = rnd.nextInt(3);
            int[] t = tokens(frame, ReadoutOptions.builder().dilation(dilation).build());
            Set<Integer> expected = new HashSet<>();
            for (Fixation f : frame) {
                TokenBox core = G14.cover(f.rect());
                for (int id = 0; id < G14.tokens(); id++) {
                    for (int core0 : core.ids(G14)) {
                        if (Math.abs(G14.row(id) - G14.row(core0)) <= dilation
                                && Math.abs(G14.col(id) - G14.col(core0)) <= dilation) {
                            expected.add(id);
                        }
                    }
                }
            }
            assertEquals(expected, set(t));
            assertEquals(t.length, set(t).size());
        }
    }

    @Test
    void capsKeepTracePrefixes() {
        Random rnd = new Random(11);
        for (int i = 0; i < 100; i++) {
            List<Fixation> frame = randomFrame(rnd, 2 + rnd.nextInt(10));
            ReadoutOptions base = ReadoutOptions.builder()
                    .dilation(rnd.nextInt(2))
                    .fixationScale(0.5 + rnd.nextDouble())
                    .build();
            int[] all = tokens(frame, base);
            int cap = 1 + rnd.nextInt(all.length);
            assertArrayEquals(
                    Arrays.copyOf(all, cap),
                    tokens(frame, base.toBuilder().maxTokensPerFrame(cap).build()));
            int n = 1 + rnd.nextInt(frame.size());
            assertArrayEquals(
                    tokens(frame.subList(0, n), base),
                    tokens(frame, base.toBuilder().maxFixationsPerFrame(n).build()));
        }
    }

    @Test
    void thresholdKeepsStrictlyHigherConfidencesBeforeTheFixationCap() {
        List<Fixation> frame = List.of(fix(69, 0.2), fix(70, 0.5), fix(71, 0.9), fix(72, 0.7));
        ReadoutOptions o = ReadoutOptions.builder()
                .confidenceThreshold(0.5)
                .maxFixationsPerFrame(1)
                .build();
        assertEquals(1, o.fixationRects(frame).size());
        assertArrayEquals(new int[] {2}, tokens(frame, o));
        assertEquals(
                4,
                o.toBuilder()
                        .maxFixationsPerFrame(4)
                        .confidenceThreshold(0.1)
                        .build()
                        .fixationRects(frame)
                        .size());
        assertEquals(
                0,
                o.toBuilder()
                        .maxFixationsPerFrame(0)
                        .build()
                        .fixationRects(frame)
                        .size());
        List<Fixation> unknown = List.of(fix(69, Double.NaN));
        assertTrue(assertThrows(IllegalStateException.class, () -> o.fixationRects(unknown))
                .getMessage()
                .contains("no confidence"));
        assertEquals(
                1,
                ReadoutOptions.defaults().fixationRects(unknown).size(),
                "unknown counts as 1.0 under the default threshold 0");
    }

    @Test
    void fixationScaleGrowsAndShrinksAboutTheCentre() {
        Fixation centre = fix(TestData.LAYOUT.id(3, 6, 6), 0.5); // patch (6, 6) of the 14-grid
        assertArrayEquals(
                new int[] {6 * 14 + 6},
                tokens(
                        List.of(centre),
                        ReadoutOptions.builder().fixationScale(0.3).build()));
        // 3x: [5/14, 8/14) -> patches 5..7
        int[] grown = tokens(
                List.of(centre), ReadoutOptions.builder().fixationScale(3).build());
        assertEquals(
                Set.of(
                        5 * 14 + 5,
                        5 * 14 + 6,
                        5 * 14 + 7,
                        6 * 14 + 5,
                        6 * 14 + 6,
                        6 * 14 + 7,
                        7 * 14 + 5,
                        7 * 14 + 6,
                        7 * 14 + 7),
                set(grown));
        Fixation corner = fix(TestData.LAYOUT.id(3, 0, 0), 0.5);
        List<NormRect> rects = ReadoutOptions.builder().fixationScale(3).build().fixationRects(List.of(corner));
        assertEquals(2.0 / 14, rects.get(0).x1(), 1e-15);
        assertEquals(0, rects.get(0).x0());
        assertThrows(
                IllegalArgumentException.class,
                () -> ReadoutOptions.builder().fixationScale(0).build());
        assertThrows(
                IllegalArgumentException.class,
                () -> ReadoutOptions.builder().dilation(-1).build());
        assertThrows(
                IllegalArgumentException.class,
                () -> ReadoutOptions.builder().confidenceThreshold(Double.NaN).build());
    }

    private static Set<Integer> set(int[] a) {
        Set<Integer> s = new HashSet<>();
        for (int v : a) {
            s.add(v);
        }
        return s;
    }

    private static Set<Integer> duplicates(int[] a) {
        Set<Integer> seen = new HashSet<>();
        Set<Integer> dup = new HashSet<>();
        for (int v : a) {
            if (!seen.add(v)) {
                dup.add(v);
            }
        }
        return dup;
    }
}
