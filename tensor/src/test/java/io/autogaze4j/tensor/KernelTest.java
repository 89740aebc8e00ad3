package io.autogaze4j.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

class KernelTest {
    private static float[] random(Random r, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) r.nextGaussian();
        }
        return a;
    }

    @Test
    void llama3RopeFrequenciesMatchTheReferenceBits() {
        int[] bits = {
            0x3f800000,
            0x3ee177bc,
            0x3e4693b0,
            0x3daee4ad,
            0x3d1a08c8,
            0x3c87a9c3,
            0x3beef74f,
            0x3b527720,
            0x3a0995d2,
            0x38a3418d,
            0x380fc8f8,
            0x377d45c3,
            0x36df10c4,
            0x36447610,
            0x35ad07a7,
            0x351864a7
        };
        float[] f = RopeTable.llama3(32, 500000.0, 8.0, 1.0, 4.0, 8192).frequencies();
        for (int i = 0; i < 16; i++) {
            assertEquals(bits[i], Float.floatToIntBits(f[i]), "frequency " + i + " = " + f[i]);
        }
    }

    @Test
    void ropeRotatesHalves() {
        RopeTable t = RopeTable.standard(4, 10000);
        float[] x = {1, 2, 3, 4};
        t.apply(x, 1, 1, new int[] {0});
        assertArrayEquals(new float[] {1, 2, 3, 4}, x); // position 0 is the identity
        float[] y = {1, 0, 0, 0};
        t.apply(y, 1, 1, new int[] {1});
        assertEquals((float) Math.cos(1), y[0], 1e-7);
        assertEquals((float) Math.sin(1), y[2], 1e-7);
    }

    @Test
    void matmulMatchesNaiveOnAllTailShapes() {
        Random r = new Random(1);
        try (Backend cpu = Backend.cpu(3)) {
            for (int[] s :
                    new int[][] {{1, 192, 192}, {10, 192, 2660}, {7, 5, 3}, {196, 5184, 192}, {65, 33, 49}, {4, 16, 48}
                    }) {
                int m = s[0], k = s[1], n = s[2];
                float[] a = random(r, m * k), w = random(r, n * k), bias = random(r, n);
                Tensor y = cpu.linear(Tensor.wrap(a, m, k), LinearWeight.fromTorch(w, n, k, bias));
                for (int i = 0; i < m; i++) {
                    for (int j = 0; j < n; j++) {
                        double acc = bias[j];
                        for (int p = 0; p < k; p++) {
                            acc += (double) a[i * k + p] * w[j * k + p];
                        }
                        assertEquals(
                                acc,
                                y.data()[i * n + j],
                                1e-4 * Math.sqrt(k),
                                "shape " + m + "x" + k + "x" + n + " at " + i + "," + j);
                    }
                }
            }
        }
    }

    @Test
    void resultsDoNotDependOnThreadCount() {
        Random r = new Random(2);
        float[] a = random(r, 196 * 384), w = random(r, 192 * 384);
        LinearWeight lw = LinearWeight.fromTorch(w, 192, 384, null);
        float[] one, many;
        try (Backend b1 = Backend.cpu(1);
                Backend b5 = Backend.cpu(5)) {
            one = b1.linear(Tensor.wrap(a, 196, 384), lw).data();
            many = b5.linear(Tensor.wrap(a, 196, 384), lw).data();
            assertArrayEquals(one, many);
            KvCache c1 = cacheWith(r, 300), c5 = c1.copy();
            byte[] mask = new byte[300];
            java.util.Arrays.fill(mask, (byte) 1);
            mask[17] = 0;
            for (int queries : new int[] {40, 64}) {
                float[] q = random(r, queries * 192);
                assertArrayEquals(
                        b1.attention(Tensor.wrap(q, queries, 192), c1, 0, 300 - queries, mask, 0.17f)
                                .data(),
                        b5.attention(Tensor.wrap(q.clone(), queries, 192), c5, 0, 300 - queries, mask, 0.17f)
                                .data());
            }
        }
    }

    private static KvCache cacheWith(Random r, int n) {
        KvCache c = new KvCache(1, 6, 32, 64, 1000);
        c.write(0, 0, random(r, n * 192), random(r, n * 192), 0, n);
        c.setLength(n);
        return c;
    }

    /**
     * Eight rows and one row cut the same call differently (a decode step's 10 queries: one group per row and head
     * split over two tasks for eight rows, several for one; a prefill of 60 queries over three softmax segments: all
     * twelve blocks of a row and head in one group split over two tasks for eight rows, groups of three blocks split over
     * three for one): every output must have the same bits.
     */
    @Test
    void blockedAndSingleQueryAttentionGiveTheSameBits() {
        checkRowsAgainstSingleRow(10, 290);
        checkRowsAgainstSingleRow(60, 540);
    }

    private static void checkRowsAgainstSingleRow(int queries, int first) {
        Random r = new Random(4);
        KvCache cache = cacheWith(r, first + queries);
        byte[] mask = new byte[first + queries];
        java.util.Arrays.fill(mask, (byte) 1);
        mask[3] = 0;
        mask[first + queries / 2] = 0;
        float[] q = random(r, 8 * queries * 192);
        float[] blocked = new float[q.length];
        java.util.List<KvCache> caches = java.util.Collections.nCopies(8, cache);
        byte[][] masks = new byte[8][];
        java.util.Arrays.fill(masks, mask);
        try (Parallel par = Parallel.withThreads(2)) {
            AttentionKernel.attendRows(par, q, queries, caches, 0, first, masks, 0.17f, blocked);
            for (int b = 0; b < 8; b++) {
                float[] single = new float[queries * 192];
                AttentionKernel.attend(
                        par,
                        java.util.Arrays.copyOfRange(q, b * single.length, (b + 1) * single.length),
                        queries,
                        cache,
                        0,
                        first,
                        mask,
                        0.17f,
                        single);
                assertArrayEquals(
                        single,
                        java.util.Arrays.copyOfRange(blocked, b * single.length, (b + 1) * single.length),
                        "row " + b);
            }
        }
    }

    @Test
    void attentionIsCausalAndMaskedInBothQueryGroupings() {
        // 10 queries run one per task; 72 queries run in blocks of eight (+ none left over)
        checkAttention(50, 40, 10);
        checkAttention(150, 70, 75);
    }

    private static void checkAttention(int n, int first, int queries) {
        Random r = new Random(3);
        float[] k = random(r, n * 192), v = random(r, n * 192);
        KvCache cache = new KvCache(1, 6, 32, 8, n); // small initial capacity: exercises growth
        cache.write(0, 0, k, v, 0, n);
        cache.setLength(n);
        byte[] mask = new byte[n];
        for (int i = 0; i < n; i++) {
            mask[i] = (byte) (i % 7 == 3 ? 0 : 1);
        }
        float[] q = random(r, queries * 192);
        float scale = 0.1767767f;
        try (Backend cpu = Backend.cpu(2)) {
            float[] out = cpu.attention(Tensor.wrap(q, queries, 192), cache, 0, first, mask, scale)
                    .data();
            for (int s = 0; s < queries; s++) {
                for (int h = 0; h < 6; h++) {
                    double[] p = new double[first + s + 1];
                    double max = Double.NEGATIVE_INFINITY, sum = 0;
                    for (int j = 0; j <= first + s; j++) {
                        if (mask[j] == 0) {
                            p[j] = Double.NEGATIVE_INFINITY;
                            continue;
                        }
                        double d = 0;
                        for (int x = 0; x < 32; x++) {
                            d += q[s * 192 + h * 32 + x] * k[j * 192 + h * 32 + x];
                        }
                        p[j] = d * scale;
                        max = Math.max(max, p[j]);
                    }
                    for (int j = 0; j < p.length; j++) {
                        p[j] = Math.exp(p[j] - max);
                        sum += p[j];
                    }
                    for (int x = 0; x < 32; x++) {
                        double o = 0;
                        for (int j = 0; j < p.length; j++) {
                            o += p[j] / sum * v[j * 192 + h * 32 + x];
                        }
                        assertEquals(
                                o,
                                out[s * 192 + h * 32 + x],
                                1e-5,
                                queries + " queries: query " + s + " head " + h + " dim " + x);
                    }
                }
            }
        }
    }

    @Test
    void bicubicIsIdentityAtSameSizeAndMatchesTorchWeights() {
        Tensor img = Tensor.wrap(random(new Random(5), 3 * 8 * 8), 3, 8, 8);
        try (Backend cpu = Backend.cpu(1)) {
            assertArrayEquals(img.data(), cpu.bicubicResize(img, 8, 8).data());
            // a constant image stays constant (weights sum to 1) and a linear ramp stays linear inside
            float[] ramp = new float[16 * 16];
            for (int y = 0; y < 16; y++) {
                for (int x = 0; x < 16; x++) {
                    ramp[y * 16 + x] = x;
                }
            }
            Tensor out = cpu.bicubicResize(Tensor.wrap(ramp, 1, 16, 16), 8, 8);
            // downscale by 2: source x = 2*o + 0.5, interior samples reproduce the ramp exactly
            for (int o = 1; o < 7; o++) {
                assertEquals(2 * o + 0.5, out.data()[3 * 8 + o], 1e-5);
            }
        }
        float[] w = BicubicResize.cubicWeights(0.25f);
        assertEquals(1.0, w[0] + w[1] + w[2] + w[3], 1e-6);
    }

    @Test
    void argmaxTakesTheFirstMaximum() {
        try (Backend cpu = Backend.cpu(1)) {
            assertEquals(1, cpu.argmax(new float[] {0, 5, 5, 1}, 0, 4));
            assertEquals(-1, cpu.argmax(new float[] {Float.NEGATIVE_INFINITY, Float.NEGATIVE_INFINITY}, 0, 2));
            assertEquals(2, cpu.argmax(new float[] {9, 0, 5, 5}, 1, 3) + 1);
        }
    }

    @Test
    void normsFollowTheirDefinitions() {
        float[] x = {1, 2, 3, 4};
        try (Backend cpu = Backend.cpu(1)) {
            float[] ln = cpu.layerNorm(Tensor.wrap(x, 1, 4), new float[] {1, 1, 1, 1}, new float[] {0, 0, 0, 1}, 1e-5f)
                    .data();
            double sd = Math.sqrt(1.25 + 1e-5);
            assertEquals(-1.5 / sd, ln[0], 1e-6);
            assertEquals(1.5 / sd + 1, ln[3], 1e-6);
            float[] rms = cpu.rmsNorm(Tensor.wrap(x, 1, 4), new float[] {2, 2, 2, 2}, 1e-5f)
                    .data();
            assertEquals(2 * 4 / Math.sqrt(7.5 + 1e-5), rms[3], 1e-5);
            float[] silu = cpu.siluGate(Tensor.wrap(new float[] {1, -2}, 1, 2), Tensor.wrap(new float[] {3, 1}, 1, 2))
                    .data();
            assertEquals(3 / (1 + Math.exp(-1)), silu[0], 1e-6);
            assertTrue(silu[1] < 0);
        }
    }
}
