package io.autogaze4j.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.autogaze4j.model.AutoGaze;
import io.autogaze4j.model.GazeOptions;
import io.autogaze4j.model.preprocess.ImageProcessor;
import io.autogaze4j.model.preprocess.RgbFrame;
import io.autogaze4j.readout.viz.ArgbImage;
import io.autogaze4j.readout.viz.DifferenceMaskSource;
import io.autogaze4j.readout.viz.FrameMetrics;
import io.autogaze4j.readout.viz.GeometryMode;
import io.autogaze4j.readout.viz.InterframeRun;
import io.autogaze4j.testkit.TestVideos;
import io.autogaze4j.video.FrameSources;
import io.autogaze4j.video.VideoDecodeException;
import io.autogaze4j.video.VideoReadOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The run as a stream: failures, truncated files, stopping early, the async entry points, live mode, mask sources. */
class StreamTest {
    private static final GazeOptions OPTIONS =
            GazeOptions.builder().gazingRatio(0.05).build();
    private static final Duration NO_HANG = Duration.ofSeconds(120);
    /** The shared test checkpoint. */
    private static final AutoGaze MODEL = Fixtures.model();

    private static VideoPipeline pipeline(PipelineOptions options) {
        return VideoPipeline.of(MODEL, OPTIONS, options);
    }

    @Test
    void aCorruptFileEndsTheRunWithOneErrorNamingIt(@TempDir Path dir) throws Exception {
        Path junk = Files.write(dir.resolve("junk.mp4"), "not a video, only text standing in for one".getBytes());
        List<RgbFrame> frames = Fixtures.frames(6, 64, 48, 1);
        List<VideoInput> inputs =
                List.of(VideoInput.of("good", () -> FrameSources.frames(frames, 25)), VideoInput.file(junk));
        PipelineException e = assertTimeoutPreemptively(
                NO_HANG,
                () -> assertThrows(PipelineException.class, () -> {
                    try (VideoPipeline p = pipeline(PipelineOptions.builder()
                            .clipLength(4)
                            .decodeThreads(2)
                            .build())) {
                        p.run(inputs, packet -> {});
                    }
                }));
        assertTrue(e.getMessage().contains("junk.mp4") && e.getCause() instanceof VideoDecodeException, e.getMessage());
        assertEquals(junk.toString(), e.videoId().orElseThrow());
    }

    @Test
    void aTruncatedVideoIsReportedAndStrictModeRefusesIt(@TempDir Path dir) throws Exception {
        Path whole = TestVideos.make(
                dir, "whole.mp4", 96, 64, 32, 25, "-c:v", "libx264", "-pix_fmt", "yuv420p", "-movflags", "+faststart");
        byte[] bytes = Files.readAllBytes(whole);
        Path half = Files.write(dir.resolve("half.mp4"), Arrays.copyOf(bytes, bytes.length / 2));
        try (VideoPipeline p = pipeline(PipelineOptions.builder().clipLength(8).build())) {
            List<ClipPacket> packets = new ArrayList<>();
            PipelineSummary summary =
                    assertTimeoutPreemptively(NO_HANG, () -> p.run(List.of(VideoInput.file(half)), packets::add));
            VideoSummary video = summary.videos().get(0);
            assertTrue(video.status().truncated(), video.toString());
            assertEquals(32, video.status().declared().getAsInt());
            assertEquals(
                    video.frames(),
                    packets.stream().mapToInt(ClipPacket::frameCount).sum());
        }
        PipelineOptions strict = PipelineOptions.builder()
                .clipLength(8)
                .read(VideoReadOptions.defaults().withStrict(true))
                .build();
        try (VideoPipeline p = pipeline(strict)) {
            PipelineException e =
                    assertThrows(PipelineException.class, () -> p.run(List.of(VideoInput.file(half)), packet -> {}));
            assertTrue(
                    e.getMessage().contains("half.mp4") && e.getMessage().contains("of the 32 frames"), e.getMessage());
        }
    }

    @Test
    void closingAStreamEarlyStopsItsThreads() {
        List<RgbFrame> frames = Fixtures.frames(200, 64, 48, 2);
        try (VideoPipeline p = pipeline(PipelineOptions.builder()
                .clipLength(2)
                .batchRows(1)
                .queuedClips(1)
                .build())) {
            assertTimeoutPreemptively(NO_HANG, () -> {
                try (PacketStream packets =
                        p.stream(List.of(VideoInput.of("long", () -> FrameSources.frames(frames, 25))))) {
                    assertTrue(packets.hasNext());
                    assertEquals(0, packets.next().clip());
                }
            });
        }
        assertTrue(
                Thread.getAllStackTraces().keySet().stream()
                                .filter(t -> t.getName().startsWith("autogaze-gaze"))
                                .noneMatch(Thread::isAlive)
                        || waitForGazeThreads(),
                "the gazing thread must stop when its stream is closed");
    }

