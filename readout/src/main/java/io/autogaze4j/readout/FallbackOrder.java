package io.autogaze4j.readout;

import java.util.Arrays;
import java.util.Comparator;

/**
 * The order in which the minimum-token fill adds tokens that the fixations did not select. Both orders
 * are deterministic and depend only on the grid.
 */
public enum FallbackOrder {
    /** Nearest to the grid centre first (squared distance between patch centres), ties by lower id. */
    CENTRE_OUT,
    /** Lowest token id first (row-major from the top-left patch). */
    ROW_MAJOR;

    /** All token ids of {@code grid} in this order. */
    public int[] order(SparseReadoutGrid grid) {
        Integer[] ids = new Integer[grid.tokens()];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = i;
        }
        if (this == CENTRE_OUT) {
            // doubled coordinates keep the distance integral: patch centre 2r+1 against grid centre h
            Comparator<Integer> byDistance = Comparator.comparingLong(id -> {
                long dr = 2L * (id / grid.width()) + 1 - grid.height();
                long dc = 2L * (id % grid.width()) + 1 - grid.width();
                return dr * dr + dc * dc;
            });
            Arrays.sort(ids, byDistance.thenComparingInt(id -> id));
        }
        return Arrays.stream(ids).mapToInt(Integer::intValue).toArray();
    }
}
