package io.autogaze4j.tensor;

import java.util.List;

/** A frame enqueued by {@link DecoderSession#submitFrame}, still running where the logits live. */
public interface SubmittedFrame {
    /**
     * Waits for the frame and returns the choice of each of its steps, step 0 (the prefill) first, as
     * {@link DecoderSession#forwardFrame} returns them. Call it once, before the frame after the next is submitted.
     */
    List<TokenChoice> choices();
}
