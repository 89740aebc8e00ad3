package io.autogaze4j.readout;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.autogaze4j.model.GazeResult;
import io.autogaze4j.model.ScaleLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Shared test inputs: the official layout, hand-made results and the reference fixture folder. */
final class TestData {
    /** The official multi-scale layout: scales 32/64/112/224, grids 2/4/7/14, 265 cells. */
    static final ScaleLayout LAYOUT = ScaleLayout.of(new int[] {32, 64, 112, 224}, new int[] {2, 4, 7, 14});

    private TestData() {}

    /** A result of one frame per entry of {@code framesIds} for every row; {@code -1} marks a padding slot. */
    static GazeResult result(int[][][] rowsFramesIds) {
        int rows = rowsFramesIds.length;
        int frames = rowsFramesIds[0].length;
        int[] num = new int[frames];
        for (int t = 0; t < frames; t++) {
            num[t] = rowsFramesIds[0][t].length;
        }
        int n = java.util.Arrays.stream(num).sum();
        long[][] pos = new long[rows][n];
        boolean[][] padded = new boolean[rows][n];
        int cells = LAYOUT.cellsPerFrame();
        for (int b = 0; b < rows; b++) {
            int j = 0;
            for (int t = 0; t < frames; t++) {
                for (int id : rowsFramesIds[b][t]) {
                    padded[b][j] = id < 0;
                    pos[b][j] = (long) t * cells + (id < 0 ? cells : id);
                    j++;
                }
            }
        }
        return new GazeResult(LAYOUT, 0, pos, padded, num, List.of());
    }

    static Path fixture(String name) {
        String prop = System.getProperty("autogaze.fixtures");
        Path root = prop != null ? Path.of(prop) : Path.of("..", "..", "shared", "fixtures");
        Path p = root.resolve(name);
        assertTrue(Files.isDirectory(p), "reference fixture folder not found: " + p.toAbsolutePath());
        return p;
    }
}
