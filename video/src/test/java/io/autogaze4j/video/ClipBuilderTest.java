package io.autogaze4j.video;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.autogaze4j.model.VideoClip;
import io.autogaze4j.model.preprocess.FrameSize;
import io.autogaze4j.model.preprocess.ImageProcessor;
import io.autogaze4j.model.preprocess.RgbFrame;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Clips from every kind of source: chunking, sizes kept for mapping back, and bad inputs. */
class ClipBuilderTest {
    final ImageProcessor processor = ImageProcessor.official();

    @Test
    void longSourcesBecomeConsecutiveClipsOfAtMost16() throws Exception {
        List<FrameClip> clips;
        try (FrameSource s = FrameSamplingTest.fortyFrames()) {
            clips = ClipBuilder.of(processor).readAll(s);
        }
        assertEquals(3, clips.size());
        assertArrayEquals(
                new int[] {16, 16, 8},
                clips.stream().mapToInt(FrameClip::frames).toArray());
        assertEquals(32, clips.get(2).indices()[0]);
        assertEquals(3.9, clips.get(2).seconds()[7], 1e-9);
        assertEquals(new FrameSize(2, 2), clips.get(0).sourceSize());
        assertArrayEquals(
                new int[] {1, 16, 3, 224, 224}, clips.get(0).clip().toTensor().shape());
        try (FrameSource s = FrameSamplingTest.fortyFrames()) {
            assertEquals(8, ClipBuilder.of(processor).clipLength(5).readAll(s).size());
        }
        assertThrows(
                IllegalArgumentException.class, () -> ClipBuilder.of(processor).clipLength(17));
        assertThrows(
                IllegalArgumentException.class, () -> ClipBuilder.of(processor).clipLength(0));
    }

    @Test
    void rgbaBuffersBufferedImagesAndFramesAgree() throws Exception {
        int w = 5, h = 3;
        byte[] rgba = new byte[2 * w * h * 4];
        BufferedImage[] images = {
            new BufferedImage(w, h, BufferedImage.TYPE_INT_ARGB), new BufferedImage(w, h, BufferedImage.TYPE_3BYTE_BGR)
        };
        for (int t = 0; t < 2; t++) {
            for (int i = 0; i < w * h; i++) {
                int r = (i * 37 + t) & 0xFF, g = (i * 11) & 0xFF, b = (200 - i) & 0xFF;
                rgba[(t * w * h + i) * 4] = (byte) r;
                rgba[(t * w * h + i) * 4 + 1] = (byte) g;
                rgba[(t * w * h + i) * 4 + 2] = (byte) b;
                rgba[(t * w * h + i) * 4 + 3] = (byte) 7;
                images[t].setRGB(i % w, i / w, 0x7F000000 | r << 16 | g << 8 | b);
            }
        }
        VideoClip fromRgba = one(FrameSources.rgba(rgba, w, h, 2, 30));
        VideoClip fromImages = one(FrameSources.images(List.of(images), 30));
        assertArrayEquals(fromRgba.toTensor().data(), fromImages.toTensor().data());
        assertThrows(IllegalArgumentException.class, () -> FrameSources.rgba(new byte[10], w, h, 2, 30));
        assertThrows(IllegalArgumentException.class, () -> FrameSources.rgba(rgba, w, h, 2, 0));
    }

    @Test
    void greyImagesKeepTheirValues() {
        BufferedImage grey = new BufferedImage(2, 1, BufferedImage.TYPE_BYTE_GRAY);
        grey.getRaster().setSample(0, 0, 0, 100);
        grey.getRaster().setSample(1, 0, 0, 200);
        assertArrayEquals(
                new byte[] {100, 100, 100, (byte) 200, (byte) 200, (byte) 200},
                FrameSources.rgb(grey).rgb());
    }

    @Test
    void imageFoldersReadInNameOrder(@TempDir Path dir) throws Exception {
        BufferedImage red = new BufferedImage(8, 6, BufferedImage.TYPE_INT_RGB);
        red.setRGB(0, 0, 0xFF0000);
        ImageIO.write(red, "png", dir.resolve("frame_002.png").toFile());
        ImageIO.write(
                new BufferedImage(8, 6, BufferedImage.TYPE_INT_RGB),
                "png",
                dir.resolve("frame_001.png").toFile());
        ImageIO.write(red, "jpg", dir.resolve("frame_003.jpg").toFile());
        Files.writeString(dir.resolve("notes.txt"), "ignored");
        List<VideoFrame> frames;
        try (FrameSource s = FrameSources.open(dir)) {
            frames = VideoDecodeTest.readAll(s);
        }
        assertEquals(3, frames.size());
        assertEquals(0, frames.get(0).image().sample(0, 0, 0));
        assertEquals(255, frames.get(1).image().sample(0, 0, 0));
        assertEquals(2 / FrameSources.DEFAULT_FPS, frames.get(2).seconds(), 1e-12);
    }

    @Test
    void badFoldersAndMixedSizesFailWithTheProblemNamed(@TempDir Path dir) throws Exception {
        VideoDecodeException empty = assertThrows(VideoDecodeException.class, () -> FrameSources.imageFolder(dir, 25));
        assertTrue(empty.getMessage().contains("no image files"), empty.getMessage());
        Files.writeString(dir.resolve("broken.png"), "not a png");
        try (FrameSource s = FrameSources.imageFolder(dir, 25)) {
            VideoDecodeException broken = assertThrows(VideoDecodeException.class, s::next);
            assertTrue(broken.getMessage().contains("broken.png"), broken.getMessage());
        }
        FrameSource mixed =
                FrameSources.frames(List.of(RgbFrame.of(2, 2, new byte[12]), RgbFrame.of(3, 2, new byte[18])), 25);
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class, () -> ClipBuilder.of(processor).next(mixed));
        assertTrue(e.getMessage().contains("3x2") && e.getMessage().contains("one size"), e.getMessage());
        VideoDecodeException none = assertThrows(
                VideoDecodeException.class,
                () -> ClipBuilder.of(processor)
                        .readAll(FrameSampling.builder()
                                .timeRange(50, 60)
                                .build()
                                .apply(FrameSamplingTest.fortyFrames())));
        assertTrue(none.getMessage().contains("no frames"), none.getMessage());
    }

    private VideoClip one(FrameSource source) throws Exception {
        try (source) {
            List<FrameClip> clips = ClipBuilder.of(processor).readAll(source);
            assertEquals(1, clips.size());
            return clips.get(0).clip();
        }
    }
}
