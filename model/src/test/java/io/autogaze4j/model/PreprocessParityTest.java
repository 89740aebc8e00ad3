package io.autogaze4j.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import io.autogaze4j.model.preprocess.FrameSize;
import io.autogaze4j.model.preprocess.ImageProcessor;
import io.autogaze4j.model.preprocess.RgbFrame;
import io.autogaze4j.weights.SafetensorsFile;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Raw 8-bit frames through the official image processor, bit for bit, then on to token-exact gazing. */
class PreprocessParityTest {

    /** The model under test: on the CPU here, on the OpenCL backend in the subclass. */
    AutoGaze model(String name) {
        return Fixtures.model(name);
    }

    /** Frames {@code [from, to)} of a {@code [T, H, W, 3]} U8 tensor. */
    static List<RgbFrame> rawFrames(SafetensorsFile f, String name, int from, int to) throws Exception {
        int[] shape = f.info(name).shape();
        byte[] all = f.bytes(name);
        int h = shape[1], w = shape[2], per = h * w * 3;
        List<RgbFrame> frames = new ArrayList<>();
        for (int t = from; t < to; t++) {
            frames.add(RgbFrame.of(w, h, Arrays.copyOfRange(all, t * per, (t + 1) * per)));
        }
        return frames;
    }

    /** Asserts bit equality and names the first differing value. */
    static void assertBitExact(float[] expected, float[] actual, String what) {
        assertEquals(expected.length, actual.length, what + ": length");
        for (int i = 0; i < expected.length; i++) {
            if (Float.floatToIntBits(expected[i]) != Float.floatToIntBits(actual[i])) {
                fail(what + ": first difference at flat index " + i + ": expected " + expected[i] + ", got "
                        + actual[i]);
            }
        }
    }

    @Test
    void nonsquareFramesProcessTo224x334BitExactAndGazeExactly() throws Exception {
        List<RgbFrame> raw;
        try (SafetensorsFile r =
                SafetensorsFile.open(Fixtures.dir("nonsquare_3f").resolve("raw_frames.safetensors"))) {
            raw = rawFrames(r, "raw_frames", 0, 3);
        }
        AutoGaze model = model("model_k1");
        ImageProcessor processor = ImageProcessor.of(model.preprocessor());
        assertEquals(new FrameSize(334, 224), processor.outputSize(new FrameSize(448, 300)));
        VideoClip clip = processor.process(raw);
        try (SafetensorsFile f = Fixtures.open("nonsquare_3f")) {
            assertArrayEquals(f.info("video").shape(), clip.toTensor().shape(), "processed shape");
            assertBitExact(f.floats("video"), clip.toTensor().data(), "nonsquare_3f processed video");
            Reference.read(f, "", "nonsquare_3f").assertMatches(model.gaze(clip, Reference.options("nonsquare_3f")));
        }
    }

    @Test
    void real16FramesProcessBitExactAndGazeExactly() throws Exception {
        try (SafetensorsFile f = Fixtures.open("real_16f")) {
            AutoGaze model = model("model_mtp1");
            VideoClip clip = ImageProcessor.of(model.preprocessor()).process(rawFrames(f, "input.raw_frames", 0, 16));
            assertArrayEquals(new int[] {1, 16, 3, 224, 224}, clip.toTensor().shape());
            assertBitExact(
                    f.floats("input.video_first4"),
                    clip.frames(0, 4).toTensor().data(),
                    "real_16f first 4 processed frames");
            Reference.read(f, "out.", "real_16f").assertMatches(model.gaze(clip, Reference.options("real_16f")));
        }
    }

    @Test
    void fixedSize392DownscaleIsBitExact() throws Exception {
        List<RgbFrame> raw;
        try (SafetensorsFile f = Fixtures.open("real_16f")) {
            raw = rawFrames(f, "input.raw_frames", 0, 2);
        }
        VideoClip clip = ImageProcessor.of(model("model_mtp1").preprocessor())
                .withOutputSize(new FrameSize(392, 392))
                .process(raw);
        try (SafetensorsFile f = Fixtures.open("target_scales_392")) {
            assertBitExact(f.floats("input.video"), clip.toTensor().data(), "target_scales_392 processed video");
        }
    }
}
