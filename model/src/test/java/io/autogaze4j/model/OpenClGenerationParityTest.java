package io.autogaze4j.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.autogaze4j.tensor.Backend;
import io.autogaze4j.tensor.BackendKind;
import io.autogaze4j.weights.SafetensorsFile;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Every test of {@link GenerationParityTest}, run on the OpenCL backend (device-resident decoder): by default with the
 * decode loop on the device (a frame per host round trip), and in a second surefire execution of this module with
 * {@code -Dautogaze.opencl.frameLoop=off} (a decoder step per round trip).
 */
class OpenClGenerationParityTest extends GenerationParityTest {

    @Override
    AutoGaze model(String name) {
        return Fixtures.openClModel(name);
    }

    /** The run is the one it says it is: the backend reports the decode loop on exactly when the property says so. */
    @Test
    void decodeLoopFollowsTheProperty() {
        boolean on = !"off".equals(System.getProperty("autogaze.opencl.frameLoop"));
        String name = model("model_k10").backend().name();
        assertEquals(on, name.contains("decode loop on the device"), name);
    }

    @Test
    void onDeviceConfidencesMatchTheHostOnes() throws Exception {
        VideoClip clip;
        try (SafetensorsFile f = Fixtures.open("mtp4_4f")) {
            clip = VideoClip.of(Fixtures.tensor(f, "input.video"));
        }
        GazeOptions o = Reference.options("mtp4_4f");
        GazeResult host = Fixtures.model("model_mtp4").gaze(clip, o);
        GazeResult device = Fixtures.openClModel("model_mtp4").gaze(clip, o);
        int compared = 0;
        for (int j = 0; j < host.gazingPos()[0].length; j++) {
            float a = host.confidence()[0][j], b = device.confidence()[0][j];
            assertEquals(Float.isNaN(a), Float.isNaN(b), "slot " + j);
            if (!Float.isNaN(a)) {
                assertEquals(a, b, 1e-4, "confidence of slot " + j);
                compared++;
            }
        }
        assertTrue(compared > 0);
    }

    /**
     * Without a task-loss stop the model enqueues frame t + 1 before it reads frame t's choices ({@code
     * -Dautogaze.opencl.overlap}, on by default): two rows, three frames of different budgets (partial last steps, so
     * fewer carried tokens than K), K = 4 and K = 10. The ids are the host backend's, and every id and confidence is
     * bit for bit what the OpenCL backend gives with the overlap off.
     */
    @Test
    void framesEnqueuedAheadGiveTheSameResult() throws Exception {
        VideoClip clip;
        try (SafetensorsFile f = Fixtures.open("batch2")) {
            clip = VideoClip.of(Fixtures.tensor(f, "input.video"));
        }
        GazeOptions o = GazeOptions.builder()
                .gazingRatios(0.75, 0.3, 0.52)
                .noTaskLossStop()
                .build();
        try (Backend off = openClWith("autogaze.opencl.overlap", "off")) {
            for (String name : List.of("model_mtp4", "model_k10")) {
                GazeResult host = Fixtures.model(name).gaze(clip, o);
                GazeResult ahead = model(name).gaze(clip, o);
                GazeResult inTurn;
                try (AutoGaze inOrder = AutoGaze.load(Fixtures.dir(name), off)) {
                    inTurn = inOrder.gaze(clip, o);
                }
                assertArrayEquals(host.numGazingEachFrame(), ahead.numGazingEachFrame(), name + ": tokens per frame");
                for (int b = 0; b < clip.batch(); b++) {
                    assertArrayEquals(host.gazingPos()[b], ahead.gazingPos()[b], name + ": ids of row " + b);
                    assertArrayEquals(host.padded()[b], ahead.padded()[b], name + ": pads of row " + b);
                    assertArrayEquals(inTurn.gazingPos()[b], ahead.gazingPos()[b], name + ": ids of row " + b);
                    assertArrayEquals(inTurn.confidence()[b], ahead.confidence()[b], name + ": confidence of row " + b);
                }
                try (GazeStream stream = model(name).openStream(clip.batch(), o)) {
                    GazeResult one = stream.push(clip.frames(0, 1));
                    GazeResult two = stream.push(clip.frames(1, 3)); // the second frame of this push is enqueued ahead
                    for (int b = 0; b < clip.batch(); b++) {
                        int split = one.gazingPos()[b].length;
                        long[] streamed = new long[ahead.gazingPos()[b].length];
                        System.arraycopy(one.gazingPos()[b], 0, streamed, 0, split);
                        for (int j = 0; j < two.gazingPos()[b].length; j++) {
                            // the second push counts its frames from 0: shift its ids by the first push's frame
                            streamed[split + j] =
                                    two.gazingPos()[b][j] + model(name).config().cellsPerFrame();
                        }
                        assertArrayEquals(ahead.gazingPos()[b], streamed, name + ": streamed ids of row " + b);
                    }
                }
            }
        }
    }

