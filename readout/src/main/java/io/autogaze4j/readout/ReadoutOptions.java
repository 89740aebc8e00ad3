package io.autogaze4j.readout;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;

/**
 * The image stage: how one frame's fixations become rectangles and tokens of an image grid
 * (burn_autogaze's {@code SparseReadoutOptions}). Build with {@link #builder()}; {@link #defaults()} keeps
 * every fixation with a confidence above 0 at its own size, no dilation, no caps. The video stage has
 * its own options ({@link VideoReadoutOptions}).
 *
 * <p>The steps, per frame:
 * <ol>
 *   <li>the frame's fixations in trace order;</li>
 *   <li>{@code confidenceThreshold}: keep a fixation only when its confidence is {@code > clamp(threshold, 0, 1)};</li>
 *   <li>{@code fixationScale}: each kept fixation's rectangle, half extents {@code min(extent * scale / 2, 0.5)}
 *       about its centre, clipped to the frame ({@link CoverageRule#bounds});</li>
 *   <li>{@code maxFixationsPerFrame}: stop once that many (non-empty) rectangles are kept;</li>
 *   <li>project each rectangle onto the grid by {@code coverage} and grow the block by {@code dilation}
 *       tokens on every side (clipped to the grid);</li>
 *   <li>list the tokens rectangle by rectangle, each block row-major, keeping a token's first occurrence;</li>
 *   <li>{@code maxTokensPerFrame}: stop at that many distinct tokens.</li>
 * </ol>
 *
 * @param confidenceThreshold  keep fixations whose confidence is strictly above it, clamped to {@code [0, 1]}
 * @param maxFixationsPerFrame most rectangles per frame; empty = no limit, 0 = none
 * @param fixationScale        factor on each cell's extent; 1 = the cell itself
 * @param dilation             tokens added on every side of each projected block; 0 = none
 * @param maxTokensPerFrame    most distinct tokens per frame; empty = no limit, 0 = none
 * @param coverage             the arithmetic of the projection
 */
