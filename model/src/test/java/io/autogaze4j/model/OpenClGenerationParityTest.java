package io.autogaze4j.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.autogaze4j.tensor.Backend;
import io.autogaze4j.tensor.BackendKind;
import io.autogaze4j.weights.SafetensorsFile;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Every test of {@link GenerationParityTest}, run on the OpenCL backend (device-resident decoder): by default with the
 * decode loop on the device (a frame per host round trip), and in a second surefire execution of this module with
 * {@code -Dautogaze.opencl.frameLoop=off} (a decoder step per round trip).
 */
class OpenClGenerationParityTest extends GenerationParityTest {
    /** The OpenCL backend's switch of the vision tokens' hand-off on the device. */
    private static final String HANDOFF = "autogaze.opencl.deviceHandoff";

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
        return openClWith(Map.of(property, value));
    }

    /** A fresh OpenCL backend opened with the system properties {@code values} set (restored after). */
    private static Backend openClWith(Map<String, String> values) {
        Map<String, String> before = new HashMap<>();
        values.keySet().forEach(p -> before.put(p, System.getProperty(p)));
        values.forEach(System::setProperty);
        try {
            return Backend.named(BackendKind.OPENCL, 1);
        } finally {
            before.forEach((p, v) -> {
                if (v == null) {
                    System.clearProperty(p);
                } else {
                    System.setProperty(p, v);
                }
            });
        }
    }

    /**
     * The vision tokens handed to the decoder on the device ({@code -Dautogaze.opencl.deviceHandoff}, on by default)
     * change where the bytes go, not what is computed: two rows of five frames in vision chunks of 2, with frames enqueued
     * ahead (no task-loss stop: carried tokens in front of the resident ones) and frame by frame (task-loss stop: the
     * pending tokens' embeddings from the host), then as a stream of pushes of 2 and 3 frames (a push's first frame has
     * the previous push's pending tokens), give bit for bit the ids, pads and confidences of the tokens sent through the
     * host; so does a call with the vision encoder's commands on a second queue ({@code -Dautogaze.opencl.visionQueue=on}:
     * events order the hand-off and the reuse of the token buffers). The profile shows that no token went through the
     * host with the hand-off on (with the decode loop on the device; without it the decoder takes host tokens and both
     * runs read them back).
     */
    @Test
    void deviceHandoffGivesTheBitsOfTheHostPath() throws Exception {
        VideoClip clip = fiveFrames(1);
        List<GazeOptions> options = List.of(
                GazeOptions.builder().gazingRatio(0.3).noTaskLossStop().build(),
                GazeOptions.builder().gazingRatio(0.3).taskLossRequirement(0.7).build());
        boolean loopOn = !"off".equals(System.getProperty("autogaze.opencl.frameLoop"));
        String viaHost = "host: vision encoder: wait for the tokens, read back";
        String readBack = "host: vision encoder: device tokens read back";
        try (Backend off = openClWith(Map.of("autogaze.opencl.visionChunks", "2", HANDOFF, "off"));
                AutoGaze throughHost = AutoGaze.load(Fixtures.dir("model_mtp4"), off);
                Backend on = openClWith(Map.of("autogaze.opencl.visionChunks", "2", HANDOFF, "on"));
                AutoGaze onDevice = AutoGaze.load(Fixtures.dir("model_mtp4"), on);
                Backend side = openClWith(Map.of(
                        "autogaze.opencl.visionChunks", "2", HANDOFF, "on", "autogaze.opencl.visionQueue", "on"));
                AutoGaze onSideQueue = AutoGaze.load(Fixtures.dir("model_mtp4"), side)) {
            assertTrue(off.name().contains("vision tokens through the host"), off.name());
            assertFalse(on.name().contains("vision tokens through the host"), on.name());
            assertFalse(on.name().contains("vision on a second queue"), on.name());
            assertTrue(side.name().contains("vision on a second queue"), side.name());
            for (GazeOptions o : options) {
                GazeResult expected = throughHost.gaze(clip, o);
                on.profiling(Backend.Profiling.HOST);
                GazeResult actual = onDevice.gaze(clip, o);
                Map<String, long[]> profile = on.profile();
                on.profiling(Backend.Profiling.OFF);
                assertEquals(
                        loopOn,
                        !profile.containsKey(viaHost) && !profile.containsKey(readBack),
                        o + ": " + profile.keySet());
                assertSameResult(expected, actual, o.toString());
                assertSameResult(expected, onSideQueue.gaze(clip, o), o + ", second queue");
                List<GazeResult> hostPushes = pushes(throughHost, clip, o);
                List<GazeResult> devicePushes = pushes(onDevice, clip, o);
                for (int i = 0; i < 2; i++) {
                    assertSameResult(hostPushes.get(i), devicePushes.get(i), o + ": push " + i);
                }
            }
        }
    }

    /**
     * Two rows of five frames: the batch2 clip's three frames in a cycle from frame {@code first} (0: every frame, then
     * the first two again).
     */
    private static VideoClip fiveFrames(int first) throws Exception {
        VideoClip three;
        try (SafetensorsFile f = Fixtures.open("batch2")) {
            three = VideoClip.of(Fixtures.tensor(f, "input.video"));
        }
        int rows = three.batch(), frames = 5, size = three.height(), per = 3 * size * size;
        float[] data = new float[rows * frames * per];
        for (int b = 0; b < rows; b++) {
            for (int t = 0; t < frames; t++) {
                System.arraycopy(three.frame(b, (first + t) % 3).data(), 0, data, (b * frames + t) * per, per);
            }
        }
        return VideoClip.of(data, rows, frames, size, size);
    }

    /** {@code clip} pushed to a stream of {@code model} as frames 0-1, then 2-4. */
    private static List<GazeResult> pushes(AutoGaze model, VideoClip clip, GazeOptions o) {
        try (GazeStream s = model.openStream(clip.batch(), o)) {
            return List.of(s.push(clip.frames(0, 2)), s.push(clip.frames(2, 5)));
        }
    }

    /** The same ids, pads, confidences and tokens per frame, bit for bit. */
    private static void assertSameResult(GazeResult expected, GazeResult actual, String what) {
        assertArrayEquals(expected.numGazingEachFrame(), actual.numGazingEachFrame(), what + ": tokens per frame");
        for (int b = 0; b < expected.gazingPos().length; b++) {
            assertArrayEquals(expected.gazingPos()[b], actual.gazingPos()[b], what + ": ids of row " + b);
            assertArrayEquals(expected.padded()[b], actual.padded()[b], what + ": pads of row " + b);
            assertArrayEquals(expected.confidence()[b], actual.confidence()[b], what + ": confidence of row " + b);
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
        VideoClip clip = fiveFrames(0);
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
                assertSameResult(expected, actual, o.toString());
            }
        }
    }
}
