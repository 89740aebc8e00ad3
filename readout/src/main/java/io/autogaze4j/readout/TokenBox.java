package io.autogaze4j.readout;

/**
 * A block of grid tokens, half-open: rows {@code row0 <= r < row1}, columns {@code col0 <= c < col1}.
 *
 * @param row0 first row
 * @param col0 first column
 * @param row1 end row (exclusive)
 * @param col1 end column (exclusive)
 */
public record TokenBox(int row0, int col0, int row1, int col1) {

    public TokenBox {
        if (row0 < 0 || col0 < 0 || row1 <= row0 || col1 <= col0) {
            throw new IllegalArgumentException("token box rows [" + row0 + ", " + row1 + ") columns [" + col0 + ", "
                    + col1 + ") must be non-empty and non-negative");
        }
    }

    /** Number of tokens in the box. */
    public int size() {
        return (row1 - row0) * (col1 - col0);
    }

    /** Whether token {@code (row, col)} is in the box. */
    public boolean contains(int row, int col) {
        return row >= row0 && row < row1 && col >= col0 && col < col1;
    }

    /** The box grown by {@code tokens} on every side (a square neighbourhood), clipped to {@code grid}. */
    public TokenBox dilated(int tokens, SparseReadoutGrid grid) {
        if (tokens < 0) {
            throw new IllegalArgumentException("dilation must be >= 0 tokens, got " + tokens);
        }
        if (tokens == 0) {
            return this;
        }
        return new TokenBox(
                Math.max(0, row0 - tokens),
                Math.max(0, col0 - tokens),
                Math.min(grid.height(), row1 + tokens),
                Math.min(grid.width(), col1 + tokens));
    }

    /** The token ids of the box on {@code grid}, row-major. */
    public int[] ids(SparseReadoutGrid grid) {
        int[] out = new int[size()];
        int n = 0;
        for (int r = row0; r < row1; r++) {
            for (int c = col0; c < col1; c++) {
                out[n++] = grid.id(r, c);
            }
        }
        return out;
    }
}
