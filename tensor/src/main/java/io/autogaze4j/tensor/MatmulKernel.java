package io.autogaze4j.tensor;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@code C[m,n] = A[m,k] · B[k,n] (+ bias[n])}, all row-major, with the Vector API. A 4-row x 3-vector
 * register block streams B rows (a last block of 2 or 3 rows repeats its last row, a single row uses 3
 * independent sums); column tails use masked vectors. Every element is the same fused
 * multiply-add chain over k in increasing order whatever the blocking or task split, so the result
 * does not depend on the thread count. Device twin: the {@code matmul} kernel of {@code kernels/ops.cl}
 * (test: {@code OpenClOpsTest.linearMatchesCpuAtModelShapes}).
 */
final class MatmulKernel {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    private static final int ROWS = 4;
    /** Columns of the register block: column ranges that are multiples of it use only full blocks. */
    static final int WIDE = 3 * L;
    /** Rows per task: a multiple of ROWS, large enough to amortise task overhead. */
    private static final int ROW_BLOCK = 32;
    /** Below this many multiply-adds (a decode step's projections) the work runs on the calling thread. */
    private static final long SERIAL_MACS = 1L << 18;
    /** Aim for at least this many tasks on large products, by splitting columns when rows are few. */
    private static final int MIN_TASKS = 64;

    private MatmulKernel() {}

    static void matmul(
            Parallel par, float[] a, int aOff, int m, int k, float[] b, int n, float[] bias, float[] c, int cOff) {
        if ((long) m * n * k < SERIAL_MACS) {
            block(a, aOff, k, b, n, bias, c, cOff, 0, m, 0, n);
            return;
        }
        // The split depends only on the shape: enough tasks for many cores, never on the thread count.
        int rowTasks = (m + ROW_BLOCK - 1) / ROW_BLOCK;
        int maxColTasks = (n + WIDE - 1) / WIDE;
        int colTasks = Math.max(1, Math.min(maxColTasks, (MIN_TASKS + rowTasks - 1) / rowTasks));
        int colWidth = colTasks == 1 ? n : ((n + colTasks - 1) / colTasks + WIDE - 1) / WIDE * WIDE;
        int cols = (n + colWidth - 1) / colWidth;
        par.forEach(rowTasks * cols, t -> {
            int r0 = (t / cols) * ROW_BLOCK;
            int c0 = (t % cols) * colWidth;
            block(a, aOff, k, b, n, bias, c, cOff, r0, Math.min(m, r0 + ROW_BLOCK), c0, Math.min(n, c0 + colWidth));
        });
    }

    /**
     * Rows {@code [r0, r1)} and columns {@code [c0, c1)} of the product on the calling thread: row {@code i}
     * of A starts at {@code a[aOff + i * k]}, row {@code i} of C at {@code c[cOff + i * n]}.
     */
    static void block(
            float[] a,
            int aOff,
            int k,
            float[] b,
            int n,
            float[] bias,
            float[] c,
            int cOff,
            int r0,
            int r1,
            int c0,
            int c1) {
        int i = r0;
        for (; r1 - i >= 2 * ROWS; i += 2 * ROWS) { // blocks of 8 rows stream each B row once for twice the rows
            int j = c0;
            for (; j + WIDE <= c1; j += WIDE) {
                kernel8x3(a, aOff + i * k, k, b, n, j, bias, c, cOff + i * n);
            }
            for (; j < c1; j += L) {
                VectorMask<Float> mask = S.indexInRange(j, c1);
                kernel4x1(a, aOff + i * k, k, ROWS, b, n, j, mask, bias, c, cOff + i * n);
                kernel4x1(a, aOff + (i + ROWS) * k, k, ROWS, b, n, j, mask, bias, c, cOff + (i + ROWS) * n);
            }
        }
        for (; r1 - i >= 2; i += ROWS) { // blocks of 4 rows; a last block of 2 or 3 repeats its last row
            int rows = Math.min(ROWS, r1 - i);
            int j = c0;
            for (; j + WIDE <= c1; j += WIDE) {
                kernel4x3(a, aOff + i * k, k, rows, b, n, j, bias, c, cOff + i * n);
            }
            for (; j < c1; j += L) {
                kernel4x1(a, aOff + i * k, k, rows, b, n, j, S.indexInRange(j, c1), bias, c, cOff + i * n);
            }
        }
        if (i < r1) {
            int j = c0;
            for (; j + WIDE <= c1; j += WIDE) {
                kernel1x3(a, aOff + i * k, k, b, n, j, bias, c, cOff + i * n);
            }
            for (; j < c1; j += L) {
                kernel1x1(a, aOff + i * k, k, b, n, j, S.indexInRange(j, c1), bias, c, cOff + i * n);
            }
        }
    }

