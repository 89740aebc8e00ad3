package io.autogaze4j.pipeline;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.autogaze4j.model.AutoGaze;
import io.autogaze4j.model.GazeOptions;
import io.autogaze4j.model.GazeResult;
import io.autogaze4j.model.VideoClip;
import io.autogaze4j.model.preprocess.ImageProcessor;
import io.autogaze4j.model.preprocess.RgbFrame;
import io.autogaze4j.video.FrameSources;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Rows of several clips and videos packed into batches give, bit for bit, what gazing each clip alone gives (no
 * task-loss stop); with a stop, each batch gives what the official call on exactly that batch gives.
 */
class BatchingTest {
    private static final GazeOptions NO_STOP =
            GazeOptions.builder().gazingRatio(0.05).build();
    /** The shared test checkpoint. */
    private static final AutoGaze MODEL = Fixtures.model();

    /** Two videos of 10 and 7 frames in clips of 4: clips of 4, 4, 2 and 4, 3 frames. */
    private static List<VideoInput> videos(int width, int height) {
        List<RgbFrame> a = Fixtures.frames(10, width, height, 1);
        List<RgbFrame> b = Fixtures.frames(7, width, height, 2);
        return List.of(
                VideoInput.of("a", () -> FrameSources.frames(a, 25)),
                VideoInput.of("b", () -> FrameSources.frames(b, 25)));
    }

    private static List<ClipPacket> run(GazeOptions gaze, PipelineOptions options, List<VideoInput> inputs) {
        List<ClipPacket> packets = new ArrayList<>();
        try (VideoPipeline pipeline = VideoPipeline.of(MODEL, gaze, options)) {
            pipeline.run(inputs, packets::add);
        }
        return packets;
    }

    /** The clip's rows as the MODEL gets them when the clip is gazed alone (the serial preprocessing path). */
    private static VideoClip alone(ClipPacket p, List<RgbFrame> frames, boolean tiles) {
        ImageProcessor processor = ImageProcessor.of(MODEL.preprocessor());
        VideoClip processed = (tiles ? processor.withoutResize() : processor)
                .process(frames.subList(
                        p.stamps().get(0).index(), p.stamps().get(0).index() + p.frameCount()));
        return p.plan().modelInput(processed);
    }

    private static void assertSameGaze(GazeResult expected, GazeResult actual, String what) {
        assertEquals(expected.batch(), actual.batch(), what + ": rows");
        assertArrayEquals(expected.numGazingEachFrame(), actual.numGazingEachFrame(), what + ": slots per frame");
        for (int b = 0; b < expected.batch(); b++) {
            assertArrayEquals(expected.gazingPos()[b], actual.gazingPos()[b], what + ": ids of row " + b);
            assertArrayEquals(expected.padded()[b], actual.padded()[b], what + ": padding of row " + b);
        }
    }

    @Test
    void batchesOfRowsFromSeveralClipsAndVideosEqualClipByClipGazing() {
        for (boolean tiles : new boolean[] {false, true}) {
            int width = tiles ? 300 : 64, height = tiles ? 250 : 48; // tiles: 2 x 2 = 4 rows per clip
            for (int batchRows : new int[] {1, 3, 7}) {
                PipelineOptions options = PipelineOptions.builder()
                        .clipLength(4)
                        .tiles(tiles)
                        .batchRows(batchRows)
                        .preprocessThreads(3)
                        .build();
                List<ClipPacket> packets = run(NO_STOP, options, videos(width, height));
                assertEquals(5, packets.size(), "clips of videos of 10 and 7 frames, 4 a clip");
                List<List<RgbFrame>> sources =
                        List.of(Fixtures.frames(10, width, height, 1), Fixtures.frames(7, width, height, 2));
                for (ClipPacket p : packets) {
                    String what = (tiles ? "tiles" : "resized") + ", batch " + batchRows + ", video " + p.videoId()
                            + " clip " + p.clip();
                    assertEquals(tiles ? 4 : 1, p.result().batch(), what);
                    GazeResult alone = MODEL.gaze(alone(p, sources.get(p.video()), tiles), NO_STOP);
                    assertSameGaze(alone, p.result(), what);
                }
            }
        }
    }

