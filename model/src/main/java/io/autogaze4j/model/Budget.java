package io.autogaze4j.model;

import io.autogaze4j.weights.AutoGazeConfig;
import java.util.List;
import java.util.OptionalDouble;

/**
 * The per-frame token budgets and task-loss stop of a run, resolved from {@link GazeOptions} and the checkpoint
 * config by the official rules (spec 4.1); the one place these rules live, used by the model and the CLI. Ratio
 * and requirement given: both used. Only a ratio: no stop. Only a requirement: ratio 1. Neither: the config's
 * ratio, with the config's requirement when it enables one, unless the options switch the stop off
 * ({@link GazeOptions.Builder#noTaskLossStop()}).
 *
 * @param ratios              the gazing ratio of each frame (one entry = all frames)
 * @param taskLossRequirement the stop threshold, or empty for no task-loss stop
 * @param cellsPerFrame       cells per frame (or per tile)
 */
public record Budget(List<Double> ratios, OptionalDouble taskLossRequirement, int cellsPerFrame) {

    /** Checks and copies the ratios. */
    public Budget {
        ratios = List.copyOf(ratios);
        if (ratios.isEmpty()) {
            throw new IllegalArgumentException("a budget needs at least one gazing ratio");
        }
        if (cellsPerFrame < 1) {
            throw new IllegalArgumentException("cells per frame must be >= 1, got " + cellsPerFrame);
        }
    }

    /** The budget {@code options} give with the defaults of {@code config}. */
    public static Budget resolve(GazeOptions options, AutoGazeConfig config) {
        double[] given = options.gazingRatios();
        OptionalDouble requirement = options.taskLossRequirement();
        List<Double> ratios;
        if (given.length > 0) {
            ratios = java.util.Arrays.stream(given).boxed().toList();
        } else if (requirement.isPresent()) {
            ratios = List.of(1.0);
        } else {
            ratios = List.of(config.defaultGazingRatio());
            if (!options.noTaskLossStop() && config.hasTaskLossRequirement()) {
                requirement = OptionalDouble.of(config.defaultTaskLossRequirement());
            }
        }
        return new Budget(ratios, requirement, config.cellsPerFrame());
    }

    /** Tokens allowed in a frame of {@code cells} cells at {@code ratio}: {@code max(1, floor(float32(ratio) * cells))}. */
    public static int tokens(double ratio, int cells) {
        return Math.max(1, (int) Math.floor((float) ratio * (float) cells));
    }

    /** Tokens allowed in frame {@code t}. */
    public int tokens(int t) {
        if (ratios.size() > 1 && t >= ratios.size()) {
            throw new IllegalArgumentException(
                    "gazing ratios were given for " + ratios.size() + " frames, but frame " + t + " was fed");
        }
        return tokens(ratios.size() == 1 ? ratios.get(0) : ratios.get(t), cellsPerFrame);
    }

    /** The largest budget of any frame. */
    public int maxTokens() {
        int m = 1;
        for (int t = 0; t < ratios.size(); t++) {
            m = Math.max(m, tokens(t));
        }
        return m;
    }

    /** Explicit options for this budget: the model then applies no defaults of its own on top. */
    public GazeOptions options() {
        GazeOptions.Builder b = GazeOptions.builder()
                .gazingRatios(ratios.stream().mapToDouble(Double::doubleValue).toArray());
        if (taskLossRequirement.isPresent()) {
            b.taskLossRequirement(taskLossRequirement.getAsDouble());
        } else {
            b.noTaskLossStop();
        }
        return b.build();
    }

    /** The stop rule the generator applies. */
    TaskLossStop stop() {
        return taskLossRequirement.isPresent()
                ? new TaskLossStop(true, (float) taskLossRequirement.getAsDouble())
                : TaskLossStop.NONE;
    }

    /**
     * A frame's task-loss stop: off, or "a head whose predicted task loss is at or below {@code threshold} (float32)
     * ends the row's frame".
     *
     * @param on        whether the stop applies
     * @param threshold the float32 requirement (unused when off)
     */
    record TaskLossStop(boolean on, float threshold) {
        static final TaskLossStop NONE = new TaskLossStop(false, 0);

        boolean meets(float taskLoss) {
            return on && taskLoss <= threshold;
        }
    }
}
