package io.autogaze4j.video;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.autogaze4j.model.preprocess.RgbFrame;
import java.io.IOException;
import java.util.Collections;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/** First N, every k-th and time ranges, alone and together, over 40 frames at 10 fps. */
class FrameSamplingTest {

    static FrameSource fortyFrames() {
        return FrameSources.frames(Collections.nCopies(40, RgbFrame.of(2, 2, new byte[12])), 10);
    }

    static int[] indices(FrameSampling s) throws IOException {
        try (FrameSource src = s.apply(fortyFrames())) {
            return VideoDecodeTest.readAll(src).stream()
                    .mapToInt(VideoFrame::index)
                    .toArray();
        }
    }

    @Test
    void samplingsSelectTheDocumentedFrames() throws Exception {
        assertArrayEquals(java.util.stream.IntStream.range(0, 40).toArray(), indices(FrameSampling.all()));
        assertArrayEquals(
                new int[] {0, 1, 2, 3, 4},
                indices(FrameSampling.builder().firstFrames(5).build()));
        assertArrayEquals(
                new int[] {0, 13, 26, 39},
                indices(FrameSampling.builder().everyNth(13).build()));
        assertArrayEquals(
                new int[] {10, 11, 12, 13, 14, 15, 16, 17, 18, 19},
                indices(FrameSampling.builder().timeRange(1.0, 2.0).build()));
        assertArrayEquals(
                new int[] {15, 18, 21},
                indices(FrameSampling.builder()
                        .timeRange(1.5, 10)
                        .everyNth(3)
                        .firstFrames(3)
                        .build()));
        assertArrayEquals(
                new int[0], indices(FrameSampling.builder().timeRange(100, 200).build()));
    }

    @Test
    void frameCountIsKnownUnlessATimeRangeIsSet() throws Exception {
        assertEquals(OptionalInt.of(40), fortyFrames().frameCount());
        assertEquals(
                OptionalInt.of(14),
                FrameSampling.builder().everyNth(3).build().apply(fortyFrames()).frameCount());
        assertEquals(
                OptionalInt.of(5),
                FrameSampling.builder()
                        .everyNth(3)
                        .firstFrames(5)
                        .build()
                        .apply(fortyFrames())
                        .frameCount());
        assertEquals(
                OptionalInt.empty(),
                FrameSampling.builder()
                        .timeRange(1, 2)
                        .build()
                        .apply(fortyFrames())
                        .frameCount());
        try (FrameSource video = FrameSources.open(Media.shared("example_input.mp4"))) {
            assertEquals(OptionalInt.of(64), video.frameCount());
        }
        assertEquals(14, indices(FrameSampling.builder().everyNth(3).build()).length, "the count matches what is read");
    }

    @Test
    void badSamplingsAreRejected() {
        assertThrows(
                IllegalArgumentException.class, () -> FrameSampling.builder().firstFrames(0));
        assertThrows(
                IllegalArgumentException.class,
                () -> FrameSampling.builder().everyNth(0).build());
        assertThrows(
                IllegalArgumentException.class,
                () -> FrameSampling.builder().timeRange(2, 1).build());
        assertThrows(
                IllegalArgumentException.class,
                () -> FrameSampling.builder().timeRange(-1, 1).build());
        assertThrows(
                IllegalArgumentException.class,
                () -> FrameSampling.builder().timeRange(Double.NaN, 1).build());
    }
}
