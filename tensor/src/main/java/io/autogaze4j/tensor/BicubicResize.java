package io.autogaze4j.tensor;

/**
 * PyTorch's {@code interpolate(mode="bicubic", align_corners=False, antialias=False)} in float32:
 * half-pixel source coordinates (not clamped), cubic convolution with A = -0.75, taps clamped to the
 * edge, separable (rows, then columns), no clamping of values.
 */
final class BicubicResize {
    private static final float A = -0.75f;

    private BicubicResize() {}

    static Tensor resize(Tensor image, int outH, int outW) {
        int c = image.dim(0), h = image.dim(1), w = image.dim(2);
        if (h == outH && w == outW) {
            return image.copy();
        }
        Taps tx = new Taps(w, outW);
        Taps ty = new Taps(h, outH);
        float[] src = image.data();
        float[] out = new float[c * outH * outW];
        for (int ch = 0; ch < c; ch++) {
            int base = ch * h * w;
            for (int oy = 0; oy < outH; oy++) {
                for (int ox = 0; ox < outW; ox++) {
                    float acc = 0;
                    for (int a = 0; a < 4; a++) {
                        int row = base + ty.index[oy * 4 + a] * w;
                        float r = 0;
                        for (int b = 0; b < 4; b++) {
                            r += src[row + tx.index[ox * 4 + b]] * tx.weight[ox * 4 + b];
                        }
                        acc += r * ty.weight[oy * 4 + a];
                    }
                    out[(ch * outH + oy) * outW + ox] = acc;
                }
            }
        }
        return Tensor.wrap(out, c, outH, outW);
    }

    /** Four taps and weights per output index along one axis. */
    private static final class Taps {
        final int[] index;
        final float[] weight;

        Taps(int in, int out) {
            index = new int[out * 4];
            weight = new float[out * 4];
            float scale = (float) in / (float) out;
            for (int o = 0; o < out; o++) {
                float src = scale * (o + 0.5f) - 0.5f;
                int i0 = (int) Math.floor(src);
                float t = src - i0;
                float[] wts = cubicWeights(t);
                for (int k = 0; k < 4; k++) {
                    index[o * 4 + k] = Math.min(Math.max(i0 - 1 + k, 0), in - 1);
                    weight[o * 4 + k] = wts[k];
                }
            }
        }
    }

    static float[] cubicWeights(float t) {
        float x1 = t + 1;
        float w0 = ((A * x1 - 5 * A) * x1 + 8 * A) * x1 - 4 * A;
        float w1 = ((A + 2) * t - (A + 3)) * t * t + 1;
        float u = 1 - t;
        float w2 = ((A + 2) * u - (A + 3)) * u * u + 1;
        float x2 = 2 - t;
        float w3 = ((A * x2 - 5 * A) * x2 + 8 * A) * x2 - 4 * A;
        return new float[] {w0, w1, w2, w3};
    }
}
