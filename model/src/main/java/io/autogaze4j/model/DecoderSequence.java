package io.autogaze4j.model;

import io.autogaze4j.tensor.KvCache;
import java.util.Arrays;

/**
 * One batch row's decoder context: its KV cache and the 0/1 attention mask of every entry inserted
 * (or about to be inserted) so far. Mask entries may be rewritten later (pads of a finished frame
 * become 0), exactly as the official code rewrites its attention mask.
 */
final class DecoderSequence {
    final KvCache cache;
    private byte[] mask = new byte[512];
    private int maskLength;

    DecoderSequence(KvCache cache) {
        this.cache = cache;
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

    DecoderSequence copy() {
        DecoderSequence c = new DecoderSequence(cache.copy());
        c.mask = mask.clone();
        c.maskLength = maskLength;
        return c;
    }
}
