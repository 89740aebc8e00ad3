package io.autogaze4j.kernels;

import static io.autogaze4j.kernels.OpenClOpsTest.assertClose;
import static io.autogaze4j.kernels.OpenClOpsTest.random;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.autogaze4j.tensor.Backend;
import io.autogaze4j.tensor.DecoderHeads;
import io.autogaze4j.tensor.DecoderLayerWeights;
import io.autogaze4j.tensor.DecoderSession;
import io.autogaze4j.tensor.DecoderWeights;
import io.autogaze4j.tensor.LinearWeight;
import io.autogaze4j.tensor.RopeTable;
import io.autogaze4j.tensor.Tensor;
import io.autogaze4j.tensor.TokenChoice;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The device-resident decoder against the host reference session, with random model-shaped weights. */
class OpenClDecoderTest {
    private static final int H = 192, HEADS = 6, DIM = 32, INTER = 384, K = 10, V = 266, PAD = 265;

    private static LinearWeight lin(Random r, int in, int out) {
        float[] w = random(r, in * out);
        for (int i = 0; i < w.length; i++) {
            w[i] *= (float) (1 / Math.sqrt(in));
        }
        return LinearWeight.fromTorch(w, out, in, null);
    }

    private static float[] norm(Random r) {
        float[] w = new float[H];
        for (int i = 0; i < H; i++) {
            w[i] = 1 + 0.1f * (float) r.nextGaussian();
        }
        return w;
    }

    static DecoderWeights weights(long seed) {
        Random r = new Random(seed);
        List<DecoderLayerWeights> layers = new ArrayList<>();
        for (int l = 0; l < 4; l++) {
            layers.add(new DecoderLayerWeights(
                    norm(r),
                    lin(r, H, H),
                    lin(r, H, H),
                    lin(r, H, H),
                    lin(r, H, H),
                    norm(r),
                    lin(r, H, INTER),
                    lin(r, H, INTER),
                    lin(r, INTER, H)));
        }
        RopeTable rope = RopeTable.llama3(DIM, 500000, 8, 1, 4, 8192);
        return new DecoderWeights(H, HEADS, DIM, 1e-5f, rope, layers, norm(r), lin(r, H, K * V), lin(r, H, K));
    }

    /** Three calls: a prefill, a decode step, and a step after an older entry was masked out. */
    private record Call(Tensor x, int perRow, int[][] positions, byte[][] masks) {}

    private static List<Call> calls(Random r, int batch) {
        return calls(r, batch, 64, 30, 10, 7);
    }

    private static List<Call> calls(Random r, int batch, int capacity, int... steps) {
        List<Call> calls = new ArrayList<>();
        byte[][] masks = new byte[batch][capacity];
        int length = 0;
        for (int perRow : steps) {
            int[][] pos = new int[batch][perRow];
            for (int b = 0; b < batch; b++) {
                for (int s = 0; s < perRow; s++) {
                    pos[b][s] = Math.max(0, length + s - b);
                    masks[b][length + s] = 1;
                }
            }
            if (length > 0) {
                masks[batch - 1][3] = 0;
            }
            byte[][] copy = new byte[batch][];
            for (int b = 0; b < batch; b++) {
                copy[b] = masks[b].clone();
            }
            calls.add(new Call(Tensor.wrap(random(r, batch * perRow * H), batch * perRow, H), perRow, pos, copy));
            length += perRow;
        }
        return calls;
    }

    @Test
    void deviceSessionMatchesHostSession() {
        DecoderWeights w = weights(11);
        try (DecoderSession dev = TestDevice.backend().openDecoder(w, 3, 16, 64)) {
            assertSessionsAgree(w, 3, 64, calls(new Random(12), 3), dev);
        }
    }

    /** Few queries over a long cache: attention splits the keys over several work-groups and merges them. */
    @Test
    void keySplitAttentionOverALongCacheMatchesHostSession() {
        DecoderWeights w = weights(13);
        try (ClDecoderSession dev =
                TestDevice.backend().openDecoderSplitting(w, 1, 640, 64)) { // as on a device of 32 compute units
            assertSessionsAgree(w, 1, 640, calls(new Random(14), 1, 640, 600, 1, 2), dev);
            assertTrue(dev.lastKeySplits() > 1, "the last step split its keys (" + dev.lastKeySplits() + " splits)");
        }
    }

