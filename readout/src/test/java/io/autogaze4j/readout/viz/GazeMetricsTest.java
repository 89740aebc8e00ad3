package io.autogaze4j.readout.viz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.autogaze4j.readout.GazeTrace;
import io.autogaze4j.readout.TraceJson;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GazeMetricsTest {

    @Test
    void psnrMatchesAHandComputedValue() {
        ArgbImage out = ArgbImage.of(2, 1, new int[] {Argb.opaque(10, 20, 30), 0x00000000});
        ArgbImage truth = ArgbImage.of(2, 1, new int[] {Argb.opaque(13, 20, 26), Argb.opaque(0, 0, 4)});
        // squared errors 9, 0, 16 | 0, 0, 16 (alpha ignored): MSE = 41 / 6
        assertEquals(41.0 / 6, GazeMetrics.mse(out, truth), 1e-15);
        assertEquals(39.78447754531818, GazeMetrics.psnr(41.0 / 6), 1e-12); // 10 log10(65025 / (41/6))
        assertEquals(Double.POSITIVE_INFINITY, GazeMetrics.psnr(GazeMetrics.mse(truth, truth)));
        assertEquals(0.0, GazeMetrics.psnr(255.0 * 255.0), 1e-12);
    }

    @Test
    void emaStartsAtTheFirstValueAndSmooths() {
        GazeMetrics m = new GazeMetrics(0.5);
        m.add(0, true, 100, 20, 100, 4);
        m.add(1, false, 100, 60, 60, 0);
        FrameMetrics last = m.add(2, false, 100, 100, 100, 16);
        // gaze 0.2, 0.6, 1.0 -> 0.2, 0.4, 0.7; MSE 4, 0, 16 -> 4, 2, 9
        assertEquals(0.7, last.emaGazeRatio(), 1e-15);
        assertEquals(0.5 * 1.0 + 0.5 * (0.5 * 0.6 + 0.5 * 1.0), last.emaUpdateRatio(), 1e-15);
        assertEquals(9.0, last.emaMse(), 1e-15);
        assertEquals(GazeMetrics.psnr(9), last.emaPsnr(), 1e-15);
        RunMetrics run = m.summary();
        assertEquals(3, run.frameCount());
        assertEquals(1, run.keyframes());
        assertEquals(0.6, run.meanGazeRatio(), 1e-15);
        assertEquals(20.0 / 3, run.meanMse(), 1e-12);
        assertEquals(GazeMetrics.psnr(20.0 / 3), run.psnr(), 1e-12);
        assertEquals(GazeMetrics.psnr(16), run.minPsnr(), 1e-12);
        assertTrue(
                run.summaryLine().startsWith("3 frames (1 keyframe): gaze ratio 60.0% (EMA 70.0%)"), run.summaryLine());
    }

    @Test
    void refusesImpossibleCounts() {
        GazeMetrics m = new GazeMetrics();
        assertThrows(IllegalArgumentException.class, () -> m.add(0, false, 10, 11, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> m.add(0, false, 10, 1, 1, Double.NaN));
        assertThrows(IllegalArgumentException.class, () -> new GazeMetrics(0));
    }

    @Test
    void jsonRoundTripsIncludingInfinitePsnr(@TempDir Path dir) throws Exception {
        GazeMetrics m = new GazeMetrics(0.25);
        m.add(3, true, 64, 64, 64, 0);
        m.add(4, false, 64, 8, 8, 2.5);
        RunMetrics run = m.summary();
        assertEquals(run, MetricsJson.fromJson(MetricsJson.toJson(run)));
        assertTrue(MetricsJson.toJson(run).get("frames").get(0).get("psnr").isNull());

        GazeTrace trace = new GazeTrace(0, List.of(VizTestData.frame(new int[] {0, 0, 0})), List.of());
        Path file = dir.resolve("trace.json");
        MetricsJson.writeTrace(List.of(trace), List.of(run), file);
        assertEquals(List.of(trace), TraceJson.read(file)); // the trace reader ignores the extra field
        assertEquals(List.of(run), MetricsJson.readTrace(file));
        assertTrue(Files.readString(file).contains("\"metrics\""));
        assertThrows(
                IllegalArgumentException.class,
                () -> TraceJson.write(List.of(trace), java.util.Map.of("clips", MetricsJson.toJson(run)), file));
        RunMetrics empty = new GazeMetrics().summary();
        assertEquals(empty, MetricsJson.fromJson(MetricsJson.toJson(empty)));
    }
}
