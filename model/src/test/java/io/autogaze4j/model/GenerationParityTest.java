package io.autogaze4j.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.autogaze4j.tensor.Tensor;
import io.autogaze4j.weights.SafetensorsFile;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** Token-exact generation against the official model on every generate fixture. */
class GenerationParityTest {

    /** The model under test; the OpenCL twin of this test overrides it. */
    AutoGaze model(String name) {
        return Fixtures.model(name);
    }

    private GazeResult run(String model, String caseDir, String videoName) throws Exception {
        try (SafetensorsFile f = Fixtures.open(caseDir)) {
            VideoClip clip = VideoClip.of(Fixtures.tensor(f, videoName));
            return model(model).gaze(clip, Reference.options(caseDir));
        }
    }

    private static Reference expected(String caseDir, String prefix) throws Exception {
        try (SafetensorsFile f = Fixtures.open(caseDir)) {
            return Reference.read(f, prefix, caseDir + (prefix.isEmpty() ? "" : " " + prefix));
        }
    }

    @Test
    void square2f() throws Exception {
        expected("square_2f", "").assertMatches(run("model_k10", "square_2f", "video"));
    }

    @Test
    void k1ThreeFrames() throws Exception {
        expected("k1_3f", "").assertMatches(run("model_k1", "k1_3f", "video"));
    }

    @Test
    void batchOfTwoWithTaskLoss() throws Exception {
        expected("batch2_tl", "").assertMatches(run("model_k10", "batch2_tl", "video"));
    }

    @Test
    void streaming4fWholeClip() throws Exception {
        expected("streaming_4f", "").assertMatches(run("model_k10", "streaming_4f", "video"));
    }

    @Test
    void square2fK1() throws Exception {
        expected("square_2f_mtp1", "out.").assertMatches(run("model_mtp1", "square_2f_mtp1", "input.video"));
    }

    @Test
    void mtp4FourFrames() throws Exception {
        expected("mtp4_4f", "out.").assertMatches(run("model_mtp4", "mtp4_4f", "input.video"));
    }

    @Test
    void batch2AndSingleRows() throws Exception {
        expected("batch2", "out.").assertMatches(run("model_mtp4", "batch2", "input.video"));
        try (SafetensorsFile f = Fixtures.open("batch2")) {
            VideoClip clip = VideoClip.of(Fixtures.tensor(f, "input.video"));
            GazeOptions o = Reference.options("batch2");
            for (int row = 0; row < 2; row++) {
                VideoClip single = VideoClip.of(rowOf(clip.toTensor(), row));
                Reference.read(f, "single" + row + ".", "batch2 single" + row)
                        .assertMatches(model("model_mtp4").gaze(single, o));
            }
        }
    }

    @Test
    void decodePositionsAndCacheOffsetsFollowTheOfficialTrace() throws Exception {
        GazeResult r = run("model_mtp4", "mtp4_4f", "input.video");
        try (SafetensorsFile f = Fixtures.open("mtp4_4f")) {
            long[] cacheBefore = f.longs("trace.cache_len_before");
            long[] queryLen = f.longs("trace.query_len");
            long[] decodePos = f.longs("trace.decode_position_ids");
            assertEquals(cacheBefore.length, r.trace().size(), "number of decoder calls");
            for (int s = 0; s < cacheBefore.length; s++) {
                StepTrace st = r.trace().get(s);
                assertEquals(cacheBefore[s], st.cacheLengthBefore(), "cache length before call " + s);
                assertEquals(queryLen[s], st.queryLength(), "query length of call " + s);
                if (st.step() > 0) {
                    long[] expectedPos = Arrays.copyOfRange(decodePos, s * 4, s * 4 + st.queryLength());
                    assertArrayEquals(
                            expectedPos,
                            Arrays.stream(st.positions()[0]).asLongStream().toArray(),
                            "decode positions of call " + s);
                }
            }
        }
    }

    @Test
    void nonsquareTilesAsOneBatch() throws Exception {
        try (SafetensorsFile f = Fixtures.open("nonsquare_tiles")) {
            Tensor video = Fixtures.tensor(f, "input.video"); // [1, 2, 3, 448, 672]
            int t = 2, h = 224, w = 224, rows = 2, cols = 3;
            float[] tiles = new float[rows * cols * t * 3 * h * w];
            for (int r = 0; r < rows; r++) {
                for (int c = 0; c < cols; c++) {
                    int tile = r * cols + c;
                    for (int fr = 0; fr < t; fr++) {
                        for (int ch = 0; ch < 3; ch++) {
                            for (int y = 0; y < h; y++) {
                                System.arraycopy(
                                        video.data(),
                                        ((fr * 3 + ch) * 448 + r * h + y) * 672 + c * w,
                                        tiles,
                                        (((tile * t + fr) * 3 + ch) * h + y) * w,
                                        w);
                            }
                        }
                    }
                }
            }
            GazeResult result = model("model_mtp1")
                    .gaze(VideoClip.of(tiles, rows * cols, t, h, w), Reference.options("nonsquare_tiles"));
            Reference.read(f, "out.", "nonsquare_tiles").assertMatches(result);
        }
    }

    static Tensor rowOf(Tensor clip, int row) {
        int[] s = clip.shape();
        int per = clip.size() / s[0];
        s[0] = 1;
        return Tensor.wrap(Arrays.copyOfRange(clip.data(), row * per, (row + 1) * per), s);
    }
}
