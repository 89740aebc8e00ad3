package io.autogaze4j.readout;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.IntBuffer;

/**
 * Video-token coordinates as flat {@code [N, 4]} rows {@code [batch, temporal, row, col]}, row-major, the layout
 * sparse patchifiers take (burn_autogaze's {@code video_readout_coords}): the rows of batch row 0's tokens in token
 * order, then batch row 1's, and so on; no padding. The values live in native memory (a direct buffer in native
 * byte order), so {@link #asIntBuffer()} is a zero-copy view a native consumer can read in place; on JDK 22+
 * {@code MemorySegment.ofBuffer(coords.asIntBuffer())} is the same memory as a segment. Immutable.
 */
public final class VideoCoords {
    private final IntBuffer data;

    private VideoCoords(IntBuffer data) {
        this.data = data;
    }

    /**
     * The coordinates of {@code tokens} on {@code grid}, batch column {@code batch} (reference {@code
     * video_readout_tokens_to_coords}).
     */
    public static VideoCoords of(int[] tokens, SparseVideoReadoutGrid grid, int batch) {
        return of(new int[][] {tokens}, grid, batch);
    }

    /**
     * The coordinates of several batch rows: row {@code i} of {@code rows} gets batch column {@code i} (an empty row adds
     * no coordinates but still takes its index; reference {@code batched_video_readout_tokens_to_coords}).
     */
    public static VideoCoords ofBatch(int[][] rows, SparseVideoReadoutGrid grid) {
        return of(rows, grid, 0);
    }

    private static VideoCoords of(int[][] rows, SparseVideoReadoutGrid grid, int firstBatch) {
        if (firstBatch < 0) {
            throw new IllegalArgumentException("batch index must be >= 0, got " + firstBatch);
        }
        long n = 0;
        for (int[] row : rows) {
            n += row.length;
        }
        if (n * 4 > Integer.MAX_VALUE / 4) {
            throw new IllegalArgumentException(n + " coordinates do not fit one buffer");
        }
        IntBuffer out = ByteBuffer.allocateDirect((int) n * 16)
                .order(ByteOrder.nativeOrder())
                .asIntBuffer();
        int perBin = grid.tokensPerBin();
        for (int b = 0; b < rows.length; b++) {
            for (int id : rows[b]) {
                grid.checkId(id);
                int spatial = id % perBin;
                out.put(firstBatch + b)
                        .put(id / perBin)
                        .put(spatial / grid.width())
                        .put(spatial % grid.width());
            }
        }
        return new VideoCoords(out.flip());
    }

    /** Number of rows {@code N}. */
    public int rows() {
        return data.limit() / 4;
    }

    /** The shape {@code [N, 4]}. */
    public int[] shape() {
        return new int[] {rows(), 4};
    }

    /** Element {@code [row, column]}: column 0 batch, 1 temporal bin, 2 token row, 3 token column. */
    public int get(int row, int column) {
        if (row < 0 || row >= rows() || column < 0 || column >= 4) {
            throw new IndexOutOfBoundsException("[" + row + ", " + column + "] outside [" + rows() + ", 4]");
        }
        return data.get(row * 4 + column);
    }

    /** The values as int32, row-major (a copy). */
    public int[] toIntArray() {
        int[] out = new int[data.limit()];
        data.get(0, out);
        return out;
    }

    /** The values as int64, row-major (a copy; the layout of a PyTorch/burn {@code int64 [N, 4]} tensor). */
    public long[] toLongArray() {
        long[] out = new long[data.limit()];
        for (int i = 0; i < out.length; i++) {
            out[i] = data.get(i);
        }
        return out;
    }

    /** A read-only view of the values, row-major, native byte order, position 0: no copy. */
    public IntBuffer asIntBuffer() {
        return data.asReadOnlyBuffer();
    }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder("VideoCoords[").append(rows()).append(", 4]");
        for (int i = 0; i < rows(); i++) {
            s.append(i == 0 ? " " : ", ")
                    .append('[')
                    .append(get(i, 0))
                    .append(", ")
                    .append(get(i, 1))
                    .append(", ")
                    .append(get(i, 2))
                    .append(", ")
                    .append(get(i, 3))
                    .append(']');
        }
        return s.toString();
    }
}
