package io.autogaze4j.readout;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;

/**
 * The video stage: how per-frame regions become the tokens of a whole clip on a video grid
 * (burn_autogaze's {@code SparseVideoReadoutOptions}). Frames {@code b*tubeletSize .. (b+1)*tubeletSize-1}
 * merge into temporal bin {@code b}; each region is projected onto the bin's spatial grid by
 * {@code coverage} and grown by {@code dilation}; tokens are listed bin by bin, frame by frame, region by
 * region, block row-major, first occurrence kept, and listing stops at {@code maxTokens}. A clip with
 * fewer tokens is then filled up to {@code min(minTokens, maxTokens, grid size)} with evenly spaced ids of
 * the whole video grid ({@link #fill}).
 *
 * @param tubeletSize source frames per temporal bin (independent of the grid)
 * @param dilation    video-grid tokens added on every side of each region's block (separate from the image stage's)
 * @param minTokens   fill the clip up to this many tokens; 0 = no fill
 * @param maxTokens   most distinct tokens per clip; empty = no limit, 0 = none (the cap wins over {@code minTokens})
 * @param coverage    the arithmetic of the projection
 */
public record VideoReadoutOptions(
        int tubeletSize, int dilation, int minTokens, OptionalInt maxTokens, CoverageRule coverage) {

    public VideoReadoutOptions {
        if (tubeletSize < 1) {
            throw new IllegalArgumentException(
                    "sparse video readout tubelet size must be nonzero and positive, got " + tubeletSize);
        }
        if (maxTokens == null || coverage == null) {
            throw new IllegalArgumentException("maxTokens and coverage must be given (use OptionalInt.empty())");
        }
        if (dilation < 0 || minTokens < 0 || maxTokens.orElse(0) < 0) {
            throw new IllegalArgumentException("dilation, minTokens and maxTokens must be >= 0, got " + dilation + ", "
                    + minTokens + ", " + maxTokens);
        }
    }

    /** Tubelet 1, no dilation, no fill, no cap, exact coverage. */
    public static VideoReadoutOptions defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder pre-filled with these options. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.tubeletSize = tubeletSize;
        b.dilation = dilation;
        b.minTokens = minTokens;
        b.maxTokens = maxTokens;
        b.coverage = coverage;
        return b;
    }

    /**
     * {@code k' = min(max(k, 1), max(n, 1))} distinct ids of {@code 0 .. n-1}, evenly spaced and ascending:
     * {@code (i * (n - 1) + k'/2) / k'} (all ids when {@code k' == n}). {@code evenly(16, 6) = 0, 3, 5, 8, 10, 13}.
     */
    public static int[] evenly(int n, int k) {
        int count = Math.min(Math.max(k, 1), Math.max(n, 1));
        int[] out = new int[count];
        for (int i = 0; i < count; i++) {
            out[i] = count == n ? i : (int) (((long) i * (n - 1) + count / 2) / count);
        }
        return out;
    }

    /**
     * The tokens of a clip (reference R5): {@code frames.get(i)} holds the regions of frame {@code i}, frame 0 first.
     * A clip may be shorter than the grid ({@code frames.size() < temporalBins * tubeletSize}, e.g. the first window
     * of a stream: the later bins get no regions), never longer. Regions must lie in the frame {@code [0, 1]}.
     */
    public int[] tokens(List<List<NormRect>> frames, SparseVideoReadoutGrid grid) {
        long span = (long) grid.temporalBins() * tubeletSize;
        if (frames.size() > span) {
            throw new IllegalArgumentException("clip has " + frames.size() + " frames but the video grid holds "
                    + grid.temporalBins() + " bins of " + tubeletSize + " frames (" + span
                    + "); cut the clip or raise the tubelet size");
        }
        TokenList list = new TokenList(grid.tokens(), maxTokens.orElse(grid.tokens()));
        if (list.full()) {
            return list.toArray();
        }
        SparseReadoutGrid spatial = grid.spatialGrid();
        for (int t = 0; t < frames.size(); t++) {
            int base = t / tubeletSize * grid.tokensPerBin();
            for (NormRect region : frames.get(t)) {
                TokenBox box = coverage.block(TokenList.checkInFrame(region), spatial, dilation);
                if (box != null && list.add(box, grid.width(), base)) {
                    return list.toArray();
                }
            }
        }
        list.fill(this);
        return list.toArray();
    }

    /**
     * The tokens of a clip whose frames are given as image-grid token ids (reference
     * {@code frame_readout_tokens_to_video_tokens}): each id stands for its patch of {@code imageGrid}, re-projected
     * onto the video grid. An id off the image grid is refused.
     */
    public int[] tokens(int[][] frameTokens, SparseReadoutGrid imageGrid, SparseVideoReadoutGrid grid) {
        List<List<NormRect>> frames = new ArrayList<>(frameTokens.length);
        for (int[] frame : frameTokens) {
            List<NormRect> regions = new ArrayList<>(frame.length);
            for (int id : frame) {
                regions.add(imageGrid.patchRect(id));
            }
            frames.add(regions);
        }
        return tokens(frames, grid);
    }

    /**
     * Appends to {@code tokens[0 .. length)} unseen ids of {@link #evenly}{@code (gridTokens, target)} until it holds
     * {@code target = min(minTokens, cap, gridTokens)} ids; returns the new length.
     *
     * @param seen {@code [gridTokens]} marks of the ids already listed (updated)
     */
    int fill(int[] tokens, int length, boolean[] seen, int cap) {
        int target = Math.min(Math.min(minTokens, cap), seen.length);
        if (length >= target) {
            return length;
        }
        for (int id : evenly(seen.length, target)) {
            if (!seen[id]) {
                seen[id] = true;
                tokens[length++] = id;
                if (length == target) {
                    break;
                }
            }
        }
        return length;
    }

    /** Builder of {@link VideoReadoutOptions}. */
    public static final class Builder {
        private int tubeletSize = 1;
        private int dilation;
        private int minTokens;
        private OptionalInt maxTokens = OptionalInt.empty();
        private CoverageRule coverage = CoverageRule.EXACT;

        private Builder() {}

        /** Source frames per temporal bin (default 1). */
        public Builder tubeletSize(int frames) {
            this.tubeletSize = frames;
            return this;
        }

        /** Video-grid tokens added on every side of each region. */
        public Builder dilation(int tokens) {
            this.dilation = tokens;
            return this;
        }

        /** Fill the clip up to {@code n} tokens. */
        public Builder minTokens(int n) {
            this.minTokens = n;
            return this;
        }

        /** At most {@code n} tokens per clip. */
        public Builder maxTokens(int n) {
            this.maxTokens = OptionalInt.of(n);
            return this;
        }

        /**
         * Exactly {@code min(n, grid size)} tokens per clip, for fixed-length sparse batches ({@code minTokens = maxTokens =
         * n}).
         */
        public Builder exactTokens(int n) {
            this.minTokens = n;
            this.maxTokens = OptionalInt.of(n);
            return this;
        }

        /** The projection arithmetic (default {@link CoverageRule#EXACT}). */
        public Builder coverage(CoverageRule rule) {
            this.coverage = rule;
            return this;
        }

        public VideoReadoutOptions build() {
            return new VideoReadoutOptions(tubeletSize, dilation, minTokens, maxTokens, coverage);
        }
    }
}
