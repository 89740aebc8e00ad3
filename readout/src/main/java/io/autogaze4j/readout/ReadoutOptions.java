package io.autogaze4j.readout;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;

/**
 * How fixations become rectangles and tokens. Build with {@link #builder()}; {@link #defaults()} keeps
 * every fixation at its own size with no dilation and no caps.
 *
 * <p>The steps, per frame (per temporal bin for video readout, where a "frame" below is every frame of
 * the tubelet in order):
 * <ol>
 *   <li>the frame's fixations in trace order;</li>
 *   <li>{@code confidenceThreshold}: keep a fixation only when its confidence is {@code > threshold}
 *       (a fixation without a confidence is an error while a threshold is set);</li>
 *   <li>{@code maxFixationsPerFrame}: keep the first n that remain;</li>
 *   <li>{@code fixationScale}: grow or shrink each rectangle about its centre, then clip it to the frame;</li>
 *   <li>project each rectangle onto the grid ({@link SparseReadoutGrid#cover}) and grow the block by
 *       {@code dilation} tokens on every side (clipped to the grid);</li>
 *   <li>list the tokens fixation by fixation, each block row-major, keeping only the first occurrence of
 *       a token;</li>
 *   <li>{@code maxTokensPerFrame}: keep the first n tokens of that list;</li>
 *   <li>{@code minTokensPerFrame}: while fewer than n, append unselected tokens in {@code fallbackOrder}.</li>
 * </ol>
 *
 * @param confidenceThreshold  keep fixations whose confidence is strictly above it; empty = keep all
 * @param maxFixationsPerFrame most fixations per frame (step 3); 0 = no limit
 * @param fixationScale        factor applied to each rectangle about its centre; 1 = the cell itself
 * @param dilation             tokens added on every side of each projected block; 0 = none
 * @param maxTokensPerFrame    most tokens per frame or temporal bin (step 7); 0 = no limit
 * @param minTokensPerFrame    fewest tokens per frame or temporal bin (step 8, capped at the grid size); 0 = no fill
 * @param fallbackOrder        which tokens the fill adds first
 */
public record ReadoutOptions(OptionalDouble confidenceThreshold, int maxFixationsPerFrame, double fixationScale, int dilation,
                             int maxTokensPerFrame, int minTokensPerFrame, FallbackOrder fallbackOrder) {

    public ReadoutOptions {
        if (confidenceThreshold == null || fallbackOrder == null) {
            throw new IllegalArgumentException("confidenceThreshold and fallbackOrder must be given (use OptionalDouble.empty())");
        }
        if (confidenceThreshold.isPresent() && !Double.isFinite(confidenceThreshold.getAsDouble())) {
            throw new IllegalArgumentException("confidence threshold must be finite, got " + confidenceThreshold.getAsDouble());
        }
        if (maxFixationsPerFrame < 0 || dilation < 0 || maxTokensPerFrame < 0 || minTokensPerFrame < 0) {
            throw new IllegalArgumentException("maxFixationsPerFrame, dilation, maxTokensPerFrame and minTokensPerFrame must be >= 0, got "
                    + maxFixationsPerFrame + ", " + dilation + ", " + maxTokensPerFrame + ", " + minTokensPerFrame);
        }
        if (!(fixationScale > 0) || !Double.isFinite(fixationScale)) {
            throw new IllegalArgumentException("fixation scale must be finite and > 0, got " + fixationScale);
        }
        if (maxTokensPerFrame > 0 && minTokensPerFrame > maxTokensPerFrame) {
            throw new IllegalArgumentException("minTokensPerFrame " + minTokensPerFrame + " exceeds maxTokensPerFrame " + maxTokensPerFrame);
        }
    }

    /** Every fixation at its own size, no dilation, no caps, no fill. */
    public static ReadoutOptions defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The fixations that steps 2-3 keep, in trace order. */
    public List<Fixation> kept(List<Fixation> frame) {
        List<Fixation> out = new ArrayList<>();
        for (Fixation f : frame) {
            if (maxFixationsPerFrame > 0 && out.size() == maxFixationsPerFrame) {
                break;
            }
            if (confidenceThreshold.isPresent()) {
                if (!f.hasConfidence()) {
                    throw new IllegalStateException("a confidence threshold is set but the fixation of cell " + f.cell() + " in frame "
                            + f.frame() + " has no confidence (the trace was built without the model's confidences)");
                }
                if (!(f.confidence() > confidenceThreshold.getAsDouble())) {
                    continue;
                }
            }
            out.add(f);
        }
        return out;
    }

    /** The rectangles of steps 2-4 (scaled and clipped to the frame), in trace order. */
    public List<NormRect> rects(List<Fixation> frame) {
        List<NormRect> out = new ArrayList<>();
        for (Fixation f : kept(frame)) {
            NormRect r = f.rect().scaledAboutCentre(fixationScale).clippedToFrame();
            if (r != null) {
                out.add(r);
            }
        }
        return out;
    }

    /** A builder pre-filled with these options. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.confidenceThreshold = confidenceThreshold;
        b.maxFixationsPerFrame = maxFixationsPerFrame;
        b.fixationScale = fixationScale;
        b.dilation = dilation;
        b.maxTokensPerFrame = maxTokensPerFrame;
        b.minTokensPerFrame = minTokensPerFrame;
        b.fallbackOrder = fallbackOrder;
        return b;
    }

    /** Builder of {@link ReadoutOptions}. */
    public static final class Builder {
        private OptionalDouble confidenceThreshold = OptionalDouble.empty();
        private int maxFixationsPerFrame;
        private double fixationScale = 1;
        private int dilation;
        private int maxTokensPerFrame;
        private int minTokensPerFrame;
        private FallbackOrder fallbackOrder = FallbackOrder.CENTRE_OUT;

        private Builder() {
        }

        /** Keep only fixations whose confidence is strictly above {@code threshold}. */
        public Builder confidenceThreshold(double threshold) {
            this.confidenceThreshold = OptionalDouble.of(threshold);
            return this;
        }

        /** Keep every fixation whatever its confidence. */
        public Builder noConfidenceThreshold() {
            this.confidenceThreshold = OptionalDouble.empty();
            return this;
        }

        /** Keep the first {@code n} fixations of each frame (0 = all). */
        public Builder maxFixationsPerFrame(int n) {
            this.maxFixationsPerFrame = n;
            return this;
        }

        /** Grow ({@code > 1}) or shrink ({@code < 1}) each rectangle about its centre. */
        public Builder fixationScale(double factor) {
            this.fixationScale = factor;
            return this;
        }

        /** Add {@code tokens} grid tokens on every side of each projected rectangle. */
        public Builder dilation(int tokens) {
            this.dilation = tokens;
            return this;
        }

        /** Keep the first {@code n} tokens of each frame or temporal bin (0 = all). */
        public Builder maxTokensPerFrame(int n) {
            this.maxTokensPerFrame = n;
            return this;
        }

        /** Fill each frame or temporal bin up to {@code n} tokens (0 = no fill). */
        public Builder minTokensPerFrame(int n) {
            this.minTokensPerFrame = n;
            return this;
        }

        /** The order the fill adds tokens in. */
        public Builder fallbackOrder(FallbackOrder order) {
            this.fallbackOrder = order;
            return this;
        }

        public ReadoutOptions build() {
            return new ReadoutOptions(confidenceThreshold, maxFixationsPerFrame, fixationScale, dilation, maxTokensPerFrame,
                    minTokensPerFrame, fallbackOrder);
        }
    }
}
