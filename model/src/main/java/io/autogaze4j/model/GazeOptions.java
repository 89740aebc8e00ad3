package io.autogaze4j.model;

import java.util.Arrays;
import java.util.OptionalDouble;

/**
 * Immutable settings of one gazing run. Build with {@link #builder()}.
 *
 * <p>Budgets follow the official rules: with a gazing ratio {@code r} a frame gets at most
 * {@code max(1, floor(float32(r) * cellsPerFrame))} tokens; with only a task-loss requirement the ratio
 * is 1; with neither, the checkpoint config's defaults apply (ratio, and its requirement when the config
 * enables one and {@code noTaskLossStop} is false). {@link Budget#resolve} applies these rules.
 *
 * @param gazingRatios        one ratio for all frames, one per frame, or empty for "not given"
 * @param taskLossRequirement the stop threshold, compared in float32 with {@code <=}; empty = not given
 * @param noTaskLossStop      no task-loss stop whatever the checkpoint's default (then {@code taskLossRequirement} is empty)
 * @param maxFrames           most frames a clip or stream may hold in its caches; 0 = the model's max_num_frames
 * @param recordTrace         keep a {@link StepTrace} per decoder call in the result
 */
public record GazeOptions(
        double[] gazingRatios,
        OptionalDouble taskLossRequirement,
        boolean noTaskLossStop,
        int maxFrames,
        boolean recordTrace) {

    public GazeOptions {
        gazingRatios = gazingRatios.clone();
        for (int i = 0; i < gazingRatios.length; i++) {
            double r = gazingRatios[i];
            if (!(r > 0 && r <= 1)) {
                throw new IllegalArgumentException(
                        "gazing ratio " + r + (gazingRatios.length > 1 ? " of frame " + i : "") + " is outside (0, 1]");
            }
        }
        if (taskLossRequirement.isPresent() && !Double.isFinite(taskLossRequirement.getAsDouble())) {
            throw new IllegalArgumentException(
                    "task-loss requirement must be finite, got " + taskLossRequirement.getAsDouble());
        }
        if (noTaskLossStop && taskLossRequirement.isPresent()) {
            throw new IllegalArgumentException("a task-loss requirement of " + taskLossRequirement.getAsDouble()
                    + " was given with noTaskLossStop: give one or the other");
        }
        if (maxFrames < 0) {
            throw new IllegalArgumentException("maxFrames must be >= 0 (0 = the model's limit), got " + maxFrames);
        }
    }

    @Override
    public double[] gazingRatios() {
        return gazingRatios.clone();
    }

    /** Options with nothing given: the checkpoint's defaults apply. */
    public static GazeOptions defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder pre-filled with these options. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.ratios = gazingRatios.clone();
        b.requirement = taskLossRequirement;
        b.noStop = noTaskLossStop;
        b.maxFrames = maxFrames;
        b.recordTrace = recordTrace;
        return b;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof GazeOptions g
                && Arrays.equals(gazingRatios, g.gazingRatios)
                && taskLossRequirement.equals(g.taskLossRequirement)
                && noTaskLossStop == g.noTaskLossStop
                && maxFrames == g.maxFrames
                && recordTrace == g.recordTrace;
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(gazingRatios) * 31 + taskLossRequirement.hashCode();
    }

    @Override
    public String toString() {
        return "GazeOptions[gazingRatios=" + Arrays.toString(gazingRatios) + ", taskLossRequirement="
                + (taskLossRequirement.isPresent()
                        ? taskLossRequirement.getAsDouble()
                        : noTaskLossStop ? "off" : "not given")
                + ", maxFrames=" + maxFrames
                + ", recordTrace=" + recordTrace + "]";
    }

    /** Builder of {@link GazeOptions}. */
    public static final class Builder {
        private double[] ratios = new double[0];
        private OptionalDouble requirement = OptionalDouble.empty();
        private boolean noStop;
        private int maxFrames;
        private boolean recordTrace;

        private Builder() {}

        /** The same gazing ratio for every frame, in (0, 1]. */
        public Builder gazingRatio(double ratio) {
            this.ratios = new double[] {ratio};
            return this;
        }

        /** One gazing ratio per frame. */
        public Builder gazingRatios(double... perFrame) {
            if (perFrame.length == 0) {
                throw new IllegalArgumentException("give at least one gazing ratio");
            }
            this.ratios = perFrame.clone();
            return this;
        }

        /** Stop gazing in a frame once the predicted task loss is at or below {@code requirement}. */
        public Builder taskLossRequirement(double requirement) {
            this.requirement = OptionalDouble.of(requirement);
            this.noStop = false;
            return this;
        }

        /** No task-loss stop at all, not even the checkpoint's default one (with no ratio, the config's ratio still applies). */
        public Builder noTaskLossStop() {
            this.requirement = OptionalDouble.empty();
            this.noStop = true;
            return this;
        }

        /** Most frames a clip or stream may hold (0 = the model's max_num_frames). */
        public Builder maxFrames(int maxFrames) {
            this.maxFrames = maxFrames;
            return this;
        }

        /** Record a {@link StepTrace} per decoder call. */
        public Builder recordTrace(boolean recordTrace) {
            this.recordTrace = recordTrace;
            return this;
        }

        public GazeOptions build() {
            return new GazeOptions(ratios, requirement, noStop, maxFrames, recordTrace);
        }
    }
}
