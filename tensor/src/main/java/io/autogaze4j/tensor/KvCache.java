package io.autogaze4j.tensor;

import java.util.Arrays;

/**
 * Keys and values of every decoder layer for one sequence, in insertion (cache index) order. Keys are
 * stored per head in chunks of {@link AttentionKernel#KEY_CHUNK} keys, each chunk dimension-major
 * ({@code [chunk][dim][key]}), so attention scores for a chunk are one broadcast multiply-add per
 * dimension over one contiguous block; values are stored {@code [head][capacity][dim]}.
 * Capacity grows on demand up to a fixed limit.
 */
public final class KvCache {
    private final int layers;
    private final int heads;
    private final int headDim;
    private final int maxCapacity;
    private int capacity;
    private int length;
    private float[][][] keys;
    private float[][][] values;

    /**
     * @param initialCapacity entries allocated up front
     * @param maxCapacity     hard limit; appending beyond it throws
     */
    public KvCache(int layers, int heads, int headDim, int initialCapacity, int maxCapacity) {
        if (initialCapacity < 1 || maxCapacity < initialCapacity) {
            throw new IllegalArgumentException("bad capacities " + initialCapacity + " / " + maxCapacity);
        }
        this.layers = layers;
        this.heads = heads;
        this.headDim = headDim;
        this.maxCapacity = maxCapacity;
        this.capacity = roundUp(initialCapacity);
        this.keys = new float[layers][heads][headDim * capacity];
        this.values = new float[layers][heads][capacity * headDim];
    }

    /** Allocation granularity: attention reads keys in chunks of this many entries. */
    private static int roundUp(int n) {
        int chunk = AttentionKernel.KEY_CHUNK;
        return (n + chunk - 1) / chunk * chunk;
    }

    /** Entries stored so far (equal for all layers once a forward pass has finished). */
    public int length() {
        return length;
    }

    /** The hard limit on entries. */
    public int maxCapacity() {
        return maxCapacity;
    }

    /** Entries currently allocated. */
    public int capacity() {
        return capacity;
    }

    public int heads() {
        return heads;
    }

    public int headDim() {
        return headDim;
    }

    /** Makes room for {@code needed} entries in total; throws when that exceeds the limit. */
    public void reserve(int needed) {
        if (needed > maxCapacity) {
            throw new IllegalStateException("KV cache needs " + needed + " entries but holds at most " + maxCapacity);
        }
        if (needed <= capacity) {
            return;
        }
        int grown = roundUp((int) Math.min(maxCapacity, Math.max(needed, (long) capacity * 2)));
        for (int l = 0; l < layers; l++) {
            for (int h = 0; h < heads; h++) {
                keys[l][h] = Arrays.copyOf(keys[l][h], headDim * grown); // chunk-major: growing appends chunks
                values[l][h] = Arrays.copyOf(values[l][h], grown * headDim);
            }
        }
        capacity = grown;
    }

    /**
     * Writes {@code count} entries of layer {@code layer} starting at cache index {@code at}, from rows of
     * {@code k} and {@code v} laid out {@code [row][head * headDim + d]} starting at row {@code firstRow}.
     */
    public void write(int layer, int at, float[] k, float[] v, int firstRow, int count) {
        int width = heads * headDim;
        write(layer, at, k, firstRow * width, v, firstRow * width, width, count);
    }

    /**
     * Like {@link #write(int, int, float[], float[], int, int)} with entry {@code r}'s keys at
     * {@code k[kOff + r * stride ..]} and values at {@code v[vOff + r * stride ..]} (slices of wider rows).
     * Writers of disjoint entries may run concurrently once {@link #reserve} has made room for all of them.
     */
    void write(int layer, int at, float[] k, int kOff, float[] v, int vOff, int stride, int count) {
        writeKeys(layer, at, k, kOff, stride, count, 0, heads);
        writeValues(layer, at, v, vOff, stride, count, 0, heads);
    }

    /**
     * The keys of heads {@code [h0, h1)} only, entry {@code r}'s head {@code h} at {@code k[kOff + r * stride + h *
     * headDim ..]} (tasks that split a projection's columns write their heads). Concurrency as for {@link #write}.
     */
    void writeKeys(int layer, int at, float[] k, int kOff, int stride, int count, int h0, int h1) {
        reserve(at + count);
        for (int h = h0; h < h1; h++) {
            float[] kt = keys[layer][h];
            for (int r = 0; r < count; r++) {
                int ks = kOff + r * stride + h * headDim;
                for (int d = 0; d < headDim; d++) {
                    kt[keyIndex(at + r, d)] = k[ks + d];
                }
            }
        }
    }

    /** Like {@link #writeKeys} for the values of heads {@code [h0, h1)}. */
    void writeValues(int layer, int at, float[] v, int vOff, int stride, int count, int h0, int h1) {
        reserve(at + count);
        for (int h = h0; h < h1; h++) {
            float[] vh = values[layer][h];
            for (int r = 0; r < count; r++) {
                System.arraycopy(v, vOff + r * stride + h * headDim, vh, (at + r) * headDim, headDim);
            }
        }
    }

    /** Marks {@code newLength} entries as valid (after all layers were written). */
    public void setLength(int newLength) {
        if (newLength > capacity) {
            throw new IllegalStateException("length " + newLength + " beyond capacity " + capacity);
        }
        this.length = newLength;
    }

    /**
     * Where key {@code index}, dimension {@code d} lives in {@link #keysOf}: keys come in chunks of
     * {@link AttentionKernel#KEY_CHUNK}, each chunk dimension-major ({@code [d][key in chunk]}), so the
     * scores of a chunk read one contiguous block.
     */
    int keyIndex(int index, int d) {
        int chunk = AttentionKernel.KEY_CHUNK;
        return (index / chunk * headDim + d) * chunk + index % chunk;
    }

    /** Keys of one head in chunked dimension-major layout, see {@link #keyIndex}. */
    float[] keysOf(int layer, int head) {
        return keys[layer][head];
    }

    /** Values of one head: element {@code index * headDim + d}. */
    float[] valuesOf(int layer, int head) {
        return values[layer][head];
    }

    /** A deep copy (for forking a stream's state). */
    public KvCache copy() {
        KvCache c = new KvCache(layers, heads, headDim, capacity, Math.max(maxCapacity, capacity));
        for (int l = 0; l < layers; l++) {
            for (int h = 0; h < heads; h++) {
                c.keys[l][h] = keys[l][h].clone();
                c.values[l][h] = values[l][h].clone();
            }
        }
        c.length = length;
        return c;
    }
}
