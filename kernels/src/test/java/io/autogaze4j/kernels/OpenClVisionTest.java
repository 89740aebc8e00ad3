package io.autogaze4j.kernels;

import static io.autogaze4j.kernels.OpenClOpsTest.assertClose;
import static io.autogaze4j.kernels.OpenClOpsTest.random;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.autogaze4j.tensor.Backend;
import io.autogaze4j.tensor.DeviceTokens;
import io.autogaze4j.tensor.LinearWeight;
import io.autogaze4j.tensor.Tensor;
import io.autogaze4j.tensor.VisionSession;
import io.autogaze4j.tensor.VisionWeights;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The device vision encoder ({@link ClVisionSession}) against the CPU backend's single operations composed as the model's
 * encoder composes them: small random weights (64 px frames in 16 px patches, two trunk blocks), several rows, waves,
 * streaming calls, both convolution forms.
 */
class OpenClVisionTest {
    private static final Backend CPU = Backend.cpu(1);
    private static final int SIZE = 64;
    private static final int HIDDEN = 32;
    private static final int OUT = 48;

    private static VisionWeights weights(Random r) {
        int kt = 3, ks = 3;
        List<LinearWeight> trunk = List.of(
                LinearWeight.fromInOut(
                        random(r, kt * ks * ks * HIDDEN * HIDDEN), kt * ks * ks * HIDDEN, HIDDEN, random(r, HIDDEN)),
                LinearWeight.fromInOut(
                        random(r, kt * ks * ks * HIDDEN * HIDDEN), kt * ks * ks * HIDDEN, HIDDEN, random(r, HIDDEN)));
        return new VisionWeights(
                SIZE,
                16,
                LinearWeight.fromTorch(random(r, HIDDEN * 768), HIDDEN, 768, random(r, HIDDEN)),
                random(r, HIDDEN),
                random(r, HIDDEN),
                1e-5f,
                trunk,
                kt,
                ks,
                LinearWeight.fromTorch(random(r, OUT * HIDDEN), OUT, HIDDEN, random(r, OUT)),
                random(r, 16 * OUT));
    }

    /** The reference: each row's frames through the CPU backend's single operations, zero history before frame 0. */
    private static Tensor[][] reference(VisionWeights w, Tensor clip) {
        int rows = clip.dim(0), frames = clip.dim(1), per = 3 * SIZE * SIZE;
        int side = w.gridSide();
        Tensor[][] out = new Tensor[rows][frames];
        for (int b = 0; b < rows; b++) {
            Tensor[] x = new Tensor[frames];
            for (int t = 0; t < frames; t++) {
                int at = (b * frames + t) * per;
                Tensor frame = Tensor.wrap(Arrays.copyOfRange(clip.data(), at, at + per), 3, SIZE, SIZE);
                x[t] = CPU.layerNorm(
                        CPU.patchEmbed(frame, w.patchEmbed(), w.patch()), w.normWeight(), w.normBias(), w.normEps());
            }
            for (LinearWeight conv : w.trunk()) {
                Tensor[] y = new Tensor[frames];
                for (int t = 0; t < frames; t++) {
                    Tensor[] window = new Tensor[w.temporalKernel()];
                    for (int dt = 0; dt < window.length; dt++) {
                        int src = t - (window.length - 1) + dt;
                        window[dt] = src < 0 ? null : x[src];
                    }
                    y[t] = CPU.causalConv3d(window, conv, w.spatialKernel(), side, side);
                    CPU.reluInPlace(y[t]);
                }
                x = y;
            }
            for (int t = 0; t < frames; t++) {
                out[b][t] = CPU.linear(x[t], w.outProj());
                CPU.addInPlace(out[b][t], Tensor.wrap(w.posEmbed(), w.tokens(), OUT));
            }
        }
        return out;
    }

    /** Frames {@code [from, to)} of every row of {@code clip} as a clip. */
    private static Tensor frames(Tensor clip, int from, int to) {
        int rows = clip.dim(0), frames = clip.dim(1), per = 3 * SIZE * SIZE;
        float[] out = new float[rows * (to - from) * per];
        for (int b = 0; b < rows; b++) {
            System.arraycopy(clip.data(), (b * frames + from) * per, out, b * (to - from) * per, (to - from) * per);
        }
        return Tensor.wrap(out, rows, to - from, 3, SIZE, SIZE);
    }

    @Test
    void visionEncoderMatchesCpuOperations() {
        matchesCpuOperations(TestDevice.backend());
    }

    @Test
    void splitKVisionEncoderMatchesCpuOperations() {
        try (OpenClBackend split =
                OpenClBackend.open(TestDevice.backend().device().index(), true)) {
            matchesCpuOperations(split);
        }
    }