    /** A fresh OpenCL backend opened with system property {@code property} set to {@code value} (restored after). */
    private static Backend openClWith(String property, String value) {
        String before = System.getProperty(property);
        System.setProperty(property, value);
        try {
            return Backend.named(BackendKind.OPENCL, 1);
        } finally {
            if (before == null) {
                System.clearProperty(property);
            } else {
                System.setProperty(property, before);
            }
        }
    }

    /**
     * The vision encoder in time chunks ({@code -Dautogaze.opencl.visionChunks}) changes when the work is done, not
     * what it computes: two rows of five frames (every frame of the batch2 clip, then its first two again) in chunks of
     * 2 frames (2 + 2 + 1), with frames enqueued ahead (no task-loss stop) and frame by frame (task-loss stop), give bit
     * for bit the ids, pads and confidences of the clip encoded in one piece. The profile shows that the two later
     * chunks were submitted behind the decoder. ({@code OpenClVisionTest} checks the embeddings of other cuts.)
     */
    @Test
    void visionChunksGiveTheBitsOfOnePiece() throws Exception {
        VideoClip three;
        try (SafetensorsFile f = Fixtures.open("batch2")) {
            three = VideoClip.of(Fixtures.tensor(f, "input.video"));
        }
        int rows = three.batch(), frames = 5, size = three.height(), per = 3 * size * size;
        float[] data = new float[rows * frames * per];
        for (int b = 0; b < rows; b++) {
            for (int t = 0; t < frames; t++) {
                System.arraycopy(three.frame(b, t % 3).data(), 0, data, (b * frames + t) * per, per);
            }
        }
        VideoClip clip = VideoClip.of(data, rows, frames, size, size);
        List<GazeOptions> options = List.of(
                GazeOptions.builder().gazingRatio(0.25).noTaskLossStop().build(),
                GazeOptions.builder().gazingRatio(0.25).taskLossRequirement(0.7).build());
        String label = "host: vision chunks: a later chunk submitted behind the decoder";
        try (Backend whole = openClWith("autogaze.opencl.visionChunks", "off");
                AutoGaze inOnePiece = AutoGaze.load(Fixtures.dir("model_mtp4"), whole);
                Backend chunked = openClWith("autogaze.opencl.visionChunks", "2");
                AutoGaze inChunks = AutoGaze.load(Fixtures.dir("model_mtp4"), chunked)) {
            assertTrue(chunked.name().contains("vision chunks of 2 frames"), chunked.name());
            for (GazeOptions o : options) {
                GazeResult expected = inOnePiece.gaze(clip, o);
                chunked.profiling(Backend.Profiling.HOST);
                GazeResult actual = inChunks.gaze(clip, o);
                long[] submitted = chunked.profile().get(label);
                chunked.profiling(Backend.Profiling.OFF);
                assertEquals(2, submitted == null ? 0 : submitted[1], o + ": later chunks submitted");
                assertArrayEquals(expected.numGazingEachFrame(), actual.numGazingEachFrame(), o.toString());
                for (int b = 0; b < rows; b++) {
                    assertArrayEquals(expected.gazingPos()[b], actual.gazingPos()[b], o + ": ids of row " + b);
                    assertArrayEquals(expected.padded()[b], actual.padded()[b], o + ": pads of row " + b);
                    assertArrayEquals(expected.confidence()[b], actual.confidence()[b], o + ": confidence of row " + b);
                }
            }
        }
    }
}
