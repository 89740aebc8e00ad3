package io.autogaze4j.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class DecoderSessionTest {
    private static float[] random(Random r, int n, double scale) {
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
        List<DecoderLayerWeights> layers = new ArrayList<>();
        for (int l = 0; l < 2; l++) {
            layers.add(new DecoderLayerWeights(random(r, 64, 1), linear(r, 64, 64), linear(r, 64, 64), linear(r, 64, 64),
                    linear(r, 64, 64), random(r, 64, 1), linear(r, 128, 64), linear(r, 128, 64), linear(r, 64, 128)));
        }
        return new DecoderWeights(64, 2, 32, 1e-5f, RopeTable.standard(32, 10000), layers, random(r, 64, 1),
                linear(r, 3 * 20, 64), linear(r, 3, 64));
    }

    @Test
    void lastTokenShortcutIsBitIdenticalToTheFullForward() {
        Random r = new Random(11);
        DecoderWeights w = weights(r);
        int batch = 2, steps = 3;
        try (Backend cpu = Backend.cpu(2);
             DecoderSession fast = cpu.openDecoder(w, batch, 8, 200);
             DecoderSession full = cpu.openDecoder(w, batch, 8, 200)) {
            byte[][] masks = new byte[batch][200];
            for (byte[] m : masks) {
                Arrays.fill(m, (byte) 1);
                m[5] = 0;
            }
            for (int s = 0; s < steps; s++) {
                int perRow = s == 0 ? 40 : 7;
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