    /** Whole clips in one wave and in one wave per row, and the same clip in calls of 2, 1, 1 and 1 frames. */
    private static void matchesCpuOperations(OpenClBackend cl) {
        Random r = new Random(7);
        VisionWeights w = weights(r);
        int rows = 3, frames = 5;
        Tensor clip = Tensor.wrap(random(r, rows * frames * 3 * SIZE * SIZE), rows, frames, 3, SIZE, SIZE);
        Tensor[][] expected = reference(w, clip);
        long rowBytes = (long) frames * 3 * SIZE * SIZE * Float.BYTES;
        for (long waveBytes : new long[] {ClVisionSession.WAVE_BYTES, rowBytes}) {
            try (ClVisionSession s = cl.openVision(w, rows, waveBytes)) {
                Tensor[][] actual = s.encode(clip);
                for (int b = 0; b < rows; b++) {
                    for (int t = 0; t < frames; t++) {
                        assertClose(
                                expected[b][t],
                                actual[b][t],
                                1e-5f,
                                "row " + b + " frame " + t + " (waves of " + waveBytes + " bytes)");
                    }
                }
            }
        }
        try (ClVisionSession s = cl.openVision(w, rows, rowBytes)) {
            int[] cuts = {0, 2, 3, 4, 5};
            for (int c = 0; c + 1 < cuts.length; c++) {
                Tensor[][] actual = s.encode(frames(clip, cuts[c], cuts[c + 1]));
                for (int b = 0; b < rows; b++) {
                    for (int t = cuts[c]; t < cuts[c + 1]; t++) {
                        assertClose(expected[b][t], actual[b][t - cuts[c]], 1e-5f, "streamed row " + b + " frame " + t);
                    }
                }
            }
        }
    }

    @Test
    void timeChunksGiveTheBitsOfOneCall() {
        chunksGiveTheBitsOfOneCall(TestDevice.backend());
    }

    @Test
    void splitKTimeChunksGiveTheBitsOfOneCall() {
        try (OpenClBackend split =
                OpenClBackend.open(TestDevice.backend().device().index(), true)) {
            chunksGiveTheBitsOfOneCall(split);
        }
    }

    /**
     * Three rows of seven frames submitted in chunks of 3, 3 and 1 frames (in one wave and in one wave per row), each
     * chunk submitted before the previous one's embeddings are taken: the embeddings are bit for bit those of one call.
     * A second session submitting in between takes over the shared page-locked stage and leaves both results intact.
     */
    private static void chunksGiveTheBitsOfOneCall(OpenClBackend cl) {
        Random r = new Random(9);
        VisionWeights w = weights(r);
        int rows = 3, frames = 7;
        Tensor clip = Tensor.wrap(random(r, rows * frames * 3 * SIZE * SIZE), rows, frames, 3, SIZE, SIZE);
        Tensor[][] whole;
        try (ClVisionSession s = cl.openVision(w, rows, ClVisionSession.WAVE_BYTES)) {
            whole = s.encode(clip);
        }
        Tensor other = Tensor.wrap(random(r, 2 * 3 * SIZE * SIZE), 1, 2, 3, SIZE, SIZE);
        Tensor[][] otherWhole;
        try (ClVisionSession s = cl.openVision(w, 1, ClVisionSession.WAVE_BYTES)) {
            otherWhole = s.encode(other);
        }
        long rowBytes = 3L * 3 * SIZE * SIZE * Float.BYTES;
        for (long waveBytes : new long[] {ClVisionSession.WAVE_BYTES, rowBytes}) {
            try (ClVisionSession s = cl.openVision(w, rows, waveBytes);
                    ClVisionSession o = cl.openVision(w, 1, waveBytes)) {
                VisionSession.Submitted a = s.submit(clip, 0, 3);
                VisionSession.Submitted b = s.submit(clip, 3, 3);
                VisionSession.Submitted between = o.submit(other, 0, 2);
                Tensor[][][] chunks = {
                    a.embeddings(), b.embeddings(), s.submit(clip, 6, 1).embeddings()
                };
                for (int row = 0; row < rows; row++) {
                    for (int t = 0; t < frames; t++) {
                        assertArrayEquals(
                                whole[row][t].data(),
                                chunks[t / 3][row][t % 3].data(),
                                "row " + row + " frame " + t + " (waves of " + waveBytes + " bytes)");
                    }
                }
                for (int t = 0; t < 2; t++) {
                    assertArrayEquals(otherWhole[0][t].data(), between.embeddings()[0][t].data(), "other frame " + t);
                }
                assertThrows(IllegalArgumentException.class, () -> s.submit(clip, 6, 2));
                assertThrows(IllegalArgumentException.class, () -> s.submit(clip, -1, 1));
            }
        }
    }

