package io.autogaze4j.readout;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.autogaze4j.model.GazeResult;
import io.autogaze4j.weights.DType;
import io.autogaze4j.weights.SafetensorsFile;
import java.io.IOException;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * Reference outputs decode to their own masks exactly: the real NVIDIA checkpoint's generate output
 * ({@code upstream_real}) and fixtures with padding and batches.
 */
class ReferenceOutputsTest {

    /** Tensor names of one reference output set. */
    private record Names(String pos, String padded, String num, String maskPrefix) {}

    private static final Names UPSTREAM =
            new Names("gazing_pos", "if_padded_gazing", "num_gazing_each_frame", "gazing_mask_");
    private static final Names V2 =
            new Names("out.gazing_pos", "out.if_padded_gazing", "out.num_gazing_each_frame", "out.gazing_mask.");

    private static GazeResult load(SafetensorsFile f, Names n) throws IOException {
        long[] pos = f.longs(n.pos);
        int[] shape = f.info(n.pos).shape();
        int rows = shape[0];
        int slots = shape[1];
        boolean[] flat = paddingFlags(f, n.padded);
        long[][] p = new long[rows][];
        boolean[][] pad = new boolean[rows][slots];
        for (int b = 0; b < rows; b++) {
            p[b] = java.util.Arrays.copyOfRange(pos, b * slots, (b + 1) * slots);
            for (int j = 0; j < slots; j++) {
                pad[b][j] = flat[b * slots + j];
            }
        }
        long[] num = f.longs(n.num);
        int[] perFrame = new int[num.length];
        for (int t = 0; t < num.length; t++) {
            perFrame[t] = (int) num[t];
        }
        return new GazeResult(TestData.LAYOUT, 0, p, pad, perFrame, List.of());
    }

    private static boolean[] paddingFlags(SafetensorsFile f, String name) throws IOException {
        int n = f.info(name).shape()[0] * f.info(name).shape()[1];
        boolean[] out = new boolean[n];
        if (f.info(name).dtype() == DType.I64) {
            long[] v = f.longs(name);
            for (int i = 0; i < n; i++) {
                out[i] = v[i] != 0;
            }
        } else {
            byte[] v = f.bytes(name);
            for (int i = 0; i < n; i++) {
                out[i] = v[i] != 0;
            }
        }
        return out;
    }

    /** The traces of a result, turned back into the official per-scale masks, must equal the stored masks. */
    private static void assertTracesGiveMasks(SafetensorsFile f, Names n, List<GazeTrace> traces) throws IOException {
        for (int s = 0; s < TestData.LAYOUT.numScales(); s++) {
            float[] expected = f.floats(n.maskPrefix + s);
            int cells = TestData.LAYOUT.cells(s);
            float[] actual = new float[expected.length];
            int frames = traces.get(0).frameCount();
            for (GazeTrace trace : traces) {
                for (int t = 0; t < frames; t++) {
                    for (Fixation fx : trace.frame(t).fixations()) {
                        if (fx.scale() == s) {
                            actual[(trace.clip() * frames + t) * cells + fx.row() * fx.grid() + fx.col()] = 1f;
                        }
                    }
                }
            }
            assertArrayEquals(expected, actual, "scale " + s + " mask of " + f.path());
        }
    }

    @Test
    void realCheckpointOutputDecodesToItsMasks() throws IOException {
        try (SafetensorsFile f = SafetensorsFile.open(
                TestData.fixture("upstream_real/autogaze_official_generate").resolve("fixture_outputs.safetensors"))) {
            GazeResult r = load(f, UPSTREAM);
            List<GazeTrace> traces = GazeTraces.of(r);
            assertTracesGiveMasks(f, UPSTREAM, traces);
            // spec 4.9: ids [1, 3, 7, 17, 16, 18, 67 | 266, 318, 285, 314, 331, 296, 317], no padding
            assertEquals(
                    List.of(1, 3, 7, 17, 16, 18, 67, 1, 53, 20, 49, 66, 31, 52),
                    traces.get(0).fixations().stream().map(Fixation::cell).toList());

            // on the model's own 14x14 patch grid a frame's tokens are the union of its cells' masks upsampled
            SparseReadoutGrid grid = SparseReadoutGrid.ofImage(224, 224, 16, 16);
            ImageReadout image = Readout.imageTokens(r, grid, ReadoutOptions.defaults());
            for (int t = 0; t < 2; t++) {
                Set<Integer> expected = new TreeSet<>();
                for (int s = 0; s < TestData.LAYOUT.numScales(); s++) {
                    int g = TestData.LAYOUT.grid(s);
                    float[] mask = f.floats(UPSTREAM.maskPrefix + s);
                    for (int cell = 0; cell < g * g; cell++) {
                        if (mask[t * g * g + cell] != 0) {
                            upsample(cell / g, cell % g, g, expected);
                        }
                    }
                }
                assertEquals(expected, set(image.sortedTokens(0, t)), "frame " + t);
            }
        }
    }

