package io.autogaze4j.model;

import io.autogaze4j.weights.AutoGazeConfig;

/**
 * The resolved per-frame token budgets and task-loss threshold of a run (official rules, spec 4.1).
 *
 * @param ratios    the gazing ratio of each frame (one entry = all frames)
 * @param threshold the float32 requirement, or null for none
 * @param cells     cells per frame
 */
record Budget(double[] ratios, Float threshold, int cells) {

    static Budget resolve(GazeOptions o, AutoGazeConfig config) {
        double[] ratios = o.gazingRatios();
        boolean hasRatio = ratios.length > 0;
        boolean hasRequirement = o.taskLossRequirement().isPresent();
        Float threshold = hasRequirement ? (float) o.taskLossRequirement().getAsDouble() : null;
        if (!hasRatio && !hasRequirement) {
            ratios = new double[] {config.defaultGazingRatio()};
            threshold = config.hasTaskLossRequirement() ? (float) config.defaultTaskLossRequirement() : null;
        } else if (!hasRatio) {
            ratios = new double[] {1.0};
        }
        return new Budget(ratios, threshold, config.cellsPerFrame());
    }

    /** Tokens allowed in frame {@code t}: {@code max(1, floor(float32(r_t) * cells))}. */
    int tokens(int t) {
        if (ratios.length > 1 && t >= ratios.length) {
            throw new IllegalArgumentException("gazing ratios were given for " + ratios.length + " frames, but frame " + t + " was fed");
        }
        float r = (float) (ratios.length == 1 ? ratios[0] : ratios[t]);
        return Math.max(1, (int) Math.floor(r * (float) cells));
    }

    /** The largest budget of any frame. */
    int maxTokens() {
        int m = 1;
        for (int t = 0; t < ratios.length; t++) {
            m = Math.max(m, tokens(t));
        }
        return m;
    }
}
