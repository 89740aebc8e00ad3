package io.autogaze4j.readout;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.autogaze4j.model.AutoGaze;
import io.autogaze4j.model.GazeCell;
import io.autogaze4j.model.GazeOptions;
import io.autogaze4j.model.GazeResult;
import io.autogaze4j.model.GazeStream;
import io.autogaze4j.model.VideoClip;
import io.autogaze4j.tensor.Tensor;
import io.autogaze4j.weights.SafetensorsFile;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Traces and packets of real model runs (the K = 1 fixture checkpoint on the square_2f clip). */
class PipelineTest {
    private static AutoGaze model;
    private static VideoClip clip;
    private static final GazeOptions OPTIONS =
            GazeOptions.builder().gazingRatio(0.05).build();

    @BeforeAll
    static void load() throws Exception {
        model = AutoGaze.load(TestData.fixture("model_mtp1"));
        try (SafetensorsFile f =
                SafetensorsFile.open(TestData.fixture("square_2f_mtp1").resolve("fixture.safetensors"))) {
            clip = VideoClip.of(
                    Tensor.wrap(f.floats("input.video"), f.info("input.video").shape()));
        }
    }

    @AfterAll
    static void close() {
        model.close();
    }

    @Test
    void tracesListTheModelsCellsInGazingOrder() {
        GazeResult r = model.gaze(clip, OPTIONS);
        GazeTrace trace = GazeTraces.of(r).get(0);
        for (int t = 0; t < r.frames(); t++) {
            List<GazeCell> cells = r.cells(0, t);
            List<Fixation> fx = trace.frame(t).fixations();
            assertEquals(cells.size(), fx.size());
            for (int i = 0; i < cells.size(); i++) {
                GazeCell c = cells.get(i);
                Fixation f = fx.get(i);
                assertEquals(
                        List.of(c.frame(), c.localId(), c.scale(), c.row(), c.col(), c.grid()),
                        List.of(f.frame(), f.cell(), f.scale(), f.row(), f.col(), f.grid()));
                assertEquals(NormRect.of(c), f.rect());
            }
        }
    }

    @Test
    void streamingTracesEqualWholeClipTraces() {
        List<GazeTrace> whole = GazeTraces.of(model.gaze(clip, OPTIONS));
        TraceRecorder recorder = new TraceRecorder();
        try (GazeStream stream = model.openStream(1, OPTIONS)) {
            for (int t = 0; t < clip.frames(); t++) {
                recorder.add(stream.push(clip.frames(t, t + 1)));
            }
        }
        assertEquals(whole, recorder.traces());
    }

    @Test
    void readoutOnlyPacketsCarryTheSameReadoutWithoutTraces() {
        SparseVideoPatchGeometry geometry = new SparseVideoPatchGeometry(2, 224, 224, 2, 16, 16);
        SparseProjection projection = SparseProjection.video(
                        geometry,
                        ReadoutOptions.builder()
                                .dilation(1)
                                .maxTokensPerFrame(60)
                                .build())
                .withVideoOptions(VideoReadoutOptions.builder()
                        .tubeletSize(2)
                        .minTokens(20)
                        .maxTokens(90)
                        .build());
        GazePacket full = GazePipeline.builder(model)
                .gazeOptions(OPTIONS)
                .projection(projection)
                .build()
                .process(clip);
        GazePacket lean = GazePipeline.builder(model)
                .gazeOptions(OPTIONS)
                .projection(projection)
                .readoutOnly(true)
                .build()
                .process(clip);

        assertFalse(full.readoutOnly());
        assertTrue(lean.readoutOnly());
        assertThrows(IllegalStateException.class, lean::traces);
        assertEquals(1, full.traces().size());
        assertArrayEquals(full.videoTokens(0), lean.videoTokens(0));
        assertArrayEquals(
                full.videoCoordTensor().data(), lean.videoCoordTensor().data());
        assertEquals(full.videoCoords(0), lean.videoCoords(0));
        for (int t = 0; t < 2; t++) {
            assertArrayEquals(full.imageTokens(0, t), lean.imageTokens(0, t));
            assertEquals(full.rects(0, t), lean.rects(0, t));
            assertEquals(
                    Readout.rects(full.traces().get(0), projection.readoutOptions())
                            .get(t),
                    full.rects(0, t));
        }
        int[] ids = full.videoTokens(0);
        assertTrue(ids.length >= 20 && ids.length <= 90, "clip caps hold: " + ids.length);
        assertArrayEquals(Readout.videoTokens(full.traces().get(0), projection), ids);
        assertArrayEquals(Readout.videoTokens(full.result(), 0, projection), ids);
        assertArrayEquals(
                projection.videoReadout(full.traces()).flatCoords().toIntArray(),
                full.videoFlatCoords().toIntArray());

        GazePacket imageOnly = GazePipeline.builder(model)
                .gazeOptions(OPTIONS)
                .projection(SparseProjection.image(new SparseReadoutGrid(7, 7), ReadoutOptions.defaults()))
                .build()
                .process(clip);
        assertTrue(imageOnly.videoReadout().isEmpty());
        assertThrows(IllegalStateException.class, () -> imageOnly.videoTokens(0));
        assertThrows(
                IllegalArgumentException.class,
                () -> GazePipeline.builder(model).build());
    }
}
