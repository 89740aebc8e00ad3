package io.autogaze4j.readout;

import java.util.Arrays;
import java.util.List;

/** Steps 2-8 of {@link ReadoutOptions} for one unit (a frame, or the frames of one temporal bin). */
final class TokenSelection {
    private TokenSelection() {
    }

    /**
     * The tokens of a unit whose frames are {@code frames}, in order.
     *
     * @param fallback every token of the grid in fill order
     */
    static int[] select(List<List<Fixation>> frames, SparseReadoutGrid grid, ReadoutOptions options, int[] fallback) {
        int max = options.maxTokensPerFrame() > 0 ? options.maxTokensPerFrame() : grid.tokens();
        boolean[] taken = new boolean[grid.tokens()];
        int[] out = new int[grid.tokens()];
        int n = 0;
        for (List<Fixation> frame : frames) {
            for (NormRect rect : options.rects(frame)) {
                TokenBox box = grid.cover(rect);
                if (box == null) {
                    continue;
                }
                for (int id : box.dilated(options.dilation(), grid).ids(grid)) {
                    if (!taken[id] && n < max) {
                        taken[id] = true;
                        out[n++] = id;
                    }
                }
            }
        }
        int min = Math.min(options.minTokensPerFrame(), grid.tokens());
        for (int i = 0; n < min; i++) {
            int id = fallback[i];
            if (!taken[id]) {
                taken[id] = true;
                out[n++] = id;
            }
        }
        return Arrays.copyOf(out, n);
    }
}
