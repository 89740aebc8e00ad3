package io.autogaze4j.cli;

import io.autogaze4j.model.Budget;
import io.autogaze4j.model.GazeOptions;
import io.autogaze4j.weights.AutoGazeConfig;
import java.util.OptionalDouble;

/**
 * The gazing ratio and task-loss requirement a run uses: the command line's flags turned into {@link GazeOptions}
 * and resolved by the model's one budget rule ({@link Budget#resolve}, spec section 4.1).
 * {@code --task-loss-requirement none} is {@link GazeOptions.Builder#noTaskLossStop()}: with no ratio it keeps
 * the config's ratio and switches the stop off.
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
    static GazeBudget resolve(
            OptionalDouble ratio, boolean requirementGiven, OptionalDouble requirement, AutoGazeConfig config) {
        GazeOptions.Builder given = GazeOptions.builder();
        ratio.ifPresent(given::gazingRatio);
        if (requirementGiven && requirement.isPresent()) {
            given.taskLossRequirement(requirement.getAsDouble());
        } else if (requirementGiven) {
            given.noTaskLossStop();
        }
        Budget budget = Budget.resolve(given.build(), config);
        return new GazeBudget(budget.ratios().get(0), budget.taskLossRequirement());
    }

    /** Explicit model options: the model applies no defaults of its own on top. */
    GazeOptions options() {
        GazeOptions.Builder b = GazeOptions.builder().gazingRatio(gazingRatio);
        if (taskLossRequirement.isPresent()) {
            b.taskLossRequirement(taskLossRequirement.getAsDouble());
        } else {
            b.noTaskLossStop();
        }
        return b.build();
    }

    /** The per-frame token budget (per tile when tiled), by {@link Budget#tokens(double, int)}. */
    int tokensPerFrame(int cellsPerFrame) {
        return Budget.tokens(gazingRatio, cellsPerFrame);
    }
}