    /** Runs the calls on a host session and on {@code dev}, comparing every layer's output. */
    private static void assertSessionsAgree(
            DecoderWeights w, int batch, int capacity, List<Call> calls, DecoderSession dev) {
        try (Backend cpu = Backend.cpu(2);
                DecoderSession host = cpu.openDecoder(w, batch, 16, capacity)) {
            for (int c = 0; c < calls.size(); c++) {
                Call call = calls.get(c);
                List<Tensor> hostLayers = new ArrayList<>();
                List<Tensor> devLayers = new ArrayList<>();
                DecoderHeads a = host.forward(call.x, call.perRow, call.positions, call.masks, hostLayers);
                DecoderHeads b = dev.forward(call.x, call.perRow, call.positions, call.masks, devLayers);
                assertEquals(host.length(), dev.length());
                for (int l = 0; l < hostLayers.size(); l++) {
                    assertClose(hostLayers.get(l), devLayers.get(l), 1e-5f, "call " + c + " layer output " + l);
                }
                assertClose(a.logits(), b.logits(), 1e-5f, "call " + c + " logits");
                assertClose(a.taskLoss(), b.taskLoss(), 1e-5f, "call " + c + " task loss");
            }
            int over = capacity - host.length() + 1;
            assertThrows(
                    IllegalStateException.class,
                    () -> dev.forward(
                            Tensor.zeros(batch * over, H), over, new int[batch][over], calls.get(2).masks, null),
                    "cache overflow is refused");
        }
    }

    @Test
    void deviceChoiceEqualsHostChoiceOnTheSameLogits() {
        DecoderWeights w = weights(21);
        int batch = 2;
        List<Call> calls = calls(new Random(22), batch);
        OpenClBackend cl = TestDevice.backend();
        try (DecoderSession logitsOnly = cl.openDecoder(w, batch, 16, 64);
                DecoderSession choosing = cl.openDecoder(w, batch, 16, 64)) {
            List<Integer>[] fedSoFar = newLists(batch);
            int[][] fed = null;
            for (int c = 0; c < calls.size(); c++) {
                Call call = calls.get(c);
                if (c > 0) {
                    fed = new int[batch][call.perRow];
                    for (int b = 0; b < batch; b++) {
                        for (int s = 0; s < call.perRow; s++) {
                            fed[b][s] = (7 * s + 3 * b + c) % PAD;
                            fedSoFar[b].add(fed[b][s]);
                        }
                    }
                }
                DecoderHeads heads = logitsOnly.forward(call.x, call.perRow, call.positions, call.masks, null);
                TokenChoice got = choosing.forwardAndChoose(call.x, call.perRow, call.positions, call.masks, fed, PAD);
                assertArrayEquals(heads.taskLoss().data(), got.taskLoss(), "task loss of call " + c);
                for (int b = 0; b < batch; b++) {
                    float[] s = java.util.Arrays.copyOfRange(heads.logits().data(), b * K * V, (b + 1) * K * V);
                    int[] expected = new int[K];
                    for (int i = 0; i < K; i++) {
                        int best = -1;
                        float max = Float.NEGATIVE_INFINITY;
                        for (int v = 0; v < V; v++) {
                            boolean forbidden = v == PAD || fedSoFar[b].contains(v);
                            for (int e = 0; e < i; e++) {
                                forbidden |= expected[e] == v;
                            }
                            if (!forbidden && s[i * V + v] > max) {
                                max = s[i * V + v];
                                best = v;
                            }
                        }
                        expected[i] = best;
                    }
                    assertArrayEquals(expected, got.tokens()[b], "tokens of row " + b + ", call " + c);
                }
            }
        }
    }

    @SuppressWarnings("unchecked")
    private static List<Integer>[] newLists(int n) {
        List<Integer>[] l = new List[n];
        for (int i = 0; i < n; i++) {
            l[i] = new ArrayList<>();
        }
        return l;
    }
}
