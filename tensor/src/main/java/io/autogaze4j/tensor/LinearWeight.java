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
            throw new IllegalArgumentException(
                    "weight has " + weightOutIn.length + " values, expected " + out + " x " + in);
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
            throw new IllegalArgumentException(
                    "weight has " + weightInOut.length + " values, expected " + in + " x " + out);
        }
        return new LinearWeight(weightInOut.clone(), bias == null ? null : bias.clone(), in, out);
    }

    /**
     * Several weights with the same input size side by side: outputs of {@code parts[0]} first, then
     * {@code parts[1]}, ... One product with the result equals the separate products, column for column.
     */
    public static LinearWeight concatOutputs(LinearWeight... parts) {
        int in = parts[0].in;
        int out = 0;
        boolean anyBias = false;
        for (LinearWeight p : parts) {
            if (p.in != in) {
                throw new IllegalArgumentException("concatOutputs: input sizes differ (" + p.in + " vs " + in + ")");
            }
            out += p.out;
            anyBias |= p.bias != null;
        }
        float[] t = new float[in * out];
        float[] bias = anyBias ? new float[out] : null;
        int col = 0;
        for (LinearWeight p : parts) {
            for (int i = 0; i < in; i++) {
                System.arraycopy(p.transposed, i * p.out, t, i * out + col, p.out);
            }
            if (p.bias != null) {
                System.arraycopy(p.bias, 0, bias, col, p.out);
            }
            col += p.out;
        }
        return new LinearWeight(t, bias, in, out);
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
