package io.autogaze4j.weights;

import java.util.Arrays;

/**
 * One tensor entry of a safetensors header.
 *
 * @param name  tensor name
 * @param dtype element type
 * @param shape dimensions (empty for a scalar)
 * @param begin byte offset of the first element, relative to the data area
 * @param end   byte offset one past the last element, relative to the data area
 */
public record TensorInfo(String name, DType dtype, int[] shape, long begin, long end) {
    public TensorInfo {
        shape = shape.clone();
    }

    /** A copy of the dimensions. */
    @Override
    public int[] shape() {
        return shape.clone();
    }

    /** Number of elements (the product of the dimensions, 1 for a scalar). */
    public long elementCount() {
        long n = 1;
        for (int d : shape) {
            n *= d;
        }
        return n;
    }

    /** Size of the data in bytes. */
    public long byteLength() {
        return end - begin;
    }

    /** Shape as text, e.g. {@code [192, 3, 16, 16]}. */
    public String shapeString() {
        return Arrays.toString(shape);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TensorInfo t
                && name.equals(t.name)
                && dtype == t.dtype
                && Arrays.equals(shape, t.shape)
                && begin == t.begin
                && end == t.end;
    }

    @Override
    public int hashCode() {
        return name.hashCode() * 31 + Arrays.hashCode(shape);
    }

    @Override
    public String toString() {
        return name + " " + dtype + " " + shapeString();
    }
}
