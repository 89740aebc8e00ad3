package io.autogaze4j.model.preprocess;

/**
 * Pillow's {@code Image.resize(size, BILINEAR)} on 8-bit RGB, reproduced bit for bit: the antialiasing
 * separable triangle filter with 22-bit fixed-point weights, horizontal pass first (into an 8-bit
 * intermediate), then vertical; an axis whose size does not change is skipped. Spec section 2.2.
 */
final class PillowBilinear {
    private static final int PRECISION_BITS = 32 - 8 - 2;

    private PillowBilinear() {}

    /** Resizes {@code in} to {@code outWidth x outHeight}. */
    static RgbFrame resize(RgbFrame in, int outWidth, int outHeight) {
        RgbFrame.checkSize(outWidth, outHeight);
        RgbFrame out = in;
        if (outWidth != in.width()) {
            out = horizontal(out, Taps.of(in.width(), outWidth));
        }
        if (outHeight != in.height()) {
            out = vertical(out, Taps.of(in.height(), outHeight));
        }
        return out;
    }

    private static RgbFrame horizontal(RgbFrame in, Taps taps) {
        int w = in.width(), h = in.height(), ow = taps.outSize;
        byte[] src = in.pixels();
        byte[] dst = new byte[ow * h * 3];
        for (int y = 0; y < h; y++) {
            int row = y * w * 3;
            for (int x = 0; x < ow; x++) {
                int first = taps.first[x], k = x * taps.stride;
                for (int c = 0; c < 3; c++) {
                    int acc = 1 << (PRECISION_BITS - 1);
                    for (int j = 0; j < taps.count[x]; j++) {
                        acc += (src[row + (first + j) * 3 + c] & 0xFF) * taps.weights[k + j];
                    }
                    dst[(y * ow + x) * 3 + c] = clip8(acc);
                }
            }
        }
        return RgbFrame.wrap(ow, h, dst);
    }

    private static RgbFrame vertical(RgbFrame in, Taps taps) {
        int w = in.width(), oh = taps.outSize, rowBytes = w * 3;
        byte[] src = in.pixels();
        byte[] dst = new byte[oh * rowBytes];
        for (int y = 0; y < oh; y++) {
            int first = taps.first[y], k = y * taps.stride;
            for (int i = 0; i < rowBytes; i++) {
                int acc = 1 << (PRECISION_BITS - 1);
                for (int j = 0; j < taps.count[y]; j++) {
                    acc += (src[(first + j) * rowBytes + i] & 0xFF) * taps.weights[k + j];
                }
                dst[y * rowBytes + i] = clip8(acc);
            }
        }
        return RgbFrame.wrap(w, oh, dst);
    }

    private static byte clip8(int acc) {
        return (byte) Math.max(0, Math.min(255, acc >> PRECISION_BITS));
    }

    /** Per output sample: first input index, tap count and fixed-point weights (Pillow's precompute_coeffs). */
    private static final class Taps {
        final int outSize;
        final int stride;
        final int[] first;
        final int[] count;
        final int[] weights;

        private Taps(int outSize, int stride) {
            this.outSize = outSize;
            this.stride = stride;
            this.first = new int[outSize];
            this.count = new int[outSize];
            this.weights = new int[outSize * stride];
        }

        static Taps of(int inSize, int outSize) {
            double scale = (double) inSize / outSize;
            double filterScale = Math.max(scale, 1.0);
            double support = filterScale; // the triangle filter's support is 1
            double inverse = 1.0 / filterScale; // Pillow multiplies by the inverse; dividing can differ in the last bit
            Taps t = new Taps(outSize, (int) Math.ceil(support) * 2 + 1);
            double[] w = new double[t.stride];
            for (int o = 0; o < outSize; o++) {
                double center = (o + 0.5) * scale;
                int lo = Math.max(0, (int) (center - support + 0.5));
                int hi = Math.min(inSize, (int) (center + support + 0.5));
                int n = hi - lo;
                double sum = 0;
                for (int j = 0; j < n; j++) {
                    w[j] = triangle((j + lo - center + 0.5) * inverse);
                    sum += w[j];
                }
                for (int j = 0; j < n; j++) {
                    double v = sum != 0 ? w[j] / sum : w[j];
                    t.weights[o * t.stride + j] =
                            (int) (v < 0 ? v * (1 << PRECISION_BITS) - 0.5 : v * (1 << PRECISION_BITS) + 0.5);
                }
                t.first[o] = lo;
                t.count[o] = n;
            }
            return t;
        }

        private static double triangle(double x) {
            double a = Math.abs(x);
            return a < 1 ? 1 - a : 0;
        }
    }
}
