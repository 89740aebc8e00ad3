package io.autogaze4j.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class DecoderSessionTest {
    /** {@code n} normal values of standard deviation {@code scale}. */
    static float[] random(Random r, int n, double scale) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) (r.nextGaussian() * scale);
        }
        return a;
    }

    private static LinearWeight linear(Random r, int out, int in) {
        return LinearWeight.fromTorch(random(r, out * in, 1 / Math.sqrt(in)), out, in, null);
    }

    static DecoderWeights weights(Random r) {
        return weights(r, 2, 2, 2, 128);
    }

    /** Random weights with heads of 32 and {@code layers} layers. */
    static DecoderWeights weights(Random r, int layers, int heads, int k, int intermediate) {
        int hidden = heads * 32;
        List<DecoderLayerWeights> list = new ArrayList<>();
        for (int l = 0; l < layers; l++) {
            list.add(new DecoderLayerWeights(
                    random(r, hidden, 1),
                    linear(r, hidden, hidden),
                    linear(r, hidden, hidden),
                    linear(r, hidden, hidden),
                    linear(r, hidden, hidden),
                    random(r, hidden, 1),
                    linear(r, intermediate, hidden),
                    linear(r, intermediate, hidden),
                    linear(r, hidden, intermediate)));
        }
        return new DecoderWeights(
                hidden,
                heads,
                32,
                1e-5f,
                RopeTable.standard(32, 10000),
                list,
                random(r, hidden, 1),
                linear(r, k * 20, hidden),
                linear(r, k, hidden));
    }

    /**
     * The CPU backend's fused decoder against the reference session built from its single operations: every
     * logit, task loss and (when recorded) layer output must have the same bits, for batch sizes that give one-row,
     * four-row and ragged chunks spanning several batch rows, prefill and decode steps, with and without the
     * last-layer shortcut, on one thread and on several.
     */
    @Test
    void fusedCpuDecoderIsBitIdenticalToTheReferenceSession() {
        Random r = new Random(5);
        DecoderWeights w = weights(r, 3, 6, 10, 384); // the model's widths (hidden 192, 6 heads, MLP 384)
        for (int threads : new int[] {1, 3}) {
            for (int batch : new int[] {1, 3, 8}) {
                for (boolean record : new boolean[] {false, true}) {
                    try (Backend cpu = Backend.cpu(threads);
                            DecoderSession fused = cpu.openDecoder(w, batch, 8, 300);
                            DecoderSession reference = new HostDecoderSession(cpu, w, batch, 8, 300)) {
                        String what = threads + " threads, batch " + batch + (record ? ", recording" : "");
                        assertTrue(fused instanceof CpuDecoderSession, what);
                        byte[][] masks = new byte[batch][300];
                        for (int b = 0; b < batch; b++) {
                            Arrays.fill(masks[b], (byte) 1);
                            masks[b][3 + b] = 0;
                        }
                        int[] steps = {75, 10, 10, 1, 7};
                        int at = 0;
                        for (int s = 0; s < steps.length; s++) {
                            int perRow = steps[s];
                            Tensor x =
                                    Tensor.wrap(random(r, batch * perRow * w.hidden(), 1), batch * perRow, w.hidden());
                            int[][] pos = new int[batch][perRow];
                            for (int[] p : pos) {
                                int from = at;
                                Arrays.setAll(p, i -> from + i);
                            }
                            at += perRow;
                            List<Tensor> fusedLayers = record ? new ArrayList<>() : null;
                            List<Tensor> referenceLayers = record ? new ArrayList<>() : null;
                            DecoderHeads a = fused.forward(x, perRow, pos, masks, fusedLayers);
                            DecoderHeads b = reference.forward(x, perRow, pos, masks, referenceLayers);
                            assertArrayEquals(
                                    b.logits().data(), a.logits().data(), "logits of call " + s + ", " + what);
                            assertArrayEquals(
                                    b.taskLoss().data(), a.taskLoss().data(), "task loss of call " + s + ", " + what);
                            assertEquals(reference.length(), fused.length());
                            if (record) {
                                assertEquals(referenceLayers.size(), fusedLayers.size());
                                for (int l = 0; l < referenceLayers.size(); l++) {
                                    assertArrayEquals(
                                            referenceLayers.get(l).data(),
                                            fusedLayers.get(l).data(),
                                            "layer output " + l + " of call " + s + ", " + what);
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    @Test
    void lastTokenShortcutIsBitIdenticalToTheFullForward() {
        Random r = new Random(11);
        DecoderWeights w = weights(r);
        int batch = 2, steps = 3;
        try (Backend cpu = Backend.cpu(2);
                DecoderSession fast = cpu.openDecoder(w, batch, 8, 400);
                DecoderSession full = cpu.openDecoder(w, batch, 8, 400)) {
            byte[][] masks = new byte[batch][400];
            for (byte[] m : masks) {
                Arrays.fill(m, (byte) 1);
                m[5] = 0;
                m[270] = 0;
            }
            for (int s = 0; s < steps; s++) {
                // 300 tokens first: the last token's single query then spans two softmax segments (256 keys each)
                int perRow = s == 0 ? 300 : 7;
                Tensor x = Tensor.wrap(random(r, batch * perRow * 64, 1), batch * perRow, 64);
                int[][] pos = new int[batch][perRow];
                for (int[] p : pos) {
                    Arrays.setAll(p, i -> i + 3);
                }
                DecoderHeads a = fast.forward(x, perRow, pos, masks, null);
                DecoderHeads b = full.forward(x, perRow, pos, masks, new ArrayList<>());
                assertArrayEquals(b.logits().data(), a.logits().data(), "logits of call " + s);
                assertArrayEquals(b.taskLoss().data(), a.taskLoss().data(), "task loss of call " + s);
                assertEquals(full.length(), fast.length());
            }
        }
    }
}
