package io.autogaze4j.readout;

import io.autogaze4j.model.GazeResult;
import java.util.List;

/**
 * How many gaze slots one frame used (burn_autogaze's {@code AutoGazeReadoutStats}), summed over the batch.
 *
 * @param generatedTokens       slots the model generated for the frame, padding included
 * @param activeGeneratedTokens slots that hold a real fixation
 * @param paddedGeneratedTokens padding slots
 */
public record ReadoutStats(int generatedTokens, int activeGeneratedTokens, int paddedGeneratedTokens) {

    public ReadoutStats {
        if (activeGeneratedTokens < 0
                || paddedGeneratedTokens < 0
                || generatedTokens != activeGeneratedTokens + paddedGeneratedTokens) {
            throw new IllegalArgumentException("readout stats must be >= 0 with generated = active + padded, got "
                    + generatedTokens + ", " + activeGeneratedTokens + ", " + paddedGeneratedTokens);
        }
    }

    /**
     * The counts of frame {@code t} (relative to the result's first frame) over every row; all zero for a frame the result
     * lacks.
     */
    public static ReadoutStats of(GazeResult result, int t) {
        if (t < 0) {
            throw new IllegalArgumentException("frame index must be >= 0, got " + t);
        }
        if (t >= result.frames()) {
            return new ReadoutStats(0, 0, 0);
        }
        int start = result.frameStart(t);
        int end = start + result.numGazingEachFrame()[t];
        int active = 0;
        int padded = 0;
        for (boolean[] row : result.padded()) {
            for (int j = start; j < Math.min(end, row.length); j++) {
                if (row[j]) {
                    padded++;
                } else {
                    active++;
                }
            }
        }
        return new ReadoutStats(active + padded, active, padded);
    }

    /**
     * The counts of the {@code t}-th frame of some traces (tiled runs, where slots are per tile): every fixation with a
     * confidence above 0 (or none) is active, none is padded; traces without that frame add nothing.
     */
    public static ReadoutStats of(List<GazeTrace> traces, int t) {
        int active = 0;
        for (GazeTrace trace : traces) {
            if (t >= 0 && t < trace.frameCount()) {
                for (Fixation f : trace.frame(t).fixations()) {
                    active += f.hasConfidence() && !(f.confidence() > 0) ? 0 : 1;
                }
            }
        }
        return new ReadoutStats(active, active, 0);
    }
}
