package io.autogaze4j.video;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.autogaze4j.model.preprocess.ImageProcessor;
import io.autogaze4j.model.preprocess.RgbFrame;
import io.autogaze4j.testkit.TestVideos;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The FFmpeg decoder against FFmpeg's own command line: videos the test makes in each codec (H.264, HEVC, VP9, AV1,
 * MPEG-4 Part 2; MP4, WebM, MKV), every frame's RGB
 * within one 8-bit level of {@code ffmpeg -pix_fmt rgb24}, frame counts and timestamps equal; the example video
 * through the processor; truncated and corrupt files.
 */
class FfmpegDecodeTest {
    /** Frames of each test video: several GOP pieces with B-frames. */
    private static final int FRAMES = 24;

    private static final int FPS = 25;

    static Stream<Arguments> codecs() {
        return Stream.of(
                Arguments.of("h264.mp4", new String[] {"-c:v", "libx264", "-pix_fmt", "yuv420p", "-bf", "0"}),
                // 96 px: FFmpeg pads RGB rows of this width (stride 384 bytes, not 288)
                Arguments.of("h264_96px.mp4", new String[] {"-c:v", "libx264", "-pix_fmt", "yuv420p", "-s", "96x64"}),
                Arguments.of(
                        "h264_bframes.mp4",
                        new String[] {"-c:v", "libx264", "-pix_fmt", "yuv420p", "-bf", "3", "-g", "10"}),
                Arguments.of(
                        "h264_no_deblock.mp4",
                        new String[] {"-c:v", "libx264", "-pix_fmt", "yuv420p", "-tune", "fastdecode"}),
                Arguments.of("hevc.mp4", new String[] {
                    "-c:v", "libx265", "-pix_fmt", "yuv420p", "-x265-params", "log-level=error:bframes=3"
                }),
                Arguments.of("vp9.webm", new String[] {"-c:v", "libvpx-vp9", "-pix_fmt", "yuv420p", "-b:v", "200k"}),
                Arguments.of("mpeg4.mp4", new String[] {"-c:v", "mpeg4", "-q:v", "4", "-bf", "2"}),
                Arguments.of("av1.mkv", new String[] {"-c:v", "libaom-av1", "-cpu-used", "8", "-pix_fmt", "yuv420p"}));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("codecs")
    void everyFrameMatchesFfmpegsOwnRgbWithinOneLevel(String name, String[] codec, @TempDir Path dir)
            throws IOException {
        Path video = TestVideos.make(dir, name, 162, 90, FRAMES, FPS, codec);
        int width = name.contains("96px") ? 96 : 162, height = name.contains("96px") ? 64 : 90;
        byte[] reference = TestVideos.referenceRgb(video);
        double[] seconds = TestVideos.referenceSeconds(video);
        List<VideoFrame> frames;
        try (FrameSource source = FrameSources.video(video)) {
            frames = VideoDecodeTest.readAll(source);
            assertTrue(!source.status().truncated(), name + " reported truncated: " + source.status());
        }
        int per = width * height * 3;
        assertEquals(FRAMES, frames.size(), name + ": frames decoded");
        assertEquals(FRAMES * per, reference.length, name + ": frames in FFmpeg's decode");
        assertEquals(FRAMES, seconds.length, name + ": frames ffprobe lists");
        for (int t = 0; t < FRAMES; t++) {
            VideoFrame f = frames.get(t);
            assertEquals(t, f.index());
            assertEquals(width, f.image().width());
            assertEquals(height, f.image().height());
            assertEquals(seconds[t], f.seconds(), 1e-3, name + ": time of frame " + t);
            int diff = TestVideos.maxDifference(reference, t * per, f.image().rgb(), 0, per);
            assertTrue(diff <= 1, name + ": frame " + t + " differs from ffmpeg -pix_fmt rgb24 by " + diff + " levels");
        }
    }

    @Test
    void exampleVideoThroughTheProcessorMatchesFfmpegsDecodeWithinOneLevel() throws IOException {
        Path video = Media.shared("example_input.mp4");
        byte[] reference = TestVideos.referenceRgb(video);
        ImageProcessor processor = ImageProcessor.official();
        float level = oneLevel(processor);
        int per = 448 * 448 * 3;
        List<VideoFrame> frames;
        try (FrameSource source = FrameSources.open(video)) {
            frames = VideoDecodeTest.readAll(source);
        }
        assertEquals(64, frames.size());
        assertEquals(64 * per, reference.length);
        double worst = 0;
        for (int t = 0; t < 64; t++) {
            float[] ours = processor.process(frames.get(t).image());
            float[] theirs =
                    processor.process(RgbFrame.of(448, 448, Arrays.copyOfRange(reference, t * per, (t + 1) * per)));
            double d = 0;
            for (int i = 0; i < ours.length; i++) {
                d = Math.max(d, Math.abs(ours[i] - theirs[i]));
            }
            worst = Math.max(worst, d);
            assertTrue(
                    d <= level * 1.0001,
                    "frame " + t + ": processed frames differ by " + d + " (one level is " + level + ")");
        }
        System.out.println("example_input.mp4, FFmpeg decoder vs ffmpeg command, after the processor: max diff " + worst
                + " (one 8-bit level = " + level + ")");
    }

    /** One 8-bit level in the processor's normalised units (the largest over channels). */
    private static float oneLevel(ImageProcessor processor) {
        RgbFrame zero = RgbFrame.of(1, 1, new byte[] {0, 0, 0});
        RgbFrame one = RgbFrame.of(1, 1, new byte[] {1, 1, 1});
        float[] a = processor.withoutResize().process(zero),
                b = processor.withoutResize().process(one);
        float level = 0;
        for (int c = 0; c < 3; c++) {
            level = Math.max(level, Math.abs(b[c] - a[c]));
        }
        return level;
    }

    @Test
    void aTruncatedFaststartMp4IsReportedOrRefused(@TempDir Path dir) throws IOException {
        Path whole = TestVideos.make(
                dir,
                "whole.mp4",
                160,
                96,
                40,
                FPS,
                "-c:v",
                "libx264",
                "-pix_fmt",
                "yuv420p",
                "-movflags",
                "+faststart");
        byte[] bytes = Files.readAllBytes(whole);
        Path half = Files.write(dir.resolve("half.mp4"), Arrays.copyOf(bytes, bytes.length / 2));
        try (FrameSource source = FrameSources.video(half)) {
            List<VideoFrame> frames = VideoDecodeTest.readAll(source);
            DecodeStatus status = source.status();
            assertTrue(status.truncated(), "a file cut in half must be reported truncated: " + status);
            assertEquals(40, status.declared().getAsInt());
            assertEquals(frames.size(), status.decoded());
            assertTrue(frames.size() < 40 && frames.size() > 0, frames.size() + " frames");
        }
        VideoReadOptions strict = VideoReadOptions.defaults().withStrict(true);
        VideoDecodeException e = assertThrows(VideoDecodeException.class, () -> {
            try (FrameSource source = FrameSources.video(half, strict)) {
                VideoDecodeTest.readAll(source);
            }
        });
        assertTrue(
                e.getMessage().contains("half.mp4")
                        && e.getMessage().contains("of the 40 frames")
                        && e.getMessage().contains("frame "),
                e.getMessage());
    }

    @Test
    void corruptFilesFailWithOneErrorNamingTheFile(@TempDir Path dir) throws IOException {
        Path junk = Files.write(
                dir.resolve("junk.mp4"), "this is not a video at all, just some text padding it out".getBytes());
        VideoDecodeException j = assertThrows(VideoDecodeException.class, () -> FrameSources.video(junk));
        assertTrue(j.getMessage().contains("junk.mp4"), j.getMessage());
        Path whole = TestVideos.make(dir, "whole.mp4", 160, 96, 20, FPS, "-c:v", "libx264", "-pix_fmt", "yuv420p");
        byte[] bytes = Files.readAllBytes(whole);
        byte[] head = Arrays.copyOf(bytes, 64);
        Arrays.fill(head, 0, 64, (byte) 0x5A); // the 'ftyp' and the start of what follows destroyed
        Path noHeader = Files.write(dir.resolve("no_header.mp4"), head);
        VideoDecodeException h = assertThrows(VideoDecodeException.class, () -> FrameSources.video(noHeader));
        assertTrue(h.getMessage().contains("no_header.mp4"), h.getMessage());
    }

    @Test
    void aDamagedBitstreamIsConcealedAndReportedOrWithStrictAnErrorNamingTheFileAndFrame(@TempDir Path dir)
            throws IOException {
        Path whole = TestVideos.make(
                dir,
                "whole.mp4",
                160,
                96,
                30,
                FPS,
                "-c:v",
                "libx264",
                "-pix_fmt",
                "yuv420p",
                "-movflags",
                "+faststart",
                "-g",
                "30");
        byte[] bytes = Files.readAllBytes(whole);
        java.util.Random random = new java.util.Random(11);
        for (int i = bytes.length * 6 / 10; i < bytes.length * 7 / 10; i += 7) {
            bytes[i] = (byte) random.nextInt(256); // P-frames in the middle of the only GOP garbled
        }
        Path damaged = Files.write(dir.resolve("damaged.mp4"), bytes);
        int frames;
        try (FrameSource source = FrameSources.video(damaged)) {
            frames = VideoDecodeTest.readAll(source).size();
            // FFmpeg conceals what it can (and logs it); the frames it drops are reported, never silently missing
            assertEquals(frames < 30, source.status().truncated(), frames + " frames, " + source.status());
        }
        assertTrue(
                frames < 30,
                "this damage makes FFmpeg 8.1 drop frames; should a later FFmpeg conceal it all, garble more");
        VideoReadOptions strict = VideoReadOptions.defaults().withStrict(true);
        VideoDecodeException e = assertTimeoutPreemptively(
                Duration.ofSeconds(60),
                () -> assertThrows(VideoDecodeException.class, () -> {
                    try (FrameSource source = FrameSources.video(damaged, strict)) {
                        VideoDecodeTest.readAll(source);
                    }
                }));
        assertTrue(e.getMessage().contains("damaged.mp4") && e.getMessage().contains("frame "), e.getMessage());
    }

    @Test
    void jcodecRefusesMpeg4Part2AndNamesTheFfmpegDecoder() {
        VideoReadOptions jcodec = VideoReadOptions.defaults().withDecoder(VideoDecoder.JCODEC);
        VideoDecodeException e = assertThrows(
                VideoDecodeException.class, () -> FrameSources.video(Media.shared("example_input.mp4"), jcodec));
        assertTrue(e.getMessage().contains("MPEG-4 Part 2") && e.getMessage().contains("FFmpeg"), e.getMessage());
    }
}