    /** Adds the 14-grid patches that cell (r, c) of a g-grid overlaps (exact integer test). */
    private static void upsample(int r, int c, int g, Set<Integer> out) {
        for (int pr = 0; pr < 14; pr++) {
            for (int pc = 0; pc < 14; pc++) {
                if (r * 14 < (pr + 1) * g && pr * g < (r + 1) * 14 && c * 14 < (pc + 1) * g && pc * g < (c + 1) * 14) {
                    out.add(pr * 14 + pc);
                }
            }
        }
    }

    @Test
    void paddedBatchOutputsDecodeToTheirMasks() throws IOException {
        for (String name : new String[] {"batch2", "real_16f", "nonsquare_tiles"}) {
            try (SafetensorsFile f = SafetensorsFile.open(TestData.fixture(name).resolve("fixture.safetensors"))) {
                GazeResult r = load(f, V2);
                List<GazeTrace> traces = GazeTraces.of(r);
                assertTracesGiveMasks(f, V2, traces);
                int valid = 0;
                for (int b = 0; b < r.batch(); b++) {
                    valid += r.validCount(b);
                }
                assertEquals(
                        valid,
                        traces.stream().mapToInt(t -> t.fixations().size()).sum());
                assertTrue(valid < r.batch() * r.gazingPos()[0].length, name + " should contain padding");
            }
        }
    }

    @Test
    void tiledReferenceOutputMapsTileCellsOntoTheSourceFrame() throws IOException {
        // nonsquare_tiles: a 448x672 frame cut into 2x3 tiles of 224 px, batch row = 3 * tileRow + tileCol
        List<TilePlacement> tiles = new java.util.ArrayList<>();
        for (int i = 0; i < 6; i++) {
            tiles.add(TilePlacement.ofPixels(i, 224 * (i % 3), 224 * (i / 3), 224, 224, 672, 448));
        }
        try (SafetensorsFile f =
                SafetensorsFile.open(TestData.fixture("nonsquare_tiles").resolve("fixture.safetensors"))) {
            GazeResult r = load(f, V2);
            List<GazeTrace> traces = GazeTraces.tiled(r, ConfidenceSource.unknown(), tiles);
            assertEquals(1, traces.size());
            SparseReadoutGrid patches = SparseReadoutGrid.ofImage(448, 672, 16, 16);
            for (int t = 0; t < 2; t++) {
                List<Fixation> fx = traces.get(0).frame(t).fixations();
                int expectedCount = 0;
                for (int s = 0; s < TestData.LAYOUT.numScales(); s++) {
                    int g = TestData.LAYOUT.grid(s);
                    float[] mask = f.floats(V2.maskPrefix + s);
                    Set<List<Integer>> fromMasks = new java.util.HashSet<>();
                    for (int tile = 0; tile < 6; tile++) {
                        for (int cell = 0; cell < g * g; cell++) {
                            if (mask[(tile * 2 + t) * g * g + cell] != 0) {
                                // global cell (R*g + r, C*g + c) of a 2g x 3g grid over the source frame (spec 5.2)
                                fromMasks.add(List.of((tile / 3) * g + cell / g, (tile % 3) * g + cell % g));
                            }
                        }
                    }
                    expectedCount += fromMasks.size();
                    Set<List<Integer>> fromTrace = new java.util.HashSet<>();
                    for (Fixation x : fx) {
                        if (x.scale() == s) {
                            int gr = (int) Math.round(x.rect().y0() * 2 * g);
                            int gc = (int) Math.round(x.rect().x0() * 3 * g);
                            assertEquals((double) (gc + 1) / (3 * g), x.rect().x1(), 1e-12);
                            assertEquals((double) (gr + 1) / (2 * g), x.rect().y1(), 1e-12);
                            fromTrace.add(List.of(gr, gc));
                            if (s == 3) { // a finest cell is exactly one 16-px patch of the source frame
                                assertEquals(new TokenBox(gr, gc, gr + 1, gc + 1), patches.cover(x.rect()));
                            }
                        }
                    }
                    assertEquals(fromMasks, fromTrace, "scale " + s + ", frame " + t);
                }
                assertEquals(expectedCount, fx.size());
            }
        }
    }

    private static Set<Integer> set(int[] a) {
        Set<Integer> s = new TreeSet<>();
        for (int v : a) {
            s.add(v);
        }
        return s;
    }
}
