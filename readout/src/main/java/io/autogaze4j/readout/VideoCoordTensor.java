package io.autogaze4j.readout;

import java.util.Arrays;

/**
 * Video-token coordinates of a batch as one int tensor {@code [batch, length, 4]}, row-major; each row is
 * {@code (batch, temporal, row, col)}. Clips with fewer than {@code length} tokens are padded at the end
 * with rows of {@link #PAD} in all four columns; {@link #lengths()} gives the real counts, and real rows
 * always come first. For the unpadded layout see {@link VideoCoords}.
 */
public final class VideoCoordTensor {
    /** The value of every column of a padding row. */
    public static final int PAD = -1;

    private final int batch;
    private final int length;
    private final int[] data;
    private final int[] lengths;

    VideoCoordTensor(SparseVideoReadoutGrid grid, int[][] ids) {
        this.batch = ids.length;
        int longest = 0;
        for (int[] row : ids) {
            longest = Math.max(longest, row.length);
        }
        this.length = longest;
        this.data = new int[batch * length * 4];
        Arrays.fill(data, PAD);
        this.lengths = new int[batch];
        for (int b = 0; b < batch; b++) {
            lengths[b] = ids[b].length;
            for (int i = 0; i < ids[b].length; i++) {
                VideoTokenCoord c = grid.coord(ids[b][i]);
                int o = (b * length + i) * 4;
                data[o] = b;
                data[o + 1] = c.temporal();
                data[o + 2] = c.row();
                data[o + 3] = c.col();
            }
        }
    }

    /** The shape {@code [batch, length, 4]}. */
    public int[] shape() {
        return new int[] {batch, length, 4};
    }

    /** The values, row-major (a copy). */
    public int[] data() {
        return data.clone();
    }

    /** Real (non-padding) rows of each clip. */
    public int[] lengths() {
        return lengths.clone();
    }

    /** Element {@code [b, i, k]}. */
    public int get(int b, int i, int k) {
        if (b < 0 || b >= batch || i < 0 || i >= length || k < 0 || k >= 4) {
            throw new IndexOutOfBoundsException(
                    "[" + b + ", " + i + ", " + k + "] outside [" + batch + ", " + length + ", 4]");
        }
        return data[(b * length + i) * 4 + k];
    }

    /** Whether row {@code i} of clip {@code b} is a real token (not padding). */
    public boolean valid(int b, int i) {
        return i < lengths[b];
    }
}