    /**
     * Rows {@code 0..rows-1} ({@code 2 <= rows <= 4}) from {@code a0}, three vectors from column {@code j}.
     * Missing rows repeat the last one and are not stored: each stored element's sum is unchanged.
     */
    private static void kernel4x3(
            float[] a, int a0, int k, int rows, float[] b, int n, int j, float[] bias, float[] c, int c0) {
        FloatVector c00 = FloatVector.zero(S), c01 = c00, c02 = c00;
        FloatVector c10 = c00, c11 = c00, c12 = c00;
        FloatVector c20 = c00, c21 = c00, c22 = c00;
        FloatVector c30 = c00, c31 = c00, c32 = c00;
        int a1 = a0 + k, a2 = a0 + Math.min(2, rows - 1) * k, a3 = a0 + (rows - 1) * k;
        for (int p = 0; p < k; p++) {
            int bo = p * n + j;
            FloatVector b0 = FloatVector.fromArray(S, b, bo);
            FloatVector b1 = FloatVector.fromArray(S, b, bo + L);
            FloatVector b2 = FloatVector.fromArray(S, b, bo + 2 * L);
            FloatVector x = FloatVector.broadcast(S, a[a0 + p]);
            c00 = x.fma(b0, c00);
            c01 = x.fma(b1, c01);
            c02 = x.fma(b2, c02);
            x = FloatVector.broadcast(S, a[a1 + p]);
            c10 = x.fma(b0, c10);
            c11 = x.fma(b1, c11);
            c12 = x.fma(b2, c12);
            x = FloatVector.broadcast(S, a[a2 + p]);
            c20 = x.fma(b0, c20);
            c21 = x.fma(b1, c21);
            c22 = x.fma(b2, c22);
            x = FloatVector.broadcast(S, a[a3 + p]);
            c30 = x.fma(b0, c30);
            c31 = x.fma(b1, c31);
            c32 = x.fma(b2, c32);
        }
        store(c00, bias, j, c, c0 + j);
        store(c01, bias, j + L, c, c0 + j + L);
        store(c02, bias, j + 2 * L, c, c0 + j + 2 * L);
        store(c10, bias, j, c, c0 + n + j);
        store(c11, bias, j + L, c, c0 + n + j + L);
        store(c12, bias, j + 2 * L, c, c0 + n + j + 2 * L);
        if (rows > 2) {
            store(c20, bias, j, c, c0 + 2 * n + j);
            store(c21, bias, j + L, c, c0 + 2 * n + j + L);
            store(c22, bias, j + 2 * L, c, c0 + 2 * n + j + 2 * L);
        }
        if (rows > 3) {
            store(c30, bias, j, c, c0 + 3 * n + j);
            store(c31, bias, j + L, c, c0 + 3 * n + j + L);
            store(c32, bias, j + 2 * L, c, c0 + 3 * n + j + 2 * L);
        }
    }

