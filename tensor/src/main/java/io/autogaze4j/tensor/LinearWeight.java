package io.autogaze4j.tensor;

/**
 * A linear layer's weight, stored transposed once at load time as {@code [in, out]} row-major (the
 * layout the matmul kernel streams fastest), with an optional bias.
 */
public final class LinearWeight {
    private final float[] transposed;
    private final float[] bias;
    private final int in;
    private final int out;

    private LinearWeight(float[] transposed, float[] bias, int in, int out) {
        this.transposed = transposed;
        this.bias = bias;
        this.in = in;
        this.out = out;
    }

    /**
     * From a PyTorch {@code Linear} weight {@code [out, in]} (row-major) and an optional bias {@code [out]}.
     */
    public static LinearWeight fromTorch(float[] weightOutIn, int out, int in, float[] bias) {
        if (weightOutIn.length != (long) out * in) {
            throw new IllegalArgumentException("weight has " + weightOutIn.length + " values, expected " + out + " x " + in);
        }
        if (bias != null && bias.length != out) {
            throw new IllegalArgumentException("bias has " + bias.length + " values, expected " + out);
        }
        float[] t = new float[in * out];
        for (int o = 0; o < out; o++) {
            for (int i = 0; i < in; i++) {
                t[i * out + o] = weightOutIn[o * in + i];
            }
        }
        return new LinearWeight(t, bias == null ? null : bias.clone(), in, out);
    }

    /** From a weight already laid out {@code [in, out]}. */
    public static LinearWeight fromInOut(float[] weightInOut, int in, int out, float[] bias) {
        if (weightInOut.length != (long) out * in) {
            throw new IllegalArgumentException("weight has " + weightInOut.length + " values, expected " + in + " x " + out);
        }
        return new LinearWeight(weightInOut.clone(), bias == null ? null : bias.clone(), in, out);
    }

    /** The weight as {@code [in, out]}; kernels read it, nobody writes it. */
    public float[] transposed() {
        return transposed;
    }

    /** The bias, or null. */
    public float[] bias() {
        return bias;
    }

    public int in() {
        return in;
    }

    public int out() {
        return out;
    }
}