    @Test
    void packetsComeInInputOrderWithFramesNumberedPerVideo() {
        PipelineOptions options = PipelineOptions.builder()
                .clipLength(4)
                .batchRows(3)
                .decodeThreads(2)
                .queuedClips(1)
                .build();
        List<ClipPacket> packets = run(NO_STOP, options, videos(64, 48));
        List<String> order = packets.stream()
                .map(p -> p.videoId() + p.clip() + "@" + p.firstFrame() + "+" + p.frameCount())
                .toList();
        assertEquals(List.of("a0@0+4", "a1@4+4", "a2@8+2", "b0@0+4", "b1@4+3"), order);
        ClipPacket last = packets.get(4);
        assertEquals(
                List.of(4, 5, 6), last.stamps().stream().map(FrameStamp::index).toList());
        assertEquals(4 / 25.0, last.stamps().get(0).seconds(), 1e-12);
        assertEquals(4, last.trace().frame(0).frame(), "trace frames are numbered within the video");
    }

    @Test
    void withATaskLossStopEachBatchGivesTheOfficialResultOfThatBatch() {
        GazeOptions stop =
                GazeOptions.builder().gazingRatio(0.2).taskLossRequirement(0.2).build();
        List<RgbFrame> frames = Fixtures.frames(8, 64, 48, 3);
        List<VideoInput> input = List.of(VideoInput.of("v", () -> FrameSources.frames(frames, 25)));
        ImageProcessor processor = ImageProcessor.of(MODEL.preprocessor());
        VideoClip first = processor.process(frames.subList(0, 4));
        VideoClip second = processor.process(frames.subList(4, 8));
        // one clip per batch: each clip alone
        List<ClipPacket> single =
                run(stop, PipelineOptions.builder().clipLength(4).batchRows(1).build(), input);
        assertSameGaze(MODEL.gaze(first, stop), single.get(0).result(), "clip 0 alone");
        assertSameGaze(MODEL.gaze(second, stop), single.get(1).result(), "clip 1 alone");
        // both clips in one batch: the official call on the two rows, each row's slots trimmed to its own
        List<ClipPacket> both =
                run(stop, PipelineOptions.builder().clipLength(4).batchRows(2).build(), input);
        float[] data = new float[2 * first.toTensor().size()];
        System.arraycopy(first.toTensor().data(), 0, data, 0, data.length / 2);
        System.arraycopy(second.toTensor().data(), 0, data, data.length / 2, data.length / 2);
        GazeResult batch = MODEL.gaze(VideoClip.of(data, 2, 4, first.height(), first.width()), stop);
        boolean differs = false;
        for (int row = 0; row < 2; row++) {
            GazeResult part = both.get(row).result();
            differs |= !part.cells(0, 3).equals(single.get(row).result().cells(0, 3));
            for (int t = 0; t < 4; t++) {
                assertEquals(batch.cells(row, t), part.cells(0, t), "row " + row + " frame " + t);
            }
        }
        System.out.println("with a task-loss stop, batching two clips " + (differs ? "changed" : "did not change")
                + " their last frame's cells");
    }

    @Test
    void parallelPreprocessingIsBitIdenticalToTheSerialPath() throws Exception {
        ImageProcessor processor = ImageProcessor.of(MODEL.preprocessor());
        List<RgbFrame> frames = Fixtures.frames(5, 300, 250, 9);
        try (VideoPipeline pipeline = VideoPipeline.of(
                MODEL,
                NO_STOP,
                PipelineOptions.builder().tiles(true).preprocessThreads(4).build())) {
            Preprocessor pre = pipeline.preprocessor();
            FramePlan plan = pre.plan(new io.autogaze4j.model.preprocess.FrameSize(300, 250));
            VideoClip parallel = pre.rows(frames, plan);
            VideoClip serial = plan.modelInput(processor.withoutResize().process(frames));
            assertArrayEquals(serial.toTensor().data(), parallel.toTensor().data());
            assertTrue(parallel.batch() == 4 && parallel.frames() == 5, parallel.toString());
        }
    }
}