    /**
     * Eight rows from {@code a0}, three vectors from column {@code j}: 24 accumulators, so each B row read from the
     * second-level cache serves eight rows instead of four (the 4-row block streams B at about the cache's bandwidth).
     * Each element is the same chain as in {@link #kernel4x3}.
     */
    private static void kernel8x3(float[] a, int a0, int k, float[] b, int n, int j, float[] bias, float[] c, int c0) {
        FloatVector c00 = FloatVector.zero(S), c01 = c00, c02 = c00, c10 = c00, c11 = c00, c12 = c00;
        FloatVector c20 = c00, c21 = c00, c22 = c00, c30 = c00, c31 = c00, c32 = c00;
        FloatVector c40 = c00, c41 = c00, c42 = c00, c50 = c00, c51 = c00, c52 = c00;
        FloatVector c60 = c00, c61 = c00, c62 = c00, c70 = c00, c71 = c00, c72 = c00;
        for (int p = 0; p < k; p++) {
            int bo = p * n + j;
            FloatVector b0 = FloatVector.fromArray(S, b, bo);
            FloatVector b1 = FloatVector.fromArray(S, b, bo + L);
            FloatVector b2 = FloatVector.fromArray(S, b, bo + 2 * L);
            FloatVector x = FloatVector.broadcast(S, a[a0 + p]);
            c00 = x.fma(b0, c00);
            c01 = x.fma(b1, c01);
            c02 = x.fma(b2, c02);
            x = FloatVector.broadcast(S, a[a0 + k + p]);
            c10 = x.fma(b0, c10);
            c11 = x.fma(b1, c11);
            c12 = x.fma(b2, c12);
            x = FloatVector.broadcast(S, a[a0 + 2 * k + p]);
            c20 = x.fma(b0, c20);
            c21 = x.fma(b1, c21);
            c22 = x.fma(b2, c22);
            x = FloatVector.broadcast(S, a[a0 + 3 * k + p]);
            c30 = x.fma(b0, c30);
            c31 = x.fma(b1, c31);
            c32 = x.fma(b2, c32);
            x = FloatVector.broadcast(S, a[a0 + 4 * k + p]);
            c40 = x.fma(b0, c40);
            c41 = x.fma(b1, c41);
            c42 = x.fma(b2, c42);
            x = FloatVector.broadcast(S, a[a0 + 5 * k + p]);
            c50 = x.fma(b0, c50);
            c51 = x.fma(b1, c51);
            c52 = x.fma(b2, c52);
            x = FloatVector.broadcast(S, a[a0 + 6 * k + p]);
            c60 = x.fma(b0, c60);
            c61 = x.fma(b1, c61);
            c62 = x.fma(b2, c62);
            x = FloatVector.broadcast(S, a[a0 + 7 * k + p]);
            c70 = x.fma(b0, c70);
            c71 = x.fma(b1, c71);
            c72 = x.fma(b2, c72);
        }
        store(c00, bias, j, c, c0 + j);
        store(c01, bias, j + L, c, c0 + j + L);
        store(c02, bias, j + 2 * L, c, c0 + j + 2 * L);
        store(c10, bias, j, c, c0 + n + j);
        store(c11, bias, j + L, c, c0 + n + j + L);
        store(c12, bias, j + 2 * L, c, c0 + n + j + 2 * L);
        store(c20, bias, j, c, c0 + 2 * n + j);
        store(c21, bias, j + L, c, c0 + 2 * n + j + L);
        store(c22, bias, j + 2 * L, c, c0 + 2 * n + j + 2 * L);
        store(c30, bias, j, c, c0 + 3 * n + j);
        store(c31, bias, j + L, c, c0 + 3 * n + j + L);
        store(c32, bias, j + 2 * L, c, c0 + 3 * n + j + 2 * L);
        store(c40, bias, j, c, c0 + 4 * n + j);
        store(c41, bias, j + L, c, c0 + 4 * n + j + L);
        store(c42, bias, j + 2 * L, c, c0 + 4 * n + j + 2 * L);
        store(c50, bias, j, c, c0 + 5 * n + j);
        store(c51, bias, j + L, c, c0 + 5 * n + j + L);
        store(c52, bias, j + 2 * L, c, c0 + 5 * n + j + 2 * L);
        store(c60, bias, j, c, c0 + 6 * n + j);
        store(c61, bias, j + L, c, c0 + 6 * n + j + L);
        store(c62, bias, j + 2 * L, c, c0 + 6 * n + j + 2 * L);
        store(c70, bias, j, c, c0 + 7 * n + j);
        store(c71, bias, j + L, c, c0 + 7 * n + j + L);
        store(c72, bias, j + 2 * L, c, c0 + 7 * n + j + 2 * L);
    }

