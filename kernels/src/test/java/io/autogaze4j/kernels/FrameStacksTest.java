package io.autogaze4j.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import io.autogaze4j.tensor.LinearWeight;
import io.autogaze4j.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Stacked vision launches give, bit for bit, what frame-by-frame launches give. */
class FrameStacksTest {
    private static Tensor random(Random r, int... shape) {
        int n = 1;
        for (int d : shape) {
            n *= d;
        }
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) r.nextGaussian();
        }
        return Tensor.wrap(a, shape);
    }

    @Test
    void stackedPatchEmbedAndTrunkEqualSingleFrames() {
        Random r = new Random(9);
        OpenClBackend b = TestDevice.backend();
        LinearWeight patch = LinearWeight.fromTorch(
                random(r, 64 * 3 * 16).data(), 64, 3 * 16, random(r, 64).data());
        List<Tensor> images = new ArrayList<>();
        List<Tensor> singles = new ArrayList<>();
        for (int i = 0; i < 19; i++) { // more than one stack of 16
            images.add(random(r, 3, 16, 48));
            singles.add(b.patchEmbed(images.get(i), patch, 4));
        }
        assertArrayEquals(
                Tensor.concatRows(singles).data(),
                b.patchEmbed(images, patch, 4).data());

        int gh = 5, gw = 6, c = 16;
        LinearWeight trunk = LinearWeight.fromTorch(
                random(r, 64 * 27 * c).data(), 64, 27 * c, random(r, 64).data());
        List<Tensor[]> windows = new ArrayList<>();
        List<Tensor> outs = new ArrayList<>();
        for (int i = 0; i < 18; i++) {
            Tensor[] w = {
                i < 2 ? null : random(r, gh * gw, c), i < 1 ? null : random(r, gh * gw, c), random(r, gh * gw, c)
            };
            windows.add(w);
            outs.add(b.causalConv3d(w, trunk, 3, gh, gw));
        }
        assertArrayEquals(
                Tensor.concatRows(outs).data(),
                b.causalConv3d(windows, trunk, 3, gh, gw).data());
    }
}
