package io.autogaze4j.readout;

import java.util.Arrays;

/**
 * The listing rule both stages share: tokens block by block, each block row-major, a token only at its
 * first occurrence, listing stops once {@code cap} tokens are held.
 */
final class TokenList {
    private final int[] ids;
    private final boolean[] seen;
    private int size;

    /** A list over a grid of {@code gridTokens} ids holding at most {@code cap}. */
    TokenList(int gridTokens, int cap) {
        this.ids = new int[Math.min(cap, gridTokens)];
        this.seen = new boolean[gridTokens];
    }

    /** Whether the cap is reached. */
    boolean full() {
        return size == ids.length;
    }

    /**
     * Adds the unseen tokens of {@code box} on a grid {@code gridWidth} tokens wide, id {@code base + row * gridWidth + col},
     * until the cap; returns {@link #full()}.
     */
    boolean add(TokenBox box, int gridWidth, int base) {
        for (int r = box.row0(); r < box.row1(); r++) {
            for (int c = box.col0(); c < box.col1(); c++) {
                int id = base + r * gridWidth + c;
                if (!seen[id]) {
                    seen[id] = true;
                    ids[size++] = id;
                    if (size == ids.length) {
                        return true;
                    }
                }
            }
        }
        return full();
    }

    /** Appends the evenly spaced fill of {@code options} (video stage). */
    void fill(VideoReadoutOptions options) {
        size = options.fill(ids, size, seen, ids.length);
    }

    int[] toArray() {
        return Arrays.copyOf(ids, size);
    }

    /** Refuses a caller's rectangle that reaches outside the frame, naming it. */
    static NormRect checkInFrame(NormRect r) {
        if (r.x0() < 0 || r.y0() < 0 || r.x1() > 1 || r.y1() > 1) {
            throw new IllegalArgumentException("readout rectangle " + r + " reaches outside the frame [0, 1]");
        }
        return r;
    }
}