    /** One row, three vectors: three independent sums hide the multiply-add latency a single one waits on. */
    private static void kernel1x3(float[] a, int a0, int k, float[] b, int n, int j, float[] bias, float[] c, int c0) {
        FloatVector s0 = FloatVector.zero(S), s1 = s0, s2 = s0;
        for (int p = 0; p < k; p++) {
            int bo = p * n + j;
            FloatVector x = FloatVector.broadcast(S, a[a0 + p]);
            s0 = x.fma(FloatVector.fromArray(S, b, bo), s0);
            s1 = x.fma(FloatVector.fromArray(S, b, bo + L), s1);
            s2 = x.fma(FloatVector.fromArray(S, b, bo + 2 * L), s2);
        }
        store(s0, bias, j, c, c0 + j);
        store(s1, bias, j + L, c, c0 + j + L);
        store(s2, bias, j + 2 * L, c, c0 + j + 2 * L);
    }

    private static void store(FloatVector v, float[] bias, int j, float[] c, int at) {
        if (bias != null) {
            v = v.add(FloatVector.fromArray(S, bias, j));
        }
        v.intoArray(c, at);
    }

    /** Like {@link #kernel4x3} for one (masked) vector of columns. */
    private static void kernel4x1(
            float[] a,
            int a0,
            int k,
            int rows,
            float[] b,
            int n,
            int j,
            VectorMask<Float> mask,
            float[] bias,
            float[] c,
            int c0) {
        FloatVector s0 = FloatVector.zero(S), s1 = s0, s2 = s0, s3 = s0;
        int a1 = a0 + k, a2 = a0 + Math.min(2, rows - 1) * k, a3 = a0 + (rows - 1) * k;
        for (int p = 0; p < k; p++) {
            FloatVector bv = FloatVector.fromArray(S, b, p * n + j, mask);
            s0 = FloatVector.broadcast(S, a[a0 + p]).fma(bv, s0);
            s1 = FloatVector.broadcast(S, a[a1 + p]).fma(bv, s1);
            s2 = FloatVector.broadcast(S, a[a2 + p]).fma(bv, s2);
            s3 = FloatVector.broadcast(S, a[a3 + p]).fma(bv, s3);
        }
        storeMasked(s0, bias, j, mask, c, c0 + j);
        storeMasked(s1, bias, j, mask, c, c0 + n + j);
        if (rows > 2) {
            storeMasked(s2, bias, j, mask, c, c0 + 2 * n + j);
        }
        if (rows > 3) {
            storeMasked(s3, bias, j, mask, c, c0 + 3 * n + j);
        }
    }

    private static void kernel1x1(
            float[] a,
            int a0,
            int k,
            float[] b,
            int n,
            int j,
            VectorMask<Float> mask,
            float[] bias,
            float[] c,
            int c0) {
        FloatVector s = FloatVector.zero(S);
        for (int p = 0; p < k; p++) {
            s = FloatVector.broadcast(S, a[a0 + p]).fma(FloatVector.fromArray(S, b, p * n + j, mask), s);
        }
        storeMasked(s, bias, j, mask, c, c0 + j);
    }

    private static void storeMasked(FloatVector v, float[] bias, int j, VectorMask<Float> mask, float[] c, int at) {
        if (bias != null) {
            v = v.add(FloatVector.fromArray(S, bias, j, mask));
        }
        v.intoArray(c, at, mask);
    }
}
