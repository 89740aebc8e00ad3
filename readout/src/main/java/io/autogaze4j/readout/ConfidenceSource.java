package io.autogaze4j.readout;

import io.autogaze4j.model.GazeResult;

/**
 * Per-slot confidences of a {@link GazeResult}: the softmax probability of the token chosen for slot
 * {@code slot} of batch row {@code row}, taken over the processed scores of the head that chose it at
 * selection time (after ids already chosen in the frame, ids chosen by earlier heads of the step and the
 * pad id were set to -inf). {@code NaN} means unknown; padding slots are never asked for.
 */
@FunctionalInterface
public interface ConfidenceSource {

    /** Confidence of slot {@code slot} (index into {@code gazingPos[row]}) of batch row {@code row}, or NaN. */
    double confidence(int row, int slot);

    /** No confidences: every fixation's confidence is NaN. */
    static ConfidenceSource unknown() {
        return (row, slot) -> Double.NaN;
    }

    /** Confidences laid out like {@code gazingPos}: {@code [B][N]}, NaN where unknown. The array is copied. */
    static ConfidenceSource perSlot(float[][] probabilities) {
        float[][] p = new float[probabilities.length][];
        for (int b = 0; b < p.length; b++) {
            p[b] = probabilities[b].clone();
        }
        return (row, slot) -> {
            if (row >= p.length || slot >= p[row].length) {
                throw new IllegalArgumentException(
                        "confidences are given for " + p.length + " rows of " + (p.length == 0 ? 0 : p[0].length)
                                + " slots, but slot " + slot + " of row " + row + " was asked for");
            }
            return p[row][slot];
        };
    }

    /** The confidences the model recorded in {@code result} (NaN where unknown, e.g. rebuilt results). */
    static ConfidenceSource of(GazeResult result) {
        return perSlot(result.confidence());
    }
}
