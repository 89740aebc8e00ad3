package io.autogaze4j.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.autogaze4j.model.tiling.PixelRect;
import io.autogaze4j.tensor.Backend;
import io.autogaze4j.weights.SafetensorsFile;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class ApiTest {

    private static VideoClip clip(String caseDir, String name) throws Exception {
        try (SafetensorsFile f = Fixtures.open(caseDir)) {
            return VideoClip.of(Fixtures.tensor(f, name));
        }
    }

    @Test
    void badRequestsAreRefusedClearly() throws Exception {
        assertTrue(assertThrows(
                        IllegalArgumentException.class,
                        () -> GazeOptions.builder().gazingRatio(0).build())
                .getMessage()
                .contains("outside (0, 1]"));
        assertThrows(
                IllegalArgumentException.class,
                () -> GazeOptions.builder().gazingRatio(1.5).build());
        assertThrows(
                IllegalArgumentException.class,
                () -> GazeOptions.builder().gazingRatio(Double.NaN).build());
        assertThrows(
                IllegalArgumentException.class,
                () -> GazeOptions.builder().taskLossRequirement(Double.NaN).build());
        float[] data = new float[3 * 4 * 4];
        data[7] = Float.NaN;
        assertTrue(assertThrows(IllegalArgumentException.class, () -> VideoClip.of(data, 1, 1, 4, 4))
                .getMessage()
                .contains("must be finite"));
        assertThrows(IllegalArgumentException.class, () -> VideoClip.of(new float[10], 1, 1, 4, 4));
        assertThrows(IllegalArgumentException.class, () -> VideoClip.of(new float[0], 1, 0, 4, 4));

        AutoGaze model = Fixtures.model("model_k10");
        VideoClip two = clip("square_2f", "video");
        GazeOptions oneFrameOnly =
                GazeOptions.builder().gazingRatio(0.1).maxFrames(1).build();
        assertTrue(assertThrows(IllegalArgumentException.class, () -> model.gaze(two, oneFrameOnly))
                .getMessage()
                .contains("at most 1"));
        GazeOptions perFrame = GazeOptions.builder().gazingRatios(0.1).build();
        try (GazeStream s = model.openStream(2, perFrame)) {
            assertTrue(assertThrows(IllegalArgumentException.class, () -> s.push(two))
                    .getMessage()
                    .contains("batch"));
        }
    }

    // issue 15, cases 1 and 8: finite but absurd pixels, and use after close

    @Test
    void pixelsBeyondWhatTheProcessorYieldsAreRefusedNamingWhere() throws Exception {
        AutoGaze model = Fixtures.model("model_k10");
        float[] data = new float[2 * 3 * 224 * 224];
        data[224 * 224 * 3 + 224 * 224 + 5 * 224 + 9] = 3e38f; // frame 1, channel 1, row 5, column 9
        VideoClip absurd = VideoClip.of(data, 1, 2, 224, 224);
        String message = assertThrows(IllegalArgumentException.class, () -> model.gaze(absurd, GazeOptions.defaults()))
                .getMessage();
        assertTrue(
                message.contains("frame 1, channel 1, row 5, column 9") && message.contains("|value| <= 6.5"), message);
        try (GazeStream s = model.openStream(1, GazeOptions.defaults())) {
            assertThrows(IllegalArgumentException.class, () -> s.push(absurd));
        }
    }

    @Test
    void aClosedModelRefusesNewWork() throws Exception {
        try (Backend cpu = Backend.cpu(1)) {
            AutoGaze model = AutoGaze.load(Fixtures.dir("model_k10"), cpu);
            GazeStream open = model.openStream(1, GazeOptions.defaults());
            model.close();
            assertTrue(assertThrows(IllegalStateException.class, () -> model.openStream(1, GazeOptions.defaults()))
                    .getMessage()
                    .contains("closed"));
            VideoClip two = clip("square_2f", "video");
            assertThrows(IllegalStateException.class, () -> model.gaze(two, GazeOptions.defaults()));
            assertThrows(IllegalStateException.class, () -> open.push(two));
            open.close();
        }
    }

    @Test
    void budgetsFollowTheOfficialRounding() throws Exception {
        AutoGaze model = Fixtures.model("model_k10");
        assertEquals(
                198,
                Budget.resolve(GazeOptions.builder().gazingRatio(0.75).build(), model.config())
                        .tokens(0));
        assertEquals(
                185,
                Budget.resolve(GazeOptions.builder().gazingRatio(0.7).build(), model.config())
                        .tokens(0));
        assertEquals(
                7,
                Budget.resolve(GazeOptions.builder().gazingRatio(0.03).build(), model.config())
                        .tokens(0));
        assertEquals(
                1,
                Budget.resolve(GazeOptions.builder().gazingRatio(0.001).build(), model.config())
                        .tokens(0));
        Budget onlyRequirement =
                Budget.resolve(GazeOptions.builder().taskLossRequirement(0.7).build(), model.config());
        assertEquals(265, onlyRequirement.tokens(3));
        assertEquals(OptionalDouble.of(0.7), onlyRequirement.taskLossRequirement());
        Budget defaults = Budget.resolve(GazeOptions.defaults(), model.config());
        assertEquals(132, defaults.tokens(0)); // model_k10's config: fixed ratio 0.5, no requirement
        assertEquals(OptionalDouble.empty(), defaults.taskLossRequirement());
        Budget off = Budget.resolve(GazeOptions.builder().noTaskLossStop().build(), model.config());
        assertEquals(132, off.tokens(0), "switching the stop off keeps the config's ratio");
        assertEquals(GazeOptions.builder().gazingRatio(0.5).noTaskLossStop().build(), off.options());
        assertEquals(
                OptionalDouble.of(0.3),
                GazeOptions.builder()
                        .noTaskLossStop()
                        .taskLossRequirement(0.3)
                        .build()
                        .taskLossRequirement(),
                "the last call of the builder wins");
        assertThrows(
                IllegalArgumentException.class,
                () -> new GazeOptions(new double[0], OptionalDouble.of(0.3), true, 0, false));
    }

    @Test
    void perFrameRatiosSetPerFrameBudgets() throws Exception {
        AutoGaze model = Fixtures.model("model_k10");
        GazeResult r = model.gaze(
                clip("square_2f", "video"),
                GazeOptions.builder().gazingRatios(0.03, 0.06).build());
        assertArrayEquals(new int[] {7, 15}, r.numGazingEachFrame());
        assertEquals(22, r.validCount(0));
        for (GazeCell c : r.cells(0, 1)) {
            assertEquals(1, c.frame());
            assertTrue(c.x1() > c.x0() && c.y1() > c.y0());
        }
    }

    @Test
    void oneModelServesManyThreadsAtOnce() throws Exception {
        AutoGaze model = Fixtures.model("model_mtp4");
        VideoClip a = clip("mtp4_4f", "input.video");
        VideoClip b = clip("square_2f", "video");
        GazeOptions o = GazeOptions.builder()
                .gazingRatio(0.2)
                .taskLossRequirement(-0.55)
                .build();
        GazeResult refA = model.gaze(a, o);
        GazeResult refB = model.gaze(b, o);
        ExecutorService pool = Executors.newFixedThreadPool(6);
        try {
            List<Future<GazeResult>> futures = new ArrayList<>();
            for (int i = 0; i < 12; i++) {
                VideoClip c = i % 2 == 0 ? a : b;
                futures.add(pool.submit(() -> model.gaze(c, o)));
            }
            for (int i = 0; i < futures.size(); i++) {
                GazeResult expected = i % 2 == 0 ? refA : refB;
                GazeResult got = futures.get(i).get();
                assertArrayEquals(expected.gazingPos()[0], got.gazingPos()[0], "concurrent call " + i);
                assertArrayEquals(expected.padded()[0], got.padded()[0], "concurrent call " + i);
            }
        } finally {
            pool.shutdown();
        }
    }

    @Test
    void threadCountDoesNotChangeAnyBit() throws Exception {
        VideoClip c = clip("mtp4_4f", "input.video");
        GazeOptions o = GazeOptions.builder().gazingRatio(0.3).recordTrace(true).build();
        try (Backend one = Backend.cpu(1);
                Backend three = Backend.cpu(3);
                AutoGaze m1 = AutoGaze.load(Fixtures.dir("model_mtp4"), one);
                AutoGaze m3 = AutoGaze.load(Fixtures.dir("model_mtp4"), three)) {
            assertArrayEquals(m1.embed(c).data(), m3.embed(c).data());
            GazeResult r1 = m1.gaze(c, o), r3 = m3.gaze(c, o);
            assertArrayEquals(r1.gazingPos()[0], r3.gazingPos()[0]);
            for (int s = 0; s < r1.trace().size(); s++) {
                assertArrayEquals(
                        r1.trace().get(s).taskLoss()[0], r3.trace().get(s).taskLoss()[0], "task loss of call " + s);
            }
        }
    }

    @Test
    void confidencesAreProbabilitiesAndNaNOnPadding() throws Exception {
        GazeResult r = Fixtures.model("model_mtp4").gaze(clip("mtp4_4f", "input.video"), Reference.options("mtp4_4f"));
        int valid = 0;
        for (int j = 0; j < r.gazingPos()[0].length; j++) {
            float c = r.confidence()[0][j];
            if (r.padded()[0][j]) {
                assertTrue(Float.isNaN(c), "pad slot " + j + " has confidence " + c);
            } else {
                valid++;
                assertTrue(c > 0 && c <= 1, "slot " + j + " confidence " + c);
            }
        }
        assertTrue(valid > 0);
    }

    @Test
    void cellsDecodeToTheDocumentedGeometry() {
        ScaleLayout l = Fixtures.model("model_k10").layout();
        assertEquals(265, l.cellsPerFrame());
        GazeCell c = l.cell(0, 69 + 14 * 3 + 5);
        assertEquals(3, c.scale());
        assertEquals(3, c.row());
        assertEquals(5, c.col());
        assertEquals(new PixelRect(80, 48, 96, 64), c.pixelRect(224, 224));
        GazeCell coarse = l.cell(2, 3);
        assertEquals(0, coarse.scale());
        assertEquals(new PixelRect(150, 100, 300, 200), coarse.pixelRect(300, 200));
        assertEquals(20 + 7 * 6 + 6, l.id(2, 6, 6));
    }
}
