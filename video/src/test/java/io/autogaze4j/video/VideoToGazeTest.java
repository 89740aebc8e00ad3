package io.autogaze4j.video;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.autogaze4j.model.AutoGaze;
import io.autogaze4j.model.GazeOptions;
import io.autogaze4j.model.GazeResult;
import io.autogaze4j.model.preprocess.ImageProcessor;
import io.autogaze4j.weights.SafetensorsFile;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The example video end to end: decode, sample, preprocess, gaze. */
class VideoToGazeTest {

    @Test
    void exampleVideoPreprocessesCloseToTheFixtureAndGazes() throws Exception {
        try (AutoGaze model = AutoGaze.load(Media.fixtures().resolve("model_mtp1"))) {
            ClipBuilder builder =
                    ClipBuilder.of(ImageProcessor.of(model.preprocessor())).clipLength(4);
            List<FrameClip> clips;
            try (FrameSource video = FrameSampling.builder()
                    .firstFrames(8)
                    .build()
                    .apply(FrameSources.open(Media.shared("example_input.mp4")))) {
                clips = builder.readAll(video);
            }
            assertEquals(2, clips.size());
            FrameClip first = clips.get(0);
            assertArrayEquals(new int[] {0, 1, 2, 3}, first.indices());
            assertArrayEquals(
                    new int[] {1, 4, 3, 224, 224}, first.clip().toTensor().shape());
            try (SafetensorsFile f = SafetensorsFile.open(Media.fixtures().resolve("real_16f/fixture.safetensors"))) {
                float[] expected = f.floats("input.video_first4"),
                        actual = first.clip().toTensor().data();
                double sum = 0, max = 0;
                for (int i = 0; i < expected.length; i++) {
                    double d = Math.abs(expected[i] - actual[i]);
                    sum += d;
                    max = Math.max(max, d);
                }
                System.out.printf(
                        "example_input.mp4 (jcodec) vs real_16f (OpenCV) processed frames 0-3: mean abs %.5f, max abs %.4f%n",
                        sum / expected.length, max);
                assertTrue(sum / expected.length < 0.1, "processed frames should be close to the fixture's");
            }
            GazeResult gaze = model.gaze(
                    first.clip(),
                    GazeOptions.builder()
                            .gazingRatio(0.75)
                            .taskLossRequirement(-0.19114091992378235)
                            .build());
            assertEquals(4, gaze.frames());
            assertTrue(gaze.validCount(0) > 0);
            assertTrue(gaze.cells(0, 0)
                            .get(0)
                            .pixelRect(
                                    first.sourceSize().width(),
                                    first.sourceSize().height())
                            .x1()
                    <= 448);
        }
    }
}
