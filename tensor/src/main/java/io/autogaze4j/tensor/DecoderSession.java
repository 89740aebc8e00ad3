package io.autogaze4j.tensor;

import java.util.List;

/**
 * A running gaze decoder for a batch of independent rows: it owns each row's KV cache (on the host or
 * on a device) and feeds new tokens through all layers. Rows always receive the same number of new
 * tokens per call, so every row's cache has the same length. Not thread-safe; close to free memory.
 */
public interface DecoderSession extends AutoCloseable {

    /** Rows in the batch. */
    int batch();

    /** Cache entries per row so far. */
    int length();

    /**
     * Feeds {@code perRow} new tokens to every row and returns the heads at each row's last new token.
     *
     * @param x            {@code [batch * perRow, hidden]} input embeddings, grouped by row
     * @param perRow       new tokens per row
     * @param positions    {@code [batch][perRow]} rotary positions
     * @param masks        per row, the 0/1 attention mask of every cache entry including the new ones
     *                     (at least {@code length() + perRow} entries are read)
     * @param layerOutputs if non-null, receives the residual stream after every layer and after the final
     *                     norm, all positions (for parity checks; a backend may refuse it)
     */
    DecoderHeads forward(Tensor x, int perRow, int[][] positions, byte[][] masks, List<Tensor> layerOutputs);

    /** Whether {@link #forwardAndChoose} is supported (greedy selection where the logits live). */
    default boolean choosesTokens() {
        return false;
    }

    /**
     * Optional capability: {@link #forward} followed by the greedy multi-head choice of spec 4.3, done
     * without bringing the logits back. At each row's last new token, heads {@code 0..K-1} in order take
     * the first maximal logit among ids not forbidden; forbidden are {@code padId}, every id fed to this
     * session since the last call with {@code fedIds == null} (a frame's first step), and ids taken by
     * earlier heads of the same step. Budget, task-loss and finished-row rules stay with the caller.
     *
     * @param fedIds {@code [B][perRow]} the gaze ids whose embeddings {@code x} holds, or null on a frame's
     *               first step (its tokens belong to the previous frame and forbid nothing)
     * @throws UnsupportedOperationException when {@link #choosesTokens()} is false
     */
    default TokenChoice forwardAndChoose(
            Tensor x, int perRow, int[][] positions, byte[][] masks, int[][] fedIds, int padId) {
        throw new UnsupportedOperationException("this decoder session returns logits only; choose tokens on the host");
    }

    /** Whether {@link #forwardFrame} is supported (a whole frame's steps enqueued without a host round trip per step). */
    default boolean decodesFrames() {
        return false;
    }

    /**
     * Optional capability: the steps of {@code plan} as {@link #forwardAndChoose} would run them one by one, the ids of
     * each step gathered into the next where the logits live, so the caller waits once per frame (with a task-loss stop:
     * a few times) instead of once per step. The session may stop once every row has finished by the task-loss stop
     * ({@link FrameSteps#finishesRow}), or run on; {@link #length()} counts the tokens of every step it ran, and the
     * caller {@link #rewind rewinds} over those it did not need.
     *
     * @return the choice of each step run, step 0 (the prefill) first, exactly as {@link #forwardAndChoose} returns it:
     *     every planned step, or fewer when every row finished before the last
     * @throws UnsupportedOperationException when {@link #decodesFrames()} is false
     */
    default List<TokenChoice> forwardFrame(FrameSteps plan) {
        throw new UnsupportedOperationException("this decoder session runs one step per call");
    }

    /**
     * Whether {@link #submitFrame} is supported: a frame enqueued without waiting, its choices read later, so that the
     * caller can prepare (and submit) the next frame while this one runs.
     */
    default boolean pipelinesFrames() {
        return false;
    }

    /**
     * Optional capability: enqueues the frame of {@code plan} (no task-loss stop) as {@link #forwardFrame} runs it and
     * returns at once; {@link SubmittedFrame#choices()} waits for its choices. {@link #length()} counts its tokens from
     * now on. A plan that {@link FrameSteps#carriedPerRow carries} tokens must directly follow a frame submitted here
     * whose last step kept that many heads.
     *
     * @throws UnsupportedOperationException when {@link #pipelinesFrames()} is false
     * @throws IllegalArgumentException when the plan has a task-loss stop or carries tokens it cannot
     */
    default SubmittedFrame submitFrame(FrameSteps plan) {
        throw new UnsupportedOperationException("this decoder session does not pipeline frames");
    }

    /**
     * Whether this session's frame plans ({@link #forwardFrame}, {@link #submitFrame}) may take {@code tokens} as their
     * prefill's last tokens in place ({@link FrameSteps#residentTokens}): they live where this session computes, so
     * they need no trip through the host. The default is false.
     */
    default boolean readsInPlace(DeviceTokens tokens) {
        return false;
    }

    /**
     * Drops every cache entry from {@code length} on (a frame decoded by {@link #forwardFrame} that ended before its
     * last planned step): the next call writes from there.
     *
     * @throws IllegalArgumentException when {@code length} is negative or above {@link #length()}
     * @throws UnsupportedOperationException when {@link #decodesFrames()} is false
     */
    default void rewind(int length) {
        throw new UnsupportedOperationException("this decoder session runs one step per call");
    }

    @Override
    void close();
}
