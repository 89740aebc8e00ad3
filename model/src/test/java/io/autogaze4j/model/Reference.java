package io.autogaze4j.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.autogaze4j.weights.SafetensorsFile;
import java.io.IOException;
import java.nio.file.Files;
import java.util.Arrays;
import java.util.List;

/**
 * Expected generation outputs of one fixture case (harness-1 names such as {@code gazing_mask_0} or v2
 * names such as {@code out.gazing_mask.0}), and the exact comparison of a {@link GazeResult} with them.
 */
record Reference(
        String what,
        long[][] gazingPos,
        boolean[][] padded,
        long[] numGazingEachFrame,
        float[][] masks,
        int[][] maskShapes) {

    /** Reads the outputs stored under {@code prefix} ("" or "out." or "single0." ...). */
    static Reference read(SafetensorsFile f, String prefix, String what) throws IOException {
        boolean v2 = !prefix.isEmpty();
        int[] posShape = f.info(prefix + "gazing_pos").shape();
        long[] pos = f.longs(prefix + "gazing_pos");
        long[] pad = f.longs(prefix + "if_padded_gazing");
        int b = posShape[0], n = posShape[1];
        long[][] p = new long[b][];
        boolean[][] pd = new boolean[b][n];
        for (int i = 0; i < b; i++) {
            p[i] = Arrays.copyOfRange(pos, i * n, (i + 1) * n);
            for (int j = 0; j < n; j++) {
                pd[i][j] = pad[i * n + j] != 0;
            }
        }
        float[][] masks = new float[4][];
        int[][] shapes = new int[4][];
        for (int s = 0; s < 4; s++) {
            String name = v2 ? prefix + "gazing_mask." + s : "gazing_mask_" + s;
            masks[s] = f.floats(name);
            shapes[s] = f.info(name).shape();
        }
        return new Reference(what, p, pd, f.longs(prefix + "num_gazing_each_frame"), masks, shapes);
    }

    /** The case's arguments from metadata.json ({@code args} for v2, top level for harness-1). */
    static JsonNode args(String caseDir) throws IOException {
        JsonNode root = new ObjectMapper()
                .readTree(Files.readString(Fixtures.dir(caseDir).resolve("metadata.json")));
        return root.has("args") ? root.get("args") : root;
    }

    /** Options with the case's ratio and (float32) requirement; traces on for failure messages. */
    static GazeOptions options(String caseDir) throws IOException {
        JsonNode a = args(caseDir);
        GazeOptions.Builder b = GazeOptions.builder()
                .gazingRatio(a.get("gazing_ratio").asDouble())
                .recordTrace(true);
        JsonNode q = a.get("task_loss_requirement");
        if (q != null && !q.isNull()) {
            b.taskLossRequirement(q.asDouble());
        }
        return b.build();
    }

    /** Asserts tokens, padding, slot counts and all four masks are identical. */
    void assertMatches(GazeResult r) {
        assertEquals(gazingPos.length, r.batch(), what + ": batch size");
        long[] counts = Arrays.stream(r.numGazingEachFrame()).asLongStream().toArray();
        for (int b = 0; b < gazingPos.length; b++) {
            for (int j = 0; j < Math.min(gazingPos[b].length, r.gazingPos()[b].length); j++) {
                if (gazingPos[b][j] != r.gazingPos()[b][j] || padded[b][j] != r.padded()[b][j]) {
                    fail(what + ": first difference at row " + b + ", slot " + j + ": expected id " + gazingPos[b][j]
                            + (padded[b][j] ? " (pad)" : "") + ", got " + r.gazingPos()[b][j]
                            + (r.padded()[b][j] ? " (pad)" : "")
                            + "; " + locate(r, b, j) + "; expected counts " + Arrays.toString(numGazingEachFrame)
                            + ", got " + Arrays.toString(counts));
                }
            }
        }
        assertArrayEquals(numGazingEachFrame, counts, what + ": num_gazing_each_frame");
        for (int b = 0; b < gazingPos.length; b++) {
            assertArrayEquals(gazingPos[b], r.gazingPos()[b], what + ": gazing_pos row " + b);
            assertArrayEquals(padded[b], r.padded()[b], what + ": if_padded_gazing row " + b);
        }
        for (int s = 0; s < 4; s++) {
            boolean[][][] m = r.mask(s);
            int[] shape = maskShapes[s];
            assertArrayEquals(
                    shape, new int[] {m.length, m[0].length, m[0][0].length}, what + ": mask " + s + " shape");
            for (int b = 0; b < shape[0]; b++) {
                for (int t = 0; t < shape[1]; t++) {
                    for (int c = 0; c < shape[2]; c++) {
                        boolean expected = masks[s][(b * shape[1] + t) * shape[2] + c] != 0f;
                        assertEquals(
                                expected,
                                m[b][t][c],
                                what + ": mask " + s + " row " + b + " frame " + t + " cell " + c);
                    }
                }
            }
        }
    }

    /** Which frame / step produced slot j of row b, with the selection margin there. */
    private static String locate(GazeResult r, int b, int j) {
        int t = 0;
        int start = 0;
        while (t < r.frames() && start + r.numGazingEachFrame()[t] <= j) {
            start += r.numGazingEachFrame()[t++];
        }
        int inFrame = j - start;
        List<StepTrace> trace = r.trace();
        int seen = 0;
        for (StepTrace s : trace) {
            if (s.frame() != r.firstFrame() + t) {
                continue;
            }
            int n = s.tokens()[b].length;
            if (inFrame < seen + n) {
                int i = inFrame - seen;
                return "frame " + t + ", step " + s.step() + ", head " + i + ", logit margin " + s.margins()[b][i]
                        + ", task loss " + s.taskLoss()[b][i] + ", positions "
                        + Arrays.toString(Arrays.copyOf(s.positions()[b], Math.min(12, s.positions()[b].length)));
            }
            seen += n;
        }
        return "frame " + t + " (no trace for that slot)";
    }
}