    /**
     * With the hand-off on, a submission's embeddings stay on the device ({@link VisionSession.Submitted#onDevice}): read
     * back frame by frame or whole, they are the bits of the host path (hand-off off), in one wave and in a wave per
     * row, with the session's commands on the decoder's queue or on a second one ({@link
     * OpenClBackend#VISION_QUEUE_PROPERTY}; the host path there too). The host path keeps nothing on the device, and
     * closing a session closes the tokens it made.
     */
    @Test
    void residentTokensAreTheBitsOfTheHostPath() {
        OpenClBackend cl = TestDevice.backend();
        Random r = new Random(10);
        VisionWeights w = weights(r);
        int rows = 3, frames = 5;
        Tensor clip = Tensor.wrap(random(r, rows * frames * 3 * SIZE * SIZE), rows, frames, 3, SIZE, SIZE);
        long rowBytes = 2L * 3 * SIZE * SIZE * Float.BYTES;
        for (long waveBytes : new long[] {ClVisionSession.WAVE_BYTES, rowBytes}) {
            for (boolean side : new boolean[] {false, true}) {
                residentTokensAreTheBitsOfTheHostPath(cl, w, clip, waveBytes, side);
            }
        }
    }

    private static void residentTokensAreTheBitsOfTheHostPath(
            OpenClBackend cl, VisionWeights w, Tensor clip, long waveBytes, boolean side) {
        int rows = clip.dim(0);
        String where = " (waves of " + waveBytes + " bytes" + (side ? ", second queue)" : ")");
        Tensor[][] first, second;
        try (ClVisionSession s = cl.openVision(w, rows, waveBytes, false, side)) {
            VisionSession.Submitted a = s.submit(clip, 0, 3);
            assertTrue(a.onDevice().isEmpty(), "the host path keeps nothing on the device");
            first = a.embeddings();
            second = s.submit(clip, 3, 2).embeddings();
        }
        DeviceTokens kept;
        try (ClVisionSession s = cl.openVision(w, rows, waveBytes, true, side)) {
            VisionSession.Submitted a = s.submit(clip, 0, 3);
            VisionSession.Submitted b = s.submit(clip, 3, 2);
            DeviceTokens onDevice = a.onDevice().orElseThrow();
            assertEquals(
                    List.of(rows, 3, w.tokens(), OUT),
                    List.of(onDevice.rows(), onDevice.frames(), onDevice.tokens(), onDevice.width()));
            for (int t = 0; t < 3; t++) {
                Tensor[] frame = onDevice.toHost(t);
                for (int row = 0; row < rows; row++) {
                    assertArrayEquals(first[row][t].data(), frame[row].data(), "row " + row + " frame " + t + where);
                }
            }
            onDevice.close();
            Tensor[][] back = b.embeddings();
            for (int row = 0; row < rows; row++) {
                for (int t = 0; t < 2; t++) {
                    assertArrayEquals(
                            second[row][t].data(), back[row][t].data(), "row " + row + " frame " + (3 + t) + where);
                }
            }
            kept = b.onDevice().orElseThrow();
        }
        assertThrows(IllegalStateException.class, () -> kept.toHost(0), "closed with its session");
    }

    @Test
    void visionChunksPropertyIsReadStrictly() {
        assertEquals(OpenClBackend.DEFAULT_VISION_CHUNK_FRAMES, OpenClBackend.visionChunkFrames(null));
        assertEquals(0, OpenClBackend.visionChunkFrames(" OFF "));
        assertEquals(3, OpenClBackend.visionChunkFrames(" 3"));
        for (String bad : List.of("0", "-2", "on", "2.5", "")) {
            IllegalArgumentException e =
                    assertThrows(IllegalArgumentException.class, () -> OpenClBackend.visionChunkFrames(bad));
            assertTrue(e.getMessage().contains(OpenClBackend.VISION_CHUNKS_PROPERTY), e.getMessage());
        }
    }

    @Test
    void historyMattersAndBadClipsAreRefused() {
        OpenClBackend cl = TestDevice.backend();
        Random r = new Random(8);
        VisionWeights w = weights(r);
        Tensor clip = Tensor.wrap(random(r, 2 * 3 * SIZE * SIZE), 1, 2, 3, SIZE, SIZE);
        try (ClVisionSession s = cl.openVision(w, 1, ClVisionSession.WAVE_BYTES)) {
            Tensor[][] first = s.encode(clip);
            Tensor[][] again = s.encode(clip);
            assertTrue(first[0][0].maxAbsDiff(again[0][0]) > 1e-3f, "the second call sees the first call's frames");
            assertThrows(IllegalArgumentException.class, () -> s.encode(Tensor.zeros(2, 1, 3, SIZE, SIZE)));
            assertThrows(IllegalArgumentException.class, () -> s.encode(Tensor.zeros(1, 1, 3, SIZE, SIZE + 16)));
        }
        assertTrue(cl.encodesVision(w), "the device takes these shapes");
    }
}
