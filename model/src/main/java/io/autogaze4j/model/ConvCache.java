package io.autogaze4j.model;

import io.autogaze4j.tensor.Tensor;
import java.util.Arrays;

/**
 * The causal trunk convolutions' memory: for every trunk block, its last {@code kt - 1} input frames
 * (token grids {@code [196, C]}), oldest first; null entries are the initial zero padding. Streaming
 * carries it from call to call so frame-by-frame encoding equals whole-clip encoding.
 */
final class ConvCache {
    private final Tensor[][] history;

    /** An empty (zero-padded) cache for the trunk of {@code w}. */
    static ConvCache of(ModelWeights w) {
        return new ConvCache(w.trunk.size(), w.config.vision().trunkTemporalKernelSize());
    }

    ConvCache(int blocks, int temporalKernel) {
        history = new Tensor[blocks][temporalKernel - 1];
    }

    /** The window for block {@code b} ending with {@code current}: history then the current frame. */
    Tensor[] window(int b, Tensor current) {
        Tensor[] h = history[b];
        Tensor[] w = Arrays.copyOf(h, h.length + 1);
        w[h.length] = current;
        return w;
    }

    /** Slides block {@code b}'s history forward by one frame. */
    void push(int b, Tensor current) {
        Tensor[] h = history[b];
        if (h.length == 0) {
            return;
        }
        System.arraycopy(h, 1, h, 0, h.length - 1);
        h[h.length - 1] = current;
    }
}
