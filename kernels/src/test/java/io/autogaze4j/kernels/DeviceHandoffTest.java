package io.autogaze4j.kernels;

import static io.autogaze4j.kernels.OpenClDecoderTest.H;
import static io.autogaze4j.kernels.OpenClDecoderTest.K;
import static io.autogaze4j.kernels.OpenClDecoderTest.V;
import static io.autogaze4j.kernels.OpenClDecoderTest.assertSameChoice;
import static io.autogaze4j.kernels.OpenClDecoderTest.framePlan;
import static io.autogaze4j.kernels.OpenClOpsTest.random;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.autogaze4j.tensor.DecoderSession;
import io.autogaze4j.tensor.DecoderWeights;
import io.autogaze4j.tensor.FrameSteps;
import io.autogaze4j.tensor.SubmittedFrame;
import io.autogaze4j.tensor.Tensor;
import io.autogaze4j.tensor.TokenChoice;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Vision tokens handed to the decoder on the device ({@link OpenClBackend#DEVICE_HANDOFF_PROPERTY}): a frame plan whose
 * prefill reads its last tokens in place from {@link ClDeviceTokens} ({@link FrameSteps#residentTokens}) against the same
 * plan with every embedding given by the host.
 */
class DeviceHandoffTest {

    /**
     * Two frames submitted back to back: the first with 8 host tokens per row in front of frame 1 of the device tokens,
     * the second carrying the first's 7 last-step ids in front of frame 2. Their choices are bit for bit those of the same
     * frames run in turn with every embedding from the host (the device tokens' values copied in).
     */
    @Test
    void residentTokensGiveTheBitsOfTheHostsEmbeddings() {
        DecoderWeights w = OpenClDecoderTest.weights(41);
        int batch = 2, host = 8, vision = 12, frames = 3, carried = 7;
        Random r = new Random(46);
        Tensor table = Tensor.wrap(random(r, V * H), V, H);
        byte[][] masks = new byte[batch][64];
        Arrays.stream(masks).forEach(m -> Arrays.fill(m, (byte) 1));
        float[] tokens = random(r, batch * frames * vision * H);
        float[] hostRows = random(r, batch * host * H);
        OpenClBackend cl = TestDevice.backend();
        try (ClDeviceTokens onDevice = cl.deviceTokens(tokens, batch, frames, vision, H);
                DecoderSession inTurn = cl.openDecoder(
                        w, batch, 64, 64, OpenClDecoderTest.options(64).withDecodesFrames(true));
                DecoderSession inPlace = cl.openDecoder(
                        w, batch, 64, 64, OpenClDecoderTest.options(64).withDecodesFrames(true))) {
            assertTrue(inPlace.readsInPlace(onDevice));
            FrameSteps first = framePlan(joined(hostRows, host, tokens, frames, 1, vision, batch), 0, masks, table);
            List<TokenChoice> expected1 = inTurn.forwardFrame(first);
            float[] carriedRows = new float[batch * carried * H];
            for (int b = 0; b < batch; b++) {
                for (int j = 0; j < carried; j++) {
                    int id = Math.max(0, expected1.get(1).tokens()[b][j]);
                    System.arraycopy(table.data(), id * H, carriedRows, (b * carried + j) * H, H);
                }
            }
            int secondAt = host + vision + K;
            Tensor second = joined(carriedRows, carried, tokens, frames, 2, vision, batch);
            List<TokenChoice> expected2 = inTurn.forwardFrame(framePlan(second, secondAt, masks, table));

            SubmittedFrame got1 = inPlace.submitFrame(
                    first.readingInPlace(Tensor.wrap(hostRows, batch * host, H), onDevice.frame(1)));
            Tensor zeros = Tensor.zeros(batch * carried, H); // carried: gathered on the device
            SubmittedFrame got2 = inPlace.submitFrame(framePlan(second, secondAt, masks, table)
                    .carrying(carried)
                    .readingInPlace(zeros, onDevice.frame(2)));
            assertEquals(inTurn.length(), inPlace.length(), "cache entries after both frames");
            List<TokenChoice> c1 = got1.choices(), c2 = got2.choices();
            for (int s = 0; s < 2; s++) {
                assertSameChoice(expected1.get(s), c1.get(s), "frame 1 (host tokens first), step " + s);
                assertSameChoice(expected2.get(s), c2.get(s), "frame 2 (carried tokens first), step " + s);
            }
            for (int b = 0; b < batch; b++) {
                int at = ((b * frames) + 2) * vision * H;
                assertArrayEquals(
                        Arrays.copyOfRange(tokens, at, at + vision * H),
                        onDevice.toHost(2)[b].data(),
                        "frame 2 of row " + b + " read back");
            }
        }
    }

    /**
     * Tokens a session cannot read in place are refused before anything is enqueued: another width, closed ones, a
     * session without the decode loop on the device; a plan whose resident tokens leave no room, or are of another batch.
     */
    @Test
    void tokensASessionCannotReadAreRefused() {
        DecoderWeights w = OpenClDecoderTest.weights(41);
        int batch = 2, vision = 12;
        Random r = new Random(47);
        Tensor table = Tensor.wrap(random(r, V * H), V, H);
        byte[][] masks = new byte[batch][64];
        Arrays.stream(masks).forEach(m -> Arrays.fill(m, (byte) 1));
        OpenClBackend cl = TestDevice.backend();
        FrameSteps plan = framePlan(Tensor.wrap(random(r, batch * 20 * H), batch * 20, H), 0, masks, table);
        Tensor hostPart = Tensor.zeros(batch * 8, H);
        try (DecoderSession s = cl.openDecoder(
                        w, batch, 64, 64, OpenClDecoderTest.options(64).withDecodesFrames(true));
                DecoderSession stepwise = cl.openDecoder(
                        w, batch, 64, 64, OpenClDecoderTest.options(64).withDecodesFrames(false));
                ClDeviceTokens narrow = cl.deviceTokens(new float[batch * vision * H / 2], batch, 1, vision, H / 2);
                ClDeviceTokens ok = cl.deviceTokens(new float[batch * vision * H], batch, 1, vision, H);
                ClDeviceTokens closed = cl.deviceTokens(new float[batch * vision * H], batch, 1, vision, H);
                ClDeviceTokens oneRow = cl.deviceTokens(new float[vision * H], 1, 1, vision, H)) {
            assertFalse(s.readsInPlace(narrow), "another width");
            assertThrows(
                    IllegalArgumentException.class,
                    () -> s.forwardFrame(plan.readingInPlace(hostPart, narrow.frame(0))));
            assertFalse(stepwise.readsInPlace(ok), "no decode loop on the device");
            closed.close();
            IllegalStateException e = assertThrows(
                    IllegalStateException.class, () -> s.forwardFrame(plan.readingInPlace(hostPart, closed.frame(0))));
            assertTrue(e.getMessage().contains("closed"), e.getMessage());
            assertThrows(IllegalStateException.class, () -> closed.toHost(0));
            assertEquals(0, s.length(), "nothing enqueued");
            assertThrows(IllegalArgumentException.class, () -> plan.carrying(10).readingInPlace(hostPart, ok.frame(0)));
            assertThrows(IllegalArgumentException.class, () -> plan.readingInPlace(hostPart, oneRow.frame(0)));
            assertThrows(IllegalArgumentException.class, () -> ok.frame(1));
            Tensor wrongHost = Tensor.zeros(batch * 9, H);
            assertThrows(
                    IllegalArgumentException.class, () -> s.forwardFrame(plan.readingInPlace(wrongHost, ok.frame(0))));
        }
    }

    @Test
    void deviceHandoffPropertyIsReadStrictly() {
        assertTrue(OpenClBackend.deviceHandoff(null), "on by default");
        assertTrue(OpenClBackend.deviceHandoff(" ON"));
        assertFalse(OpenClBackend.deviceHandoff("off "));
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> OpenClBackend.deviceHandoff("yes"));
        assertTrue(e.getMessage().contains(OpenClBackend.DEVICE_HANDOFF_PROPERTY), e.getMessage());
    }

    /** Frame {@code frame} of the device tokens {@code tokens} behind {@code first} tokens per row of {@code rows}. */
    private static Tensor joined(
            float[] rows, int first, float[] tokens, int frames, int frame, int vision, int batch) {
        int perRow = first + vision;
        float[] out = new float[batch * perRow * H];
        for (int b = 0; b < batch; b++) {
            System.arraycopy(rows, b * first * H, out, b * perRow * H, first * H);
            System.arraycopy(tokens, (b * frames + frame) * vision * H, out, (b * perRow + first) * H, vision * H);
        }
        return Tensor.wrap(out, batch * perRow, H);
    }
}
