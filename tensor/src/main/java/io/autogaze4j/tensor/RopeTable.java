package io.autogaze4j.tensor;

/**
 * Rotary position embedding frequencies (optionally llama3-scaled) and their application in the
 * "rotate half" layout: for a head vector {@code x[0..D)} at integer position {@code p},
 * {@code out[d] = x[d] cos(p f[d mod D/2]) + rot[d] sin(p f[d mod D/2])} with
 * {@code rot = (-x[D/2..D), x[0..D/2))}; the angle is the float32 product {@code p * f}.
 */
public final class RopeTable {
    private final float[] frequencies;

    private RopeTable(float[] frequencies) {
        this.frequencies = frequencies;
    }

    /** Unscaled frequencies {@code 1 / theta^(2i/dim)}. */
    public static RopeTable standard(int headDim, double theta) {
        return new RopeTable(inverseFrequencies(headDim, theta));
    }

    /**
     * llama3-scaled frequencies: long wavelengths divided by {@code factor}, short ones kept, the band
     * between smoothly interpolated.
     */
    public static RopeTable llama3(
            int headDim,
            double theta,
            double factor,
            double lowFreqFactor,
            double highFreqFactor,
            int originalMaxPositions) {
        float[] inv = inverseFrequencies(headDim, theta);
        float lowWavelen = (float) (originalMaxPositions / lowFreqFactor);
        float highWavelen = (float) (originalMaxPositions / highFreqFactor);
        float[] f = new float[inv.length];
        for (int i = 0; i < inv.length; i++) {
            float wavelen = (float) (2 * Math.PI) / inv[i];
            if (wavelen > lowWavelen) {
                f[i] = (float) (inv[i] / factor);
            } else if (wavelen < highWavelen) {
                f[i] = inv[i];
            } else {
                // float32 in the reference's operation order
                float smooth = ((float) originalMaxPositions / wavelen - (float) lowFreqFactor)
                        / (float) (highFreqFactor - lowFreqFactor);
                f[i] = (1 - smooth) * inv[i] / (float) factor + smooth * inv[i];
            }
        }
        return new RopeTable(f);
    }

    private static float[] inverseFrequencies(int headDim, double theta) {
        if (headDim <= 0 || headDim % 2 != 0) {
            throw new IllegalArgumentException("head dim must be even and positive, got " + headDim);
        }
        float[] inv = new float[headDim / 2];
        for (int i = 0; i < inv.length; i++) {
            // float32 evaluation as in the reference: 1 / theta ** (arange(0, dim, 2).float() / dim)
            float exponent = (float) (2 * i) / (float) headDim;
            inv[i] = 1f / (float) Math.pow((float) theta, exponent);
        }
        return inv;
    }

    /** The frequencies, one per pair of dimensions. */
    public float[] frequencies() {
        return frequencies.clone();
    }

    /** The cosines and sines of a list of positions, computed once and applied to many tensors. */
    public final class Angles {
        private final float[] cos;
        private final float[] sin;
        private final int rows;

        private Angles(float[] cos, float[] sin, int rows) {
            this.cos = cos;
            this.sin = sin;
            this.rows = rows;
        }

        private Angles(int[] positions) {
            int half = frequencies.length;
            rows = positions.length;
            cos = new float[rows * half];
            sin = new float[rows * half];
            for (int r = 0; r < rows; r++) {
                float p = positions[r];
                for (int i = 0; i < half; i++) {
                    float angle = p * frequencies[i];
                    cos[r * half + i] = (float) Math.cos(angle);
                    sin[r * half + i] = (float) Math.sin(angle);
                }
            }
        }

        /**
         * The angles of {@code positions} looked up in this list, whose row {@code p} must hold position {@code p} (as
         * {@link #upTo} makes): the values {@link #angles} computes, without its two trigonometric functions per
         * position and frequency (a batch-8 decode step's took ~50 us on the calling thread).
         */
        public Angles at(int[] positions) {
            int half = frequencies.length;
            float[] c = new float[positions.length * half], s = new float[positions.length * half];
            for (int r = 0; r < positions.length; r++) {
                int p = positions[r];
                if (p < 0 || p >= rows) {
                    throw new IllegalArgumentException("position " + p + " is outside this table of " + rows);
                }
                System.arraycopy(cos, p * half, c, r * half, half);
                System.arraycopy(sin, p * half, s, r * half, half);
            }
            return new Angles(c, s, positions.length);
        }

        /** Number of positions. */
        public int rows() {
            return rows;
        }

        /** {@code cos(p * f[i])} of every position and frequency, {@code [position][i]} (a copy: e.g. a device's table). */
        public float[] cosines() {
            return cos.clone();
        }

        /** {@code sin(p * f[i])} of every position and frequency, {@code [position][i]} (a copy). */
        public float[] sines() {
            return sin.clone();
        }

        /** Rotates, in place, the heads of {@code x} laid out {@code [row][head * headDim + d]}. */
        public void apply(float[] x, int heads) {
            apply(x, heads, 0, rows);
        }

        /** Like {@link #apply(float[], int)} for rows {@code [from, to)} only. */
        public void apply(float[] x, int heads, int from, int to) {
            int width = heads * 2 * frequencies.length;
            apply(x, from * width, width, heads, from, to);
        }

        /**
         * Rotates {@code heads} consecutive heads of rows {@code [from, to)} at positions {@code from..to-1}
         * of this list, where row {@code r} starts at {@code x[off + (r - from) * stride]} (a slice of a wider buffer).
         */
        void apply(float[] x, int off, int stride, int heads, int from, int to) {
            int half = frequencies.length;
            int dim = 2 * half;
            for (int r = from; r < to; r++) {
                for (int h = 0; h < heads; h++) {
                    int o = off + (r - from) * stride + h * dim;
                    for (int i = 0; i < half; i++) {
                        float c = cos[r * half + i], s = sin[r * half + i];
                        float a = x[o + i];
                        float b = x[o + i + half];
                        x[o + i] = a * c + (-b) * s;
                        x[o + i + half] = b * c + a * s;
                    }
                }
            }
        }
    }

    /** The angles of {@code positions}, to rotate several tensors at the same positions. */
    public Angles angles(int[] positions) {
        return new Angles(positions);
    }

    /** The angles of positions {@code 0..count-1}: a table for {@link Angles#at}. */
    public Angles upTo(int count) {
        int[] positions = new int[count];
        for (int p = 0; p < count; p++) {
            positions[p] = p;
        }
        return new Angles(positions);
    }

    /**
     * Rotates, in place, the heads of {@code rows} rows of {@code x} laid out {@code [row][head * headDim + d]};
     * row {@code r} uses position {@code positions[r]}.
     */
    public void apply(float[] x, int rows, int heads, int[] positions) {
        angles(java.util.Arrays.copyOf(positions, rows)).apply(x, heads);
    }
}
