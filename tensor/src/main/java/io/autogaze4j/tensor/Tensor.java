package io.autogaze4j.tensor;

import java.util.Arrays;

/**
 * A dense, contiguous, row-major float32 tensor. The shape is fixed; the backing array is exposed to
 * kernels through {@link #data()} so they can work without copies. A tensor handed to a caller as a
 * result is never written again by the library.
 */
public final class Tensor {
    private final float[] data;
    private final int[] shape;

    private Tensor(float[] data, int[] shape) {
        this.data = data;
        this.shape = shape;
    }

    /** Wraps {@code data} (not copied) with the given shape; the sizes must agree. */
    public static Tensor wrap(float[] data, int... shape) {
        long n = count(shape);
        if (n != data.length) {
            throw new IllegalArgumentException(
                    "shape " + Arrays.toString(shape) + " needs " + n + " elements, the array has " + data.length);
        }
        return new Tensor(data, shape.clone());
    }

    /** A zero-filled tensor. */
    public static Tensor zeros(int... shape) {
        long n = count(shape);
        if (n > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException(
                    "shape " + Arrays.toString(shape) + " has " + n + " elements, too many for one tensor");
        }
        return new Tensor(new float[(int) n], shape.clone());
    }

    private static long count(int[] shape) {
        long n = 1;
        for (int d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("negative dimension in shape " + Arrays.toString(shape));
            }
            n *= d;
        }
        return n;
    }

    /** 2-D tensors {@code [r_i, c]} stacked along the rows into {@code [sum r_i, c]}. */
    public static Tensor concatRows(java.util.List<Tensor> parts) {
        int cols = parts.get(0).dim(1);
        int rows = 0;
        for (Tensor p : parts) {
            if (p.rank() != 2 || p.dim(1) != cols) {
                throw new IllegalArgumentException("concatRows: " + p + " does not have " + cols + " columns");
            }
            rows += p.dim(0);
        }
        float[] out = new float[rows * cols];
        int at = 0;
        for (Tensor p : parts) {
            System.arraycopy(p.data, 0, out, at, p.data.length);
            at += p.data.length;
        }
        return new Tensor(out, new int[] {rows, cols});
    }

    /** The backing array (row-major). */
    public float[] data() {
        return data;
    }

    /** A copy of the shape. */
    public int[] shape() {
        return shape.clone();
    }

    /** Size of dimension {@code i}; negative indices count from the end. */
    public int dim(int i) {
        return shape[i < 0 ? shape.length + i : i];
    }

    /** Number of dimensions. */
    public int rank() {
        return shape.length;
    }

    /** Number of elements. */
    public int size() {
        return data.length;
    }

    /** The same data viewed with another shape of equal size. */
    public Tensor reshape(int... newShape) {
        return wrap(data, newShape);
    }

    /** Element at a full index. */
    public float get(int... index) {
        return data[offset(index)];
    }

    /** Row-major offset of a full index, bounds-checked. */
    public int offset(int... index) {
        if (index.length != shape.length) {
            throw new IllegalArgumentException("index rank " + index.length + " != tensor rank " + shape.length);
        }
        int off = 0;
        for (int i = 0; i < shape.length; i++) {
            if (index[i] < 0 || index[i] >= shape[i]) {
                throw new IndexOutOfBoundsException(
                        "index " + Arrays.toString(index) + " outside shape " + Arrays.toString(shape));
            }
            off = off * shape[i] + index[i];
        }
        return off;
    }

    /** A deep copy. */
    public Tensor copy() {
        return new Tensor(data.clone(), shape.clone());
    }

    /** Largest absolute element-wise difference to {@code other} (shapes must match). */
    public float maxAbsDiff(Tensor other) {
        if (!Arrays.equals(shape, other.shape)) {
            throw new IllegalArgumentException(
                    "shapes differ: " + Arrays.toString(shape) + " vs " + Arrays.toString(other.shape));
        }
        float m = 0;
        for (int i = 0; i < data.length; i++) {
            float d = Math.abs(data[i] - other.data[i]);
            if (Float.isNaN(d)) {
                return d;
            }
            m = Math.max(m, d);
        }
        return m;
    }

    /** Index of the first non-finite element, or -1. */
    public int firstNonFinite() {
        for (int i = 0; i < data.length; i++) {
            if (!Float.isFinite(data[i])) {
                return i;
            }
        }
        return -1;
    }

    @Override
    public String toString() {
        return "Tensor" + Arrays.toString(shape);
    }
}
