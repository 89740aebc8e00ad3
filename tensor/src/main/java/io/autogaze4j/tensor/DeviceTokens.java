package io.autogaze4j.tensor;

/**
 * Token embeddings {@code [rows][frames][tokens][width]} kept where a backend computed them (a device buffer), so that
 * another session of the same backend reads them there instead of through the host: a {@link VisionSession}'s
 * embeddings ({@link VisionSession.Submitted#onDevice}) taken by a {@link DecoderSession}'s frame plan
 * ({@link FrameSteps#residentTokens}, where {@link DecoderSession#readsInPlace} says it may).
 *
 * <p>Closing gives the memory back to its session; work already enqueued on it still reads what it held. Whoever holds
 * them closes them once every plan that reads them is enqueued (the session that made them closes what is left when it
 * closes).
 */
public interface DeviceTokens extends AutoCloseable {

    /** Rows (the batch). */
    int rows();

    /** Frames per row. */
    int frames();

    /** Tokens per frame. */
    int tokens();

    /** Floats per token. */
    int width();

    /**
     * Frame {@code t} of every row, read back: {@code [row]} each {@code [tokens, width]}, the bits kept. A fallback for a
     * caller that cannot read them in place; it waits for the work that makes them.
     *
     * @throws IllegalArgumentException when {@code t} is not a frame of these tokens
     * @throws IllegalStateException when they are closed
     */
    Tensor[] toHost(int t);

    /** Frame {@code t} of every row, for a frame plan. */
    default Frame frame(int t) {
        return new Frame(this, t);
    }

    @Override
    void close();

    /**
     * Frame {@code frame} of every row of {@code tokens}.
     *
     * @param tokens the embeddings on the device
     * @param frame  which of their frames, from 0
     */
    record Frame(DeviceTokens tokens, int frame) {
        /** Checks that the frame is one of the tokens'. */
        public Frame {
            if (frame < 0 || frame >= tokens.frames()) {
                throw new IllegalArgumentException("frame " + frame + " of device tokens of " + tokens.frames());
            }
        }

        /** Tokens per row of the frame. */
        public int count() {
            return tokens.tokens();
        }

        /** The frame read back (see {@link DeviceTokens#toHost}). */
        public Tensor[] toHost() {
            return tokens.toHost(frame);
        }
    }
}
