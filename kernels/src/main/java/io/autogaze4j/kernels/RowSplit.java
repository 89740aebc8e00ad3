package io.autogaze4j.kernels;

/**
 * Which decoder calls run on decoder.cl's split row kernels (SPLIT_KERNELS), from
 * {@link OpenClBackend#SPLIT_ROWS_PROPERTY} and {@link OpenClBackend#SPLIT_GROUP_ROWS_PROPERTY}.
 *
 * @param most     the most rows (batch x new tokens) of a call that runs on them; 0: none; below
 *                 {@link DecoderBuilds#WIDE_FROM} (from there the wide kernels run, whose sums are not the split ones')
 * @param perGroup rows per work-group (decoder.cl ROWS of the SPLIT_KERNELS build): each weight load serves that many rows
 */
record RowSplit(int most, int perGroup) {
    /** No call runs on the split kernels. */
    static final RowSplit OFF = new RowSplit(0, 1);
    /** The most rows per work-group (local memory: that many x the intermediate size floats in split_down). */
    static final int MAX_PER_GROUP = 8;

    RowSplit {
        if (most < 0 || most >= DecoderBuilds.WIDE_FROM) {
            throw new IllegalArgumentException("split rows " + most + " outside [0, " + DecoderBuilds.WIDE_FROM + ")");
        }
        if (perGroup < 1 || perGroup > MAX_PER_GROUP) {
            throw new IllegalArgumentException(
                    "rows per split work-group " + perGroup + " outside [1, " + MAX_PER_GROUP + "]");
        }
    }

    /** Whether a call of {@code rows} rows runs on the split kernels. */
    boolean takes(int rows) {
        return rows <= most;
    }
}
