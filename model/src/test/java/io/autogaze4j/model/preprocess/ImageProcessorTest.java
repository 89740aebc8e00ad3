package io.autogaze4j.model.preprocess;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.autogaze4j.model.VideoClip;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Sizes, arithmetic and bad inputs of the image processor (bit parity is in PreprocessParityTest). */
class ImageProcessorTest {
    final ImageProcessor official = ImageProcessor.official();

    @Test
    void shortestEdgeSizesFloorTheLongEdge() {
        assertEquals(new FrameSize(398, 224), official.outputSize(new FrameSize(1920, 1080)));
        assertEquals(new FrameSize(298, 224), official.outputSize(new FrameSize(640, 480)));
        assertEquals(new FrameSize(224, 334), official.outputSize(new FrameSize(300, 448)));
        assertEquals(new FrameSize(224, 224), official.outputSize(new FrameSize(448, 448)));
        assertEquals(new FrameSize(1920, 1080), official.withoutResize().outputSize(new FrameSize(1920, 1080)));
        assertEquals(
                new FrameSize(392, 392),
                official.withOutputSize(new FrameSize(392, 392)).outputSize(new FrameSize(448, 448)));
    }

    @Test
    void upscaleFollowsPillowsTriangleWeights() {
        RgbFrame ramp = RgbFrame.of(2, 1, new byte[] {0, 0, 0, (byte) 255, (byte) 255, (byte) 255});
        RgbFrame up = PillowBilinear.resize(ramp, 4, 1);
        assertArrayEquals(
                new int[] {0, 64, 191, 255},
                new int[] {up.sample(0, 0, 0), up.sample(1, 0, 1), up.sample(2, 0, 2), up.sample(3, 0, 0)});
    }

    @Test
    void pixelsAreRescaledOffsetAndNormalisedChannelsFirst() {
        byte[] rgb = new byte[224 * 224 * 3];
        rgb[0] = (byte) 255; // pixel (0, 0) red
        rgb[4] = (byte) 128; // pixel (1, 0) green
        float[] out = official.process(RgbFrame.of(224, 224, rgb));
        int plane = 224 * 224;
        assertEquals((1f - 0.485f) / 0.229f, out[0]);
        assertEquals(((float) (128 * (1 / 127.5)) - 1f - 0.456f) / 0.224f, out[plane + 1]);
        assertEquals((-1f - 0.406f) / 0.225f, out[2 * plane]);
    }

    @Test
    void rgbaAndArgbInputsDropAlpha() {
        byte[] rgba = {1, 2, 3, 4, 5, 6, 7, 8};
        RgbFrame a = RgbFrame.fromRgba(2, 1, rgba);
        assertArrayEquals(new byte[] {1, 2, 3, 5, 6, 7}, a.rgb());
        RgbFrame b = RgbFrame.fromArgb(2, 1, new int[] {0xFF010203, 0x00050607});
        assertArrayEquals(a.rgb(), b.rgb());
        RgbFrame second = RgbFrame.fromRgba(1, 1, rgba, 4);
        assertArrayEquals(new byte[] {5, 6, 7}, second.rgb());
    }

    @Test
    void badFramesAreRejectedWithTheProblemNamed() {
        assertMessage("empty", () -> RgbFrame.of(0, 10, new byte[0]));
        assertMessage("too large", () -> RgbFrame.of(20_000, 10, new byte[0]));
        assertMessage("too large", () -> RgbFrame.of(10_000, 10_000, new byte[0]));
        assertMessage("needs 12 bytes", () -> RgbFrame.of(2, 2, new byte[3]));
        assertMessage("offset 4", () -> RgbFrame.fromRgba(2, 1, new byte[8], 4));
        assertMessage("no frames", () -> official.process(List.<RgbFrame>of()));
        RgbFrame small = RgbFrame.of(1, 1, new byte[3]);
        RgbFrame other = RgbFrame.of(2, 1, new byte[6]);
        assertMessage("one size", () -> official.process(List.of(small, other)));
    }

    @Test
    void clipsStackFrames() {
        RgbFrame f = RgbFrame.of(4, 2, new byte[24]);
        VideoClip clip = official.process(List.of(f, f, f));
        assertArrayEquals(new int[] {1, 3, 3, 224, 448}, clip.toTensor().shape());
    }

    private static void assertMessage(String part, org.junit.jupiter.api.function.Executable e) {
        IllegalArgumentException x = assertThrows(IllegalArgumentException.class, e);
        assertTrue(x.getMessage().contains(part), "message '" + x.getMessage() + "' should mention '" + part + "'");
    }
}
