package io.autogaze4j.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.autogaze4j.tensor.Backend;
import io.autogaze4j.tensor.BackendKind;
import io.autogaze4j.tensor.LinearWeight;
import io.autogaze4j.tensor.RectCompositor;
import io.autogaze4j.tensor.Tensor;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The device's matmul-shaped operations and the compositor against their CPU twins, on fresh random data. */
class OpenClOpsTest {
    private static final Backend CPU = Backend.cpu(1);

    static float[] random(Random r, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) r.nextGaussian();
        }
        return a;
    }

    static void assertClose(Tensor expected, Tensor actual, float relTol, String what) {
        float scale = 1e-6f;
        for (float v : expected.data()) {
            scale = Math.max(scale, Math.abs(v));
        }
        float d = expected.maxAbsDiff(actual);
        assertTrue(d <= relTol * scale, what + ": max abs difference " + d + " > " + relTol + " x " + scale);
    }

    @Test
    void linearMatchesCpuAtModelShapes() {
        Random r = new Random(1);
        OpenClBackend cl = TestDevice.backend();
        for (int[] s : new int[][] {{196, 192, 192}, {7, 192, 384}, {1, 384, 192}, {205, 192, 2660}}) {
            LinearWeight w =
                    LinearWeight.fromTorch(random(r, s[1] * s[2]), s[2], s[1], s[0] % 2 == 0 ? random(r, s[2]) : null);
            Tensor x = Tensor.wrap(random(r, s[0] * s[1]), s[0], s[1]);
            Tensor y = cl.linear(x, w);
            assertEquals(-1, y.firstNonFinite());
            assertClose(CPU.linear(x, w), y, 1e-5f, "linear " + java.util.Arrays.toString(s));
        }
    }

    @Test
    void stemAndTrunkMatchCpu() {
        stemAndTrunkMatchCpu(TestDevice.backend());
    }

    @Test
    void splitKStemAndTrunkMatchCpu() {
        try (OpenClBackend split =
                OpenClBackend.open(TestDevice.backend().device().index(), true)) {
            stemAndTrunkMatchCpu(split);
        }
    }

    private static void stemAndTrunkMatchCpu(OpenClBackend cl) {
        Random r = new Random(2);
        Tensor image = Tensor.wrap(random(r, 3 * 224 * 224), 3, 224, 224);
        LinearWeight patch = LinearWeight.fromTorch(random(r, 192 * 768), 192, 768, random(r, 192));
        assertClose(CPU.patchEmbed(image, patch, 16), cl.patchEmbed(image, patch, 16), 1e-5f, "patch embed");
        LinearWeight trunk = LinearWeight.fromInOut(random(r, 27 * 64 * 64), 27 * 64, 64, random(r, 64));
        Tensor[] window = {null, Tensor.wrap(random(r, 196 * 64), 196, 64), Tensor.wrap(random(r, 196 * 64), 196, 64)};
        assertClose(
                CPU.causalConv3d(window, trunk, 3, 14, 14),
                cl.causalConv3d(window, trunk, 3, 14, 14),
                1e-5f,
                "causal conv");
    }

    @Test
    void compositorMatchesCpuTwin() {
        Random r = new Random(3);
        int w = 300, h = 170;
        try (RectCompositor cpu = RectCompositor.cpu(w, h);
                RectCompositor dev = TestDevice.backend().compositor(w, h)) {
            int[] key = r.ints(w * h).toArray();
            cpu.keyFrame(key);
            dev.keyFrame(key);
            for (int f = 0; f < 3; f++) {
                int[] frame = r.ints(w * h).toArray();
                int[] rects = new int[4 * 40];
                for (int i = 0; i < rects.length; i += 4) {
                    rects[i] = r.nextInt(w - 1);
                    rects[i + 1] = r.nextInt(h - 1);
                    rects[i + 2] = rects[i] + 1 + r.nextInt(w - rects[i]);
                    rects[i + 3] = rects[i + 1] + 1 + r.nextInt(h - rects[i + 1]);
                }
                cpu.update(frame, rects);
                dev.update(frame, rects);
                assertArrayEquals(cpu.canvas(), dev.canvas(), "canvas after frame " + f);
            }
            assertNotEquals(
                    java.util.Arrays.hashCode(key),
                    java.util.Arrays.hashCode(cpu.canvas()),
                    "updates changed the canvas");
            assertThrows(IllegalArgumentException.class, () -> dev.update(key, new int[] {0, 0, w + 1, 5}));
        }
    }

    @Test
    void backendChoiceFindsTheOpenClProvider() {
        try (Backend b = Backend.openCl(0)) {
            assertTrue(b.name().startsWith("opencl"), b.name());
        }
        try (Backend b = Backend.openCl(999)) {
            assertTrue(b.name().startsWith("cpu"), "a missing device falls back to the CPU: " + b.name());
        }
        try (Backend b = Backend.named(BackendKind.OPENCL, 1)) {
            assertEquals(BackendKind.OPENCL, b.kind(), b.name());
            assertTrue(b.profiles(), "the OpenCL backend times its kernels");
        }
        try (Backend b = Backend.named(BackendKind.parse(" CPU "), 1)) {
            assertEquals(BackendKind.CPU, b.kind(), b.name());
            assertThrows(UnsupportedOperationException.class, b::profile, "the CPU backend has no profiler");
        }
    }
}
