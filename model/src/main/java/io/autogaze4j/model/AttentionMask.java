package io.autogaze4j.model;

import java.util.Arrays;

/**
 * One batch row's 0/1 attention mask over every decoder cache entry inserted (or about to be inserted)
 * so far. Entries may be rewritten later (pads of a finished frame become 0), exactly as the official
 * code rewrites its attention mask.
 */
final class AttentionMask {
    private byte[] mask = new byte[512];
    private int maskLength;

    /** An independent copy of this mask. */
    AttentionMask copy() {
        AttentionMask c = new AttentionMask();
        c.mask = mask.clone();
        c.maskLength = maskLength;
        return c;
    }

    /** Whether {@code other} holds the same entries. */
    boolean sameAs(AttentionMask other) {
        return Arrays.equals(mask, 0, maskLength, other.mask, 0, other.maskLength);
    }

    int maskLength() {
        return maskLength;
    }

    void appendMask(boolean valid) {
        if (maskLength == mask.length) {
            mask = Arrays.copyOf(mask, mask.length * 2);
        }
        mask[maskLength++] = (byte) (valid ? 1 : 0);
    }

    void setMask(int index, boolean valid) {
        mask[index] = (byte) (valid ? 1 : 0);
    }

    /** The mask array (valid up to {@link #maskLength()}). */
    byte[] mask() {
        return mask;
    }

    /** {@code cumsum(mask) - 1} for every entry. */
    int[] cumulativePositions() {
        int[] pos = new int[maskLength];
        int ones = 0;
        for (int i = 0; i < maskLength; i++) {
            ones += mask[i];
            pos[i] = ones - 1;
        }
        return pos;
    }
}
