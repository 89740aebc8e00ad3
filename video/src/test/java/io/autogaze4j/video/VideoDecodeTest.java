package io.autogaze4j.video;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.autogaze4j.model.preprocess.RgbFrame;
import io.autogaze4j.weights.SafetensorsFile;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Real MP4 files through the default decoder (FFmpeg) and jcodec: MPEG-4 Part 2 and H.264 (with B-frames), and the ways
 * decoding fails.
 */
class VideoDecodeTest {

    static List<VideoFrame> readAll(FrameSource source) throws IOException {
        List<VideoFrame> out = new ArrayList<>();
        for (Optional<VideoFrame> f = source.next(); f.isPresent(); f = source.next()) {
            out.add(f.get());
        }
        return out;
    }

    /** Mean and max absolute difference of two frames' bytes. */
    static double[] difference(byte[] a, byte[] b) {
        assertEquals(a.length, b.length, "frame sizes");
        long sum = 0;
        int max = 0;
        for (int i = 0; i < a.length; i++) {
            int d = Math.abs((a[i] & 0xFF) - (b[i] & 0xFF));
            sum += d;
            max = Math.max(max, d);
        }
        return new double[] {(double) sum / a.length, max};
    }

    @Test
    void exampleMpeg4Part2VideoDecodesCloseToTheOpenCvFrames() throws Exception {
        List<VideoFrame> frames;
        try (FrameSource video = FrameSources.open(Media.shared("example_input.mp4"))) {
            frames = readAll(video);
        }
        assertEquals(64, frames.size(), "frames in example_input.mp4 (2.56 s at 25 fps)");
        for (VideoFrame f : frames.subList(0, 16)) {
            assertEquals(448, f.image().width());
            assertEquals(448, f.image().height());
            assertEquals(f.index() * 0.04, f.seconds(), 1e-9, "time of frame " + f.index());
        }
        try (SafetensorsFile f = SafetensorsFile.open(Media.fixtures().resolve("real_16f/fixture.safetensors"))) {
            byte[] opencv = f.bytes("input.raw_frames");
            int per = 448 * 448 * 3;
            double worstMean = 0;
            long far = 0;
            StringBuilder report = new StringBuilder();
            for (int t = 0; t < 16; t++) {
                byte[] expected = java.util.Arrays.copyOfRange(opencv, t * per, (t + 1) * per);
                byte[] actual = frames.get(t).image().rgb();
                double[] d = difference(expected, actual);
                for (int i = 0; i < per; i++) {
                    far += Math.abs((expected[i] & 0xFF) - (actual[i] & 0xFF)) > 30 ? 1 : 0;
                }
                worstMean = Math.max(worstMean, d[0]);
                assertTrue(
                        d[1] <= 1,
                        "frame " + t + " differs from OpenCV's (FFmpeg's) decode by " + (int) d[1] + " levels");
                report.append(String.format(" %d:%.3f/%d", t, d[0], (int) d[1]));
            }
            System.out.println(
                    "example_input.mp4 (default decoder) vs OpenCV RGB, mean/max abs diff per frame:" + report);
            System.out.println("values off by more than 30: " + far + " of " + 16L * per);
            assertTrue(worstMean < 2.0, "decoded frames should be close to OpenCV's; mean abs diffs:" + report);
            assertTrue(far < 16L * per / 1000, far + " values differ from OpenCV's by more than 30 levels");
        }
    }

