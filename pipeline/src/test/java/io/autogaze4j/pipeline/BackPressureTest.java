package io.autogaze4j.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.autogaze4j.model.GazeOptions;
import io.autogaze4j.model.preprocess.RgbFrame;
import io.autogaze4j.video.FrameSource;
import io.autogaze4j.video.VideoFrame;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Bounded queues: a caller that stops taking packets stops the decoding too, however long the video. */
class BackPressureTest {
    /** A 2-hour video at 25 frames/s, made frame by frame on demand, counting the frames read. */
    private static final class LongVideo implements FrameSource {
        static final int FRAMES = 2 * 60 * 60 * 25;
        final AtomicInteger read = new AtomicInteger();
        private final List<RgbFrame> pictures = Fixtures.frames(4, 64, 48, 7);

        @Override
        public Optional<VideoFrame> next() {
            int i = read.get();
            if (i >= FRAMES) {
                return Optional.empty();
            }
            read.incrementAndGet();
            return Optional.of(new VideoFrame(i, i / 25.0, pictures.get(i % pictures.size())));
        }

        @Override
        public String description() {
            return "a 2-hour video";
        }

        @Override
        public void close() {}
    }

    @Test
    void aCallerThatStopsTakingPacketsStopsTheDecoding() throws InterruptedException {
        LongVideo video = new LongVideo();
        PipelineOptions options = PipelineOptions.builder()
                .clipLength(2)
                .batchRows(2)
                .queuedClips(1)
                .build();
        try (VideoPipeline pipeline = VideoPipeline.of(
                        Fixtures.model(),
                        GazeOptions.builder().gazingRatio(0.02).build(),
                        options);
                PacketStream packets = pipeline.stream(List.of(VideoInput.of("long", () -> video)))) {
            assertEquals(0, packets.next().clip());
            int before = -1;
            for (int wait = 0; wait < 50 && video.read.get() != before; wait++) {
                before = video.read.get();
                Thread.sleep(200); // until the decoder blocks
            }
            // in flight at most: a clip per queue slot (decoder 1, finishing 1, output 2), one being read, the
            // batcher's
            // pending rows and its ready batch (2 rows each), the batch in the model, the packet taken: well under 16
            // clips
            int clips = video.read.get() / 2;
            assertTrue(clips < 16, "the decoder read " + clips + " clips ahead of a caller that took one packet");
            assertEquals(video.read.get(), before, "the decoder must be blocked, not still reading");
        }
    }
}
