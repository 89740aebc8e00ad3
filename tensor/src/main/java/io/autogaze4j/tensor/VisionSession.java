package io.autogaze4j.tensor;

import java.util.Optional;

/**
 * A running vision encoder (stem, LayerNorm, causal trunk, projection, position table; {@link VisionWeights}) for a batch
 * of independent rows. It keeps each row's trunk history, the last {@code temporalKernel - 1} inputs of every trunk block
 * (zeros before the first frame), so frames encoded over several calls give what one call with all of them gives. Not
 * thread-safe; close it to free its memory.
 */
public interface VisionSession extends AutoCloseable {

    /** Rows in the batch. */
    int batch();

    /**
     * Embeds the next frames of every row and advances each row's trunk history by them.
     *
     * @param clip {@code [batch, T, 3, H, W]} preprocessed frames (only read); a session may require {@code H} and
     *             {@code W} to be the model's input size
     * @return {@code [row][t]} each row's frame embeddings {@code [tokens, out]}
     * @throws IllegalArgumentException when the clip's batch or frame size does not fit the session
     */
    Tensor[][] encode(Tensor clip);

    /**
     * Starts embedding frames {@code [first, first + count)} of every row of {@code clip} as {@link #encode} would embed
     * them as a clip of their own, and returns at once where the encoder runs elsewhere (a device): the host may enqueue
     * other work meanwhile. The trunk history advances in call order, so a later call may be made before the earlier
     * one's embeddings are taken. The default encodes now.
     *
     * @throws IllegalArgumentException when the clip does not fit the session or the frames are not within it
     */
    default Submitted submit(Tensor clip, int first, int count) {
        checkFrames(clip, first, count);
        Tensor[][] embeddings = encode(first == 0 && count == clip.dim(1) ? clip : frames(clip, first, count));
        return () -> embeddings;
    }

    /**
     * Frames per time chunk in which a caller that decodes frame by frame should {@link #submit} a clip, so that the
     * decoder starts on the first frames while later ones are still encoded; 0: the whole clip at once (this encoder
     * gains nothing from chunks). The default is 0.
     */
    default int chunkFrames() {
        return 0;
    }

    /** Embeddings started by {@link #submit}. */
    interface Submitted {
        /** Waits for them: {@code [row][t]} each row's embeddings of the submitted frames, {@code t} from 0. */
        Tensor[][] embeddings();

        /**
         * The embeddings where the encoder keeps them, for a decoder session of the same backend to read in place
         * ({@link DecoderSession#readsInPlace}), or empty where they come to the host. When present, {@link #embeddings}
         * reads them back only if called, and the caller closes them (after {@link #embeddings}, or once every frame plan
         * that reads them is enqueued). Does not wait. The default is empty.
         */
        default Optional<DeviceTokens> onDevice() {
            return Optional.empty();
        }
    }

    @Override
    void close();

    /**
     * Checks that frames {@code [first, first + count)} (at least one) lie within {@code clip} {@code [B, T, ...]}.
     *
     * @throws IllegalArgumentException when they do not
     */
    static void checkFrames(Tensor clip, int first, int count) {
        if (clip.rank() != 5 || first < 0 || count < 1 || first + count > clip.dim(1)) {
            throw new IllegalArgumentException(
                    "frames [" + first + ", " + (first + count) + ") are not within the clip " + clip);
        }
    }

    /** Frames {@code [first, first + count)} of every row of {@code clip} {@code [B, T, ...]}, copied. */
    private static Tensor frames(Tensor clip, int first, int count) {
        int rows = clip.dim(0), perRow = clip.dim(1);
        int per = clip.dim(2) * clip.dim(3) * clip.dim(4);
        float[] out = new float[rows * count * per];
        for (int b = 0; b < rows; b++) {
            System.arraycopy(clip.data(), (b * perRow + first) * per, out, b * count * per, count * per);
        }
        return Tensor.wrap(out, rows, count, clip.dim(2), clip.dim(3), clip.dim(4));
    }
}
