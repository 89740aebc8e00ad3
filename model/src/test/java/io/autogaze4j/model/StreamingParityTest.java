package io.autogaze4j.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.autogaze4j.tensor.Tensor;
import io.autogaze4j.weights.SafetensorsFile;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Frame-by-frame streaming gives exactly the whole-clip gazing. */
class StreamingParityTest {

    /** The model under test; the OpenCL twin of this test overrides it. */
    AutoGaze model(String name) {
        return Fixtures.model(name);
    }

    /** Streams {@code clip} one frame per call and stitches the calls into one whole-clip result. */
    static GazeResult streamFrameByFrame(AutoGaze model, VideoClip clip, GazeOptions o, List<long[]> perCall) {
        List<Long> ids = new ArrayList<>();
        List<Boolean> pads = new ArrayList<>();
        int[] counts = new int[clip.frames()];
        try (GazeStream stream = model.openStream(clip.batch(), o)) {
            for (int t = 0; t < clip.frames(); t++) {
                GazeResult r = stream.push(clip.frames(t, t + 1));
                assertEquals(t, r.firstFrame());
                perCall.add(r.gazingPos()[0]);
                counts[t] = r.numGazingEachFrame()[0];
                for (int j = 0; j < r.gazingPos()[0].length; j++) {
                    ids.add(r.gazingPos()[0][j] + (long) t * model.layout().cellsPerFrame());
                    pads.add(r.padded()[0][j]);
                }
            }
        }
        boolean[] p = new boolean[pads.size()];
        for (int i = 0; i < p.length; i++) {
            p[i] = pads.get(i);
        }
        return new GazeResult(
                model.layout(),
                0,
                new long[][] {ids.stream().mapToLong(Long::longValue).toArray()},
                new boolean[][] {p},
                counts,
                List.of());
    }

    @Test
    void streaming4fFrameByFrame() throws Exception {
        try (SafetensorsFile f = Fixtures.open("streaming_4f")) {
            VideoClip clip = VideoClip.of(Fixtures.tensor(f, "video"));
            GazeResult r =
                    streamFrameByFrame(model("model_k10"), clip, Reference.options("streaming_4f"), new ArrayList<>());
            Reference.read(f, "", "streaming_4f streamed").assertMatches(r);
        }
    }

    @Test
    void officialStreamingCallsMatch() throws Exception {
        VideoClip clip;
        try (SafetensorsFile f = Fixtures.open("mtp4_4f")) {
            clip = VideoClip.of(Fixtures.tensor(f, "input.video"));
        }
        try (SafetensorsFile f = Fixtures.open("streaming")) {
            List<long[]> calls = new ArrayList<>();
            AutoGaze model = model("model_mtp4");
            GazeResult r = streamFrameByFrame(model, clip, Reference.options("streaming"), calls);
            Reference.read(f, "stream.", "streaming").assertMatches(r);
            for (int t = 0; t < calls.size(); t++) {
                assertArrayEquals(
                        f.longs("stream.call" + t + ".gazing_pos"), calls.get(t), "streaming call " + t + " ids");
            }
            // streamed vision embeddings equal the whole-clip ones
            Tensor streamed = Fixtures.tensor(f, "stream.vision_embeds");
            float d = streamed.maxAbsDiff(model.embed(clip));
            assertTrue(d <= 1e-4f, "stream.vision_embeds differ by " + d);
        }
    }

    @Test
    void twoFramesPerCallEqualsWholeClip() throws Exception {
        try (SafetensorsFile f = Fixtures.open("streaming_4f")) {
            VideoClip clip = VideoClip.of(Fixtures.tensor(f, "video"));
            AutoGaze model = model("model_k10");
            GazeOptions o = Reference.options("streaming_4f");
            GazeResult whole = model.gaze(clip, o);
            try (GazeStream s = model.openStream(1, o)) {
                GazeResult a = s.push(clip.frames(0, 2));
                GazeResult b = s.push(clip.frames(2, 4));
                assertEquals(2, b.firstFrame());
                int split = a.gazingPos()[0].length;
                assertArrayEquals(Arrays.copyOf(whole.gazingPos()[0], split), a.gazingPos()[0]);
                long[] rest = Arrays.copyOfRange(whole.gazingPos()[0], split, whole.gazingPos()[0].length);
                for (int i = 0; i < rest.length; i++) {
                    rest[i] -= 2L * model.layout().cellsPerFrame();
                }
                assertArrayEquals(rest, b.gazingPos()[0]);
            }
        }
    }
}