    @ParameterizedTest
    @EnumSource(VideoDecoder.class)
    void h264HighProfileWithBFramesDecodesInDisplayOrder(VideoDecoder decoder) throws Exception {
        List<VideoFrame> frames;
        try (FrameSource video = FrameSources.video(
                Media.resource("h264_high_160x90.mp4"),
                VideoReadOptions.defaults().withDecoder(decoder))) {
            frames = readAll(video);
        }
        assertEquals(20, frames.size());
        assertEquals(160, frames.get(0).image().width());
        assertEquals(90, frames.get(0).image().height(), "coded height 96 must be cropped to 90");
        assertEquals(0.2, frames.get(5).seconds(), 1e-9);
        int per = 160 * 90 * 3;
        byte[] ffmpeg;
        try (InputStream in =
                new GZIPInputStream(Files.newInputStream(Media.resource("h264_high_160x90.first6.rgb.gz")))) {
            ffmpeg = in.readAllBytes();
        }
        assertEquals(6 * per, ffmpeg.length);
        for (int t = 0; t < 6; t++) {
            byte[] own = java.util.Arrays.copyOfRange(ffmpeg, t * per, (t + 1) * per);
            double[] d = difference(own, frames.get(t).image().rgb());
            System.out.printf("h264 frame %d vs ffmpeg: mean %.3f max %d%n", t, d[0], (int) d[1]);
            assertTrue(d[0] < 1.0, "frame " + t + " differs from ffmpeg's by " + d[0] + " on average");
            if (t > 0) {
                byte[] previous = java.util.Arrays.copyOfRange(ffmpeg, (t - 1) * per, t * per);
                assertTrue(
                        difference(previous, frames.get(t).image().rgb())[0] > 2 * d[0] + 1,
                        "frame " + t + " looks like frame " + (t - 1));
            }
        }
    }

    @Test
    void codecsJcodecCannotDecodeAreNamed() {
        VideoReadOptions jcodec = VideoReadOptions.defaults().withDecoder(VideoDecoder.JCODEC);
        VideoDecodeException vp9 = assertThrows(
                VideoDecodeException.class, () -> FrameSources.video(Media.resource("vp9_32x32.mp4"), jcodec));
        assertTrue(vp9.getMessage().contains("vp09") && vp9.getMessage().contains("unsupported"), vp9.getMessage());
        VideoDecodeException mjpeg = assertThrows(
                VideoDecodeException.class, () -> FrameSources.video(Media.resource("mjpeg_32x32.mp4"), jcodec));
        assertTrue(mjpeg.getMessage().contains("mp4v"), mjpeg.getMessage());
    }

    @Test
    void missingEmptyAndCorruptFilesFailClearly(@TempDir Path dir) throws Exception {
        VideoDecodeException missing =
                assertThrows(VideoDecodeException.class, () -> FrameSources.video(dir.resolve("nope.mp4")));
        assertTrue(missing.getMessage().contains("does not exist"), missing.getMessage());
        Path empty = Files.createFile(dir.resolve("empty.mp4"));
        VideoDecodeException e = assertThrows(VideoDecodeException.class, () -> FrameSources.video(empty));
        assertTrue(e.getMessage().contains("empty"), e.getMessage());
        Path junk = Files.write(
                dir.resolve("junk.mp4"), "this is not a video at all, just some text padding it out".getBytes());
        VideoDecodeException j = assertThrows(VideoDecodeException.class, () -> FrameSources.video(junk));
        assertTrue(j.getMessage().contains("junk.mp4"), j.getMessage());
        byte[] real = Files.readAllBytes(Media.resource("h264_high_160x90.mp4"));
        Path truncated = Files.write(dir.resolve("truncated.mp4"), java.util.Arrays.copyOf(real, real.length / 3));
        assertThrows(VideoDecodeException.class, () -> {
            try (FrameSource s = FrameSources.video(truncated)) {
                readAll(s);
            }
        });
    }

    @ParameterizedTest
    @EnumSource(VideoDecoder.class)
    void frameIsCopiedOut(VideoDecoder decoder) throws Exception {
        try (FrameSource video = FrameSources.video(
                Media.resource("h264_high_160x90.mp4"),
                VideoReadOptions.defaults().withDecoder(decoder))) {
            RgbFrame first = video.next().orElseThrow().image();
            byte[] before = first.rgb();
            video.next();
            assertArrayEquals(before, first.rgb(), "a decoded frame must not change when the next one is decoded");
        }
    }
}
