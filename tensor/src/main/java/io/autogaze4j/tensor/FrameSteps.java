package io.autogaze4j.tensor;

import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * One frame of greedy decoding for {@link DecoderSession#forwardFrame}: the prefill, then a decode step per further
 * entry of {@code stepSizes}, each feeding the ids the previous step chose.
 *
 * <p>Step 0 is the prefill ({@code prefill} at {@code prefillPositions}; its ids forbid nothing). Step {@code s} keeps
 * the first {@code stepSizes.get(s)} heads of its choice; step {@code s + 1} feeds exactly those ids (an id of -1, every
 * id forbidden, is fed as 0), token {@code j} of row {@code b} at position {@code tail[b][j % tail[b].length]} with a
 * mask entry of 1, and forbids them for the rest of the frame.
 *
 * <p>With a task-loss stop, head {@code i} of step {@code s} (but head 0 of step 0) whose task loss is at or below the
 * threshold (float32) is fed as {@code padId} and finishes its row: from the next step on, every id of that row is fed
 * as {@code padId}. The caller, which applies the same rule, may need fewer steps than planned and then
 * {@link DecoderSession#rewind rewinds} the session.
 *
 * <p>With {@code carriedPerRow > 0} (only for {@link DecoderSession#submitFrame}), the first {@code carriedPerRow} prefill
 * tokens of each row are the ids the last step of the session's previous frame chose, not read yet by the caller: the
 * session gathers their embeddings where the logits live (what {@code prefill} holds for them is ignored), so the frame
 * can be enqueued before the previous one's choices are read.
 *
 * <p>With {@code residentTokens} (only for a session that {@link DecoderSession#readsInPlace reads them in place}), the
 * last {@code residentTokens.count()} prefill tokens of each row are that frame of embeddings kept on the device (a
 * frame's vision tokens), read there: {@code prefill} then holds only the {@link #hostPerRow} tokens before them.
 *
 * @param prefill          {@code [batch * hostPerRow(), hidden]} embeddings of step 0 ({@code hostPerRow()} is
 *                         {@code prefillPerRow} unless tokens are resident)
 * @param prefillPerRow    new tokens per row in step 0
 * @param prefillPositions {@code [batch][prefillPerRow]} rotary positions of step 0
 * @param masks            per row, the mask of every cache entry up to and including step 0's
 * @param tail             {@code [batch][T]} positions the decode steps are fed at
 * @param stepSizes        heads kept per step, step 0 first (each 1..K)
 * @param embeddings       {@code [vocab, hidden]} the gaze-token embedding table
 * @param padId            the pad id (forbidden throughout)
 * @param taskLossStop     the float32 stop threshold, or empty for no task-loss stop
 * @param carriedPerRow    prefill tokens per row carried from the previous frame's last step (0: none)
 * @param residentTokens   the embeddings of the prefill's last tokens of each row where they live, or empty: all in
 *                         {@code prefill}
 */
public record FrameSteps(
        Tensor prefill,
        int prefillPerRow,
        int[][] prefillPositions,
        byte[][] masks,
        int[][] tail,
        List<Integer> stepSizes,
        Tensor embeddings,
        int padId,
        OptionalDouble taskLossStop,
        int carriedPerRow,
        Optional<DeviceTokens.Frame> residentTokens) {
    /** Checks the step list and copies it. */
    public FrameSteps {
        stepSizes = List.copyOf(stepSizes);
        if (stepSizes.isEmpty() || stepSizes.stream().anyMatch(n -> n < 1)) {
            throw new IllegalArgumentException(
                    "a frame plan needs at least one step of at least one head, got " + stepSizes);
        }
        if (tail.length != prefillPositions.length) {
            throw new IllegalArgumentException(
                    "tail positions for " + tail.length + " rows, prefill for " + prefillPositions.length);
        }
        if (carriedPerRow < 0 || carriedPerRow > prefillPerRow) {
            throw new IllegalArgumentException(
                    carriedPerRow + " carried tokens per row in a prefill of " + prefillPerRow);
        }
        int resident = residentTokens.map(DeviceTokens.Frame::count).orElse(0);
        if (carriedPerRow + resident > prefillPerRow) {
            throw new IllegalArgumentException(carriedPerRow + " carried and " + resident
                    + " resident tokens per row in a prefill of " + prefillPerRow);
        }
        if (residentTokens.isPresent() && residentTokens.get().tokens().rows() != prefillPositions.length) {
            throw new IllegalArgumentException("resident tokens of "
                    + residentTokens.get().tokens().rows() + " rows for a prefill of " + prefillPositions.length);
        }
    }

    /** A plan whose prefill embeddings are all given (nothing carried from the previous frame). */
    public FrameSteps(
            Tensor prefill,
            int prefillPerRow,
            int[][] prefillPositions,
            byte[][] masks,
            int[][] tail,
            List<Integer> stepSizes,
            Tensor embeddings,
            int padId,
            OptionalDouble taskLossStop) {
        this(
                prefill,
                prefillPerRow,
                prefillPositions,
                masks,
                tail,
                stepSizes,
                embeddings,
                padId,
                taskLossStop,
                0,
                Optional.empty());
    }

    /** The same plan with the first {@code perRow} prefill tokens of each row carried from the previous frame. */
    public FrameSteps carrying(int perRow) {
        return with(prefill, perRow, residentTokens);
    }

    /**
     * The same plan with the last {@code frame.count()} prefill tokens of each row read in place from {@code frame};
     * {@code hostPrefill} {@code [batch * (prefillPerRow - frame.count()), hidden]} holds the tokens before them.
     */
    public FrameSteps readingInPlace(Tensor hostPrefill, DeviceTokens.Frame frame) {
        return with(hostPrefill, carriedPerRow, Optional.of(frame));
    }

    /** The same plan with another prefill tensor, carried count and resident tokens. */
    private FrameSteps with(Tensor hostPrefill, int carried, Optional<DeviceTokens.Frame> resident) {
        return new FrameSteps(
                hostPrefill,
                prefillPerRow,
                prefillPositions,
                masks,
                tail,
                stepSizes,
                embeddings,
                padId,
                taskLossStop,
                carried,
                resident);
    }

    /** Prefill tokens per row whose embeddings {@code prefill} holds: all but the resident ones. */
    public int hostPerRow() {
        return prefillPerRow - residentTokens.map(DeviceTokens.Frame::count).orElse(0);
    }

    /** Decoder steps of the frame, the prefill included. */
    public int steps() {
        return stepSizes.size();
    }

    /**
     * Whether step {@code step}'s {@code choice} finishes row {@code b} by the task-loss stop: one of the heads the step
     * keeps (but head 0 of step 0) at or below the threshold. Always false without a stop.
     */
    public boolean finishesRow(TokenChoice choice, int step, int b) {
        if (taskLossStop.isEmpty()) {
            return false;
        }
        float threshold = (float) taskLossStop.getAsDouble();
        int k = choice.tokens()[b].length;
        for (int i = step == 0 ? 1 : 0; i < stepSizes.get(step); i++) {
            if (choice.taskLoss()[b * k + i] <= threshold) {
                return true;
            }
        }
        return false;
    }
}