    private static boolean waitForGazeThreads() {
        for (int i = 0; i < 100; i++) {
            if (Thread.getAllStackTraces().keySet().stream()
                    .noneMatch(t -> t.getName().startsWith("autogaze-gaze") && t.isAlive())) {
                return true;
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return false;
    }

    @Test
    void gazeAsyncCompletesWithTheVideosPacketsOrFailsWithItsError(@TempDir Path dir) throws Exception {
        List<RgbFrame> frames = Fixtures.frames(5, 64, 48, 3);
        try (VideoPipeline p = pipeline(PipelineOptions.builder().clipLength(4).build())) {
            List<ClipPacket> packets = p.gazeAsync(VideoInput.of("v", () -> FrameSources.frames(frames, 25)))
                    .get();
            assertEquals(
                    List.of(4, 1), packets.stream().map(ClipPacket::frameCount).toList());
            Path missing = dir.resolve("missing.mp4");
            CompletionException e = assertThrows(
                    CompletionException.class,
                    () -> p.gazeAsync(VideoInput.file(missing)).join());
            assertTrue(
                    e.getCause() instanceof PipelineException
                            && e.getCause().getMessage().contains("missing.mp4"),
                    e.toString());
        }
    }

    @Test
    void liveModeDropsStaleFramesAndCountsEveryFrame() {
        List<RgbFrame> frames = Fixtures.frames(40, 64, 48, 4);
        List<ClipPacket> packets = new ArrayList<>();
        LiveStats stats;
        try (VideoPipeline p = pipeline(PipelineOptions.defaults());
                LiveGazer live = LiveGazer.start(
                        MaskSource.model(MODEL, OPTIONS),
                        p.preprocessor(),
                        new LiveOptions(2, 4, 1, false),
                        packets::add)) {
            for (RgbFrame f : frames) {
                live.push(f);
            }
            live.close();
            stats = live.stats();
        }
        assertEquals(40, stats.pushed());
        assertEquals(40, stats.dropped() + stats.gazed(), stats.toString());
        assertTrue(
                stats.dropped() > 0, "pushing 40 frames at once onto a 4-frame queue must drop stale ones: " + stats);
        assertEquals(
                stats.gazed(), packets.stream().mapToInt(ClipPacket::frameCount).sum());
        assertTrue(
                stats.gazed() == 0 || stats.p50Millis() > 0 && stats.p99Millis() >= stats.p50Millis(),
                stats.toString());
        for (int i = 1; i < packets.size(); i++) {
            assertTrue(
                    packets.get(i).stamps().get(0).index()
                            > packets.get(i - 1).stamps().get(1).index(),
                    "newer frames in later clips");
        }
    }

    @Test
    void metricsComeWithEachPacketAndVideoOnlyWhenAskedFor() {
        List<RgbFrame> frames = Fixtures.frames(7, 64, 48, 6);
        List<VideoInput> input = List.of(VideoInput.of("v", () -> FrameSources.frames(frames, 25)));
        MetricsOptions metrics = MetricsOptions.of(GeometryMode.NATIVE, 3);
        List<ClipPacket> packets = new ArrayList<>();
        PipelineSummary summary;
        try (VideoPipeline p = pipeline(
                PipelineOptions.builder().clipLength(3).metrics(metrics).build())) {
            summary = p.run(input, packets::add);
        }
        try (InterframeRun expected = new InterframeRun(metrics.geometry(), metrics.interframe(), metrics.emaAlpha())) {
            for (ClipPacket packet : packets) {
                assertEquals(packet.frameCount(), packet.metrics().size());
                assertTrue(
                        packet.frames().isEmpty(), "frames kept for the metrics are not handed out unless asked for");
                for (int t = 0; t < packet.frameCount(); t++) {
                    FrameMetrics m = expected.add(ArgbImage.of(frames.get(packet.firstFrame() + t)), packet.trace(), t)
                            .metrics();
                    assertEquals(m, packet.metrics().get(t), "metrics of frame " + (packet.firstFrame() + t));
                }
            }
            assertEquals(expected.summary(), summary.videos().get(0).metrics().orElseThrow());
        }
        try (VideoPipeline p = pipeline(PipelineOptions.builder().clipLength(3).build())) {
            List<ClipPacket> plain = new ArrayList<>();
            PipelineSummary none = p.run(input, plain::add);
            assertTrue(plain.stream().allMatch(x -> x.metrics().isEmpty())
                    && none.videos().get(0).metrics().isEmpty());
        }
    }

    @Test
    void thePatchDifferenceSourceRunsWithoutAModel() {
        List<RgbFrame> frames = Fixtures.frames(6, 64, 48, 5);
        MaskSource difference = MaskSource.patchDifference(DifferenceMaskSource.official());
        try (VideoPipeline p = VideoPipeline.create(
                difference,
                ImageProcessor.official(),
                PipelineOptions.builder().clipLength(3).build())) {
            List<ClipPacket> packets = new ArrayList<>();
            p.run(List.of(VideoInput.of("v", () -> FrameSources.frames(frames, 25))), packets::add);
            assertEquals(2, packets.size());
            assertFalse(packets.get(0).trace().frame(1).fixations().isEmpty(), "the moving square must be gazed");
            assertTrue(packets.get(0).frames().isEmpty(), "frames are not kept unless asked for");
        }
        assertThrows(
                IllegalArgumentException.class,
                () -> VideoPipeline.create(
                        difference,
                        ImageProcessor.official(),
                        PipelineOptions.builder().tiles(true).build()));
    }
}
