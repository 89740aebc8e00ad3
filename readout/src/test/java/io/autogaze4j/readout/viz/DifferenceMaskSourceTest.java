package io.autogaze4j.readout.viz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.autogaze4j.model.GazeCell;
import io.autogaze4j.model.GazeResult;
import io.autogaze4j.model.tiling.PixelRect;
import io.autogaze4j.readout.Fixation;
import io.autogaze4j.readout.GazeTrace;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DifferenceMaskSourceTest {

    /** A 16 px white square moving right by one 14x14 cell per frame, on cell row 3. */
    private static List<ArgbImage> movingSquare(int frames) {
        List<ArgbImage> out = new ArrayList<>();
        for (int t = 0; t < frames; t++) {
            out.add(VizTestData.square(224, 32 + 16 * t, 48, 16));
        }
        return out;
    }

    @Test
    void aHighThresholdGazesExactlyTheCellsTheSquareLeftAndEntered() {
        // a whole 14x14 cell changes by 255; a 7x7 cell changes by at most 255/2 (both squares inside it), below 200
        DifferenceMaskSource src = new DifferenceMaskSource(DifferenceMaskSource.OFFICIAL_LAYOUT, 200);
        GazeResult result = src.result(movingSquare(5));
        assertEquals(
                List.of(0, 1, 2, 3),
                result.cells(0, 0).stream().map(GazeCell::localId).toList(),
                "first frame: the 2x2 grid");
        for (int t = 1; t < 5; t++) {
            Set<List<Integer>> got = new HashSet<>();
            for (GazeCell c : result.cells(0, t)) {
                got.add(List.of(c.scale(), c.row(), c.col()));
            }
            assertEquals(Set.of(List.of(3, 3, 1 + t), List.of(3, 3, 2 + t)), got, "frame " + t);
        }
        boolean[][][] fine = result.mask(3);
        assertTrue(fine[0][2][3 * 14 + 4]);
        assertFalse(fine[0][2][3 * 14 + 5]);
    }

    @Test
    void theDefaultThresholdPrefersCoarseCellsAndSkipsWhatTheyCover() {
        // frame 1: the square leaves x 32..48 and enters x 48..64, rows y 48..64 (512 changed pixels, 255 each).
        // 2x2 cell (0, 0), 112 px: 512 * 255 / 12544 = 10.4 <= 12, not chosen.
        // 4x4 cells, 56 px: (0, 0) and (1, 0) each hold 192 changed pixels: 15.6 > 12, chosen; (0, 1), (1, 1) 64: 5.2.
        // 7x7 cell (1, 1), x 32..64, straddles x = 56 so it is not covered; 512 of 1024 changed: 127.5, chosen.
        // Every 14x14 cell that changed is then covered by those coarser cells, and skipped.
        GazeResult result = DifferenceMaskSource.official().result(movingSquare(2));
        List<List<Integer>> got = result.cells(0, 1).stream()
                .map(c -> List.of(c.scale(), c.row(), c.col()))
                .toList();
        assertEquals(List.of(List.of(1, 0, 0), List.of(1, 1, 0), List.of(2, 1, 1)), got);
    }

    @Test
    void aStillVideoGazesNothingAfterTheFirstFrame() {
        ArgbImage still = VizTestData.gradient(64, 48);
        GazeTrace trace = DifferenceMaskSource.official().trace(List.of(still, still, still));
        assertEquals(4, trace.frame(0).fixations().size());
        assertEquals(0, trace.frame(1).fixations().size());
        assertEquals(0, trace.frame(2).fixations().size());
    }

    @Test
    void itsTraceWorksWithTheRendererAndMetrics() {
        List<ArgbImage> frames = movingSquare(4);
        GazeTrace trace = new DifferenceMaskSource(DifferenceMaskSource.OFFICIAL_LAYOUT, 200).trace(frames);
        for (Fixation f : trace.fixations()) {
            assertEquals(-1, f.tile());
        }
        RunMetrics run = InterframeRun.measure(frames, trace, GeometryMode.NATIVE, InterframeOptions.sparse(), 0.5);
        // the first frame fills the canvas; afterwards exactly the changed cells are refreshed: output == frame
        for (FrameMetrics m : run.frames()) {
            assertEquals(0.0, m.mse(), "frame " + m.frame());
        }
        assertEquals(2 * 256.0 / (224 * 224), run.frames().get(1).gazeRatio(), 1e-15);
    }

    @Test
    void meanAbsoluteDifferenceIsPerChannel() {
        ArgbImage a = ArgbImage.filled(4, 4, Argb.opaque(10, 10, 10));
        ArgbImage b = ArgbImage.filled(4, 4, Argb.opaque(16, 10, 7));
        assertEquals(3.0, DifferenceMaskSource.meanAbsDifference(a, b, new PixelRect(0, 0, 4, 4)), 1e-15);
    }
}
