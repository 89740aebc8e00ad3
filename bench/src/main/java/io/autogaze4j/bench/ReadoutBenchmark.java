package io.autogaze4j.bench;

import io.autogaze4j.model.GazeResult;
import io.autogaze4j.model.ScaleLayout;
import io.autogaze4j.readout.ConfidenceSource;
import io.autogaze4j.readout.CoverageRule;
import io.autogaze4j.readout.ReadoutOptions;
import io.autogaze4j.readout.SparseProjection;
import io.autogaze4j.readout.SparseVideoPatchGeometry;
import io.autogaze4j.readout.TilePlacement;
import io.autogaze4j.readout.VideoCoords;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The sparse readout of one 1080p clip, per clip: fixations -> flat {@code [N, 4]} video-token coordinates. The clip is
 * 16 frames of 1920x1080 cut into 224-px tiles (9 x 5 = 45 per frame, edge tiles padded), each tile-frame gazed at
 * ratio 0.75 (198 of the 265 cells, random, fixed seed: the {@code ModelBenchmarks} load), so 142,560 fixations.
 * They are decoded straight from the result (no traces), listed on the downstream model's 45x80 image grid
 * (24-px patches), merged into 8 tubelets of 2 frames on its 8x45x80 video grid, and written as coordinates.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(
        value = 1,
        jvmArgsAppend = {"--add-modules=jdk.incubator.vector"})
public class ReadoutBenchmark {
    private static final int FRAMES = 16;
    private static final int WIDTH = 1920;
    private static final int HEIGHT = 1080;
    private static final int TILE = 224;
    /** Cells gazed per tile-frame at gazing ratio 0.75 (as the end-to-end figure). */
    private static final int GAZED = 198;

    @Param({"EXACT", "BINARY32"})
    public CoverageRule coverage;

    private GazeResult result;
    private ConfidenceSource confidences;
    private List<TilePlacement> tiles;
    private SparseProjection projection;

    @Setup(Level.Trial)
    public void setup() {
        ScaleLayout layout = ScaleLayout.of(new int[] {32, 64, 112, 224}, new int[] {2, 4, 7, 14});
        tiles = new ArrayList<>();
        int cols = (WIDTH + TILE - 1) / TILE;
        int rows = (HEIGHT + TILE - 1) / TILE;
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                tiles.add(TilePlacement.ofPixels(r * cols + c, c * TILE, r * TILE, TILE, TILE, WIDTH, HEIGHT));
            }
        }
        result = randomResult(layout, tiles.size(), new Random(13));
        confidences = ConfidenceSource.of(result);
        SparseVideoPatchGeometry downstream = SparseVideoPatchGeometry.squarePatch(FRAMES, HEIGHT, WIDTH, 2, 24);
        projection = SparseProjection.fromPatchGeometry(downstream.frameGrid(), downstream)
                .withReadoutOptions(ReadoutOptions.builder().coverage(coverage).build());
        projection = projection.withVideoOptions(
                projection.videoOptions().toBuilder().coverage(coverage).build());
    }

    /** All fixations of the clip to {@code [N, 4]} coordinates. */
    @Benchmark
    public VideoCoords fixationsToCoords() {
        return projection.videoReadout(result, confidences, tiles).flatCoords();
    }

    private static GazeResult randomResult(ScaleLayout layout, int rows, Random rnd) {
        int cells = layout.cellsPerFrame();
        long[][] pos = new long[rows][FRAMES * GAZED];
        float[][] conf = new float[rows][FRAMES * GAZED];
        int[] num = new int[FRAMES];
        Arrays.fill(num, GAZED);
        for (int b = 0; b < rows; b++) {
            for (int t = 0; t < FRAMES; t++) {
                List<Integer> ids = new ArrayList<>();
                for (int i = 0; i < cells; i++) {
                    ids.add(i);
                }
                Collections.shuffle(ids, rnd);
                for (int i = 0; i < GAZED; i++) {
                    pos[b][t * GAZED + i] = (long) t * cells + ids.get(i);
                    conf[b][t * GAZED + i] = 0.01f + 0.99f * rnd.nextFloat();
                }
            }
        }
        return new GazeResult(layout, 0, pos, new boolean[rows][FRAMES * GAZED], num, List.of(), conf);
    }
}