public record ReadoutOptions(
        double confidenceThreshold,
        OptionalInt maxFixationsPerFrame,
        double fixationScale,
        int dilation,
        OptionalInt maxTokensPerFrame,
        CoverageRule coverage) {

    public ReadoutOptions {
        if (maxFixationsPerFrame == null || maxTokensPerFrame == null || coverage == null) {
            throw new IllegalArgumentException(
                    "maxFixationsPerFrame, maxTokensPerFrame and coverage must be given (use OptionalInt.empty())");
        }
        if (Double.isNaN(confidenceThreshold)) {
            throw new IllegalArgumentException("confidence threshold must be a number, got NaN");
        }
        if (maxFixationsPerFrame.orElse(0) < 0 || maxTokensPerFrame.orElse(0) < 0 || dilation < 0) {
            throw new IllegalArgumentException("maxFixationsPerFrame, maxTokensPerFrame and dilation must be >= 0, got "
                    + maxFixationsPerFrame + ", " + maxTokensPerFrame + ", " + dilation);
        }
        if (!(fixationScale > 0) || !Double.isFinite(fixationScale)) {
            throw new IllegalArgumentException("fixation scale must be finite and > 0, got " + fixationScale);
        }
    }

    /** Threshold 0 (drops confidence-0 points), scale 1, no dilation, no caps, exact coverage. */
    public static ReadoutOptions defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The threshold as applied: clamped to {@code [0, 1]}. */
    public double effectiveThreshold() {
        return Math.min(Math.max(confidenceThreshold, 0), 1);
    }

    /**
     * The points of a frame's fixations. A fixation without a confidence counts as 1.0 (as the reference reads a
     * missing one) while the threshold is 0, and is an error above it: the trace was built without confidences.
     */
    public List<FixationPoint> points(List<Fixation> frame) {
        List<FixationPoint> out = new ArrayList<>(frame.size());
        for (Fixation f : frame) {
            if (!f.hasConfidence() && effectiveThreshold() > 0) {
                throw new IllegalStateException("confidence threshold " + confidenceThreshold
                        + " is set but the fixation of cell " + f.cell() + " in frame " + f.frame()
                        + " has no confidence (NaN: the trace was built without the model's confidences)");
            }
            out.add(f.point());
        }
        return out;
    }

    /** The rectangles of steps 2-4 (reference {@code fixation_points_to_readout_rects}), in input order. */
    public List<NormRect> rects(List<FixationPoint> points) {
        List<NormRect> out = new ArrayList<>();
        int cap = maxFixationsPerFrame.orElse(Integer.MAX_VALUE);
        double threshold = effectiveThreshold();
        for (FixationPoint p : points) {
            if (!(p.confidence() > threshold)) {
                continue;
            }
            if (out.size() >= cap) {
                break;
            }
            NormRect r = coverage.bounds(p, fixationScale);
            if (r != null) {
                out.add(r);
            }
        }
        return out;
    }

    /** The rectangles of a frame of fixations ({@link #points} then {@link #rects}). */
    public List<NormRect> fixationRects(List<Fixation> frame) {
        return rects(points(frame));
    }

    /**
     * The distinct tokens of {@code rects} on {@code grid} (reference {@code readout_rects_to_tokens}): rectangle by
     * rectangle, each dilated block row-major, first occurrence kept, at most {@code maxTokensPerFrame}. Only
     * {@code dilation}, {@code maxTokensPerFrame} and {@code coverage} apply. Rectangles must lie in the frame {@code [0, 1]}.
     */
    public int[] tokens(List<NormRect> rects, SparseReadoutGrid grid) {
        TokenList list = new TokenList(grid.tokens(), maxTokensPerFrame.orElse(grid.tokens()));
        for (NormRect r : rects) {
            if (list.full()) {
                break;
            }
            TokenBox box = coverage.block(TokenList.checkInFrame(r), grid, dilation);
            if (box != null) {
                list.add(box, grid.width(), 0);
            }
        }
        return list.toArray();
    }

    /** The tokens of a frame of fixations on {@code grid}: {@link #fixationRects} then {@link #tokens}. */
    public int[] fixationTokens(List<Fixation> frame, SparseReadoutGrid grid) {
        return tokens(fixationRects(frame), grid);
    }

    /** A builder pre-filled with these options. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.confidenceThreshold = confidenceThreshold;
        b.maxFixationsPerFrame = maxFixationsPerFrame;
        b.fixationScale = fixationScale;
        b.dilation = dilation;
        b.maxTokensPerFrame = maxTokensPerFrame;
        b.coverage = coverage;
        return b;
    }

    /** Builder of {@link ReadoutOptions}. */
    public static final class Builder {
        private double confidenceThreshold;
        private OptionalInt maxFixationsPerFrame = OptionalInt.empty();
        private double fixationScale = 1;
        private int dilation;
        private OptionalInt maxTokensPerFrame = OptionalInt.empty();
        private CoverageRule coverage = CoverageRule.EXACT;

        private Builder() {}

        /** Keep only fixations whose confidence is strictly above {@code threshold} (clamped to [0, 1]; default 0). */
        public Builder confidenceThreshold(double threshold) {
            this.confidenceThreshold = threshold;
            return this;
        }

        /** Keep at most {@code n} rectangles per frame (0 keeps none). */
        public Builder maxFixationsPerFrame(int n) {
            this.maxFixationsPerFrame = OptionalInt.of(n);
            return this;
        }

        /** Grow ({@code > 1}) or shrink ({@code < 1}) each cell about its centre. */
        public Builder fixationScale(double factor) {
            this.fixationScale = factor;
            return this;
        }

        /** Add {@code tokens} grid tokens on every side of each projected rectangle. */
        public Builder dilation(int tokens) {
            this.dilation = tokens;
            return this;
        }

        /** Keep the first {@code n} distinct tokens of each frame (0 keeps none). */
        public Builder maxTokensPerFrame(int n) {
            this.maxTokensPerFrame = OptionalInt.of(n);
            return this;
        }

        /** The projection arithmetic (default {@link CoverageRule#EXACT}). */
        public Builder coverage(CoverageRule rule) {
            this.coverage = rule;
            return this;
        }

        public ReadoutOptions build() {
            return new ReadoutOptions(
                    confidenceThreshold, maxFixationsPerFrame, fixationScale, dilation, maxTokensPerFrame, coverage);
        }
    }
}
