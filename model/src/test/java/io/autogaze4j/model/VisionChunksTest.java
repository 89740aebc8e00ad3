package io.autogaze4j.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.autogaze4j.tensor.Backend;
import io.autogaze4j.tensor.Tensor;
import io.autogaze4j.tensor.VisionSession;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The schedule of {@link VisionChunks} on a recording session: which chunk is submitted and taken when, and which
 * embeddings each frame gets. The OpenCL parity tests check the bits on a real encoder.
 */
class VisionChunksTest {
    private static final Backend CPU = Backend.cpu(1);

    /** Records submissions and takes; frame t of row b embeds to the single value {@code 100 * b + t}. */
    private static final class Recording implements VisionSession {
        final List<String> log = new ArrayList<>();
        private final int chunkFrames;

        Recording(int chunkFrames) {
            this.chunkFrames = chunkFrames;
        }

        @Override
        public int batch() {
            return 2;
        }

        @Override
        public int chunkFrames() {
            return chunkFrames;
        }

        @Override
        public Tensor[][] encode(Tensor clip) {
            throw new AssertionError("a chunked call submits");
        }

        @Override
        public Submitted submit(Tensor clip, int first, int count) {
            log.add("submit " + first + "+" + count);
            return () -> {
                log.add("take " + first);
                Tensor[][] out = new Tensor[batch()][count];
                for (int b = 0; b < batch(); b++) {
                    for (int t = 0; t < count; t++) {
                        out[b][t] = Tensor.wrap(new float[] {100 * b + first + t}, 1, 1);
                    }
                }
                return out;
            };
        }

        @Override
        public void close() {}
    }

    private static Tensor clip(int frames) {
        return Tensor.zeros(2, frames, 3, 1, 1);
    }

    /** Five frames in chunks of 2: the next chunk goes in once the decoder holds the first frame of the one before. */
    @Test
    void nextChunkIsSubmittedBehindTheDecodersFirstFrameOfTheChunkBefore() {
        Recording session = new Recording(2);
        VisionChunks chunks = new VisionChunks(session, clip(5), CPU);
        assertEquals(5, chunks.frames());
        List<List<String>> logAfterEnqueue = new ArrayList<>();
        for (int t = 0; t < 5; t++) {
            Tensor[] frame = chunks.frame(t).host();
            for (int b = 0; b < 2; b++) {
                assertEquals(100 * b + t, frame[b].data()[0], "row " + b + " frame " + t);
            }
            chunks.enqueued(t);
            logAfterEnqueue.add(List.copyOf(session.log));
        }
        assertEquals(List.of("submit 0+2", "take 0", "submit 2+2"), logAfterEnqueue.get(0));
        assertEquals(logAfterEnqueue.get(0), logAfterEnqueue.get(1));
        assertEquals(List.of("submit 0+2", "take 0", "submit 2+2", "take 2", "submit 4+1"), logAfterEnqueue.get(2));
        assertEquals(logAfterEnqueue.get(2), logAfterEnqueue.get(3));
        assertEquals(
                List.of("submit 0+2", "take 0", "submit 2+2", "take 2", "submit 4+1", "take 4"),
                logAfterEnqueue.get(4));
        assertThrows(IndexOutOfBoundsException.class, () -> chunks.frame(5));
    }

    @Test
    void noChunksIsOneSubmissionOfTheWholeClip() {
        Recording session = new Recording(0);
        VisionChunks chunks = new VisionChunks(session, clip(3), CPU);
        for (int t = 0; t < 3; t++) {
            assertEquals(100 + t, chunks.frame(t).host()[1].data()[0]);
            chunks.enqueued(t);
        }
        assertEquals(List.of("submit 0+3", "take 0"), session.log);
    }
}
