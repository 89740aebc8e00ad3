package io.autogaze4j.cli;

import io.autogaze4j.model.GazeOptions;
import io.autogaze4j.weights.AutoGazeConfig;
import java.util.OptionalDouble;

/**
 * The gazing ratio and task-loss requirement a run uses, resolved from what the command line gave by
 * the official rules (spec section 4.1): both given, both used; only a ratio, no early stop; only a
 * requirement, ratio 1; neither, the checkpoint config's defaults. {@code --task-loss-requirement none}
 * with no ratio keeps the config's ratio and switches the stop off.
 *
 * @param gazingRatio         the ratio every frame's token budget comes from, in (0, 1]
 * @param taskLossRequirement the early-stop threshold, or empty for none
 */
record GazeBudget(double gazingRatio, OptionalDouble taskLossRequirement) {

    /**
     * @param ratio              the given ratio, or empty
     * @param requirementGiven   whether {@code --task-loss-requirement} was given at all
     * @param requirement        its value, or empty for {@code none}
     * @param config             the checkpoint config with the defaults
     */
    static GazeBudget resolve(OptionalDouble ratio, boolean requirementGiven, OptionalDouble requirement, AutoGazeConfig config) {
        if (ratio.isPresent()) {
            return new GazeBudget(ratio.getAsDouble(), requirementGiven ? requirement : OptionalDouble.empty());
        }
        if (requirementGiven) {
            return requirement.isPresent() ? new GazeBudget(1.0, requirement) : new GazeBudget(config.defaultGazingRatio(), requirement);
        }
        return new GazeBudget(config.defaultGazingRatio(), config.hasTaskLossRequirement()
                ? OptionalDouble.of(config.defaultTaskLossRequirement()) : OptionalDouble.empty());
    }

    /** Explicit model options: the model applies no defaults of its own on top. */
    GazeOptions options() {
        GazeOptions.Builder b = GazeOptions.builder().gazingRatio(gazingRatio);
        taskLossRequirement.ifPresent(b::taskLossRequirement);
        return b.build();
    }

    /** The per-frame token budget (per tile when tiled): {@code max(1, floor(float32(ratio) * cells))}. */
    int tokensPerFrame(int cellsPerFrame) {
        return Math.max(1, (int) Math.floor((float) gazingRatio * (float) cellsPerFrame));
    }
}
