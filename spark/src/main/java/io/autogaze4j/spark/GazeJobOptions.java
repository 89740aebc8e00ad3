package io.autogaze4j.spark;

import io.autogaze4j.model.GazeOptions;
import io.autogaze4j.readout.SparseReadoutGrid;
import io.autogaze4j.video.ClipBuilder;
import io.autogaze4j.video.FrameSampling;
import java.io.Serial;
import java.io.Serializable;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;

/**
 * What a Spark gaze job does with each video: the model, the gaze budget, tiles or not, which frames, the
 * readout grid, and how faults are handled. Immutable; Spark ships it to the executors (Java
 * serialisation), so absent numbers are held as primitives with a flag and handed out as {@code Optional}s.
 *
 * <pre>{@code
 * GazeJobOptions o = GazeJobOptions.builder(Path.of("/shared/nvidia-AutoGaze")).gazingRatio(0.75).tiles(true).build();
 * }</pre>
 */
public final class GazeJobOptions implements Serializable {
    @Serial
    private static final long serialVersionUID = 1L;

    private final String model;
    private final boolean ratioGiven;
    private final double gazingRatio;
    private final boolean requirementGiven;
    private final boolean requirementNone;
    private final double requirement;
    private final boolean tiles;
    private final int maxFrames;
    private final int every;
    private final double start;
    private final double end;
    private final int clipLength;
    private final int readoutRows;
    private final int readoutCols;
    private final BackendChoice backend;
    private final ErrorPolicy onError;
    private final int tasks;
    private final int batchRows;
    private final boolean failFirstAttempt;

    private GazeJobOptions(Builder b) {
        this.model = b.model;
        this.ratioGiven = b.ratioGiven;
        this.gazingRatio = b.gazingRatio;
        this.requirementGiven = b.requirementGiven;
        this.requirementNone = b.requirementNone;
        this.requirement = b.requirement;
        this.tiles = b.tiles;
        this.maxFrames = b.maxFrames;
        this.every = b.every;
        this.start = b.start;
        this.end = b.end;
        this.clipLength = b.clipLength;
        this.readoutRows = b.readoutRows;
        this.readoutCols = b.readoutCols;
        this.backend = b.backend;
        this.onError = b.onError;
        this.tasks = b.tasks;
        this.batchRows = b.batchRows;
        this.failFirstAttempt = b.failFirstAttempt;
    }

    /** A builder for a job gazing with the checkpoint in {@code modelDirectory}, which every executor must be able to read. */
    public static Builder builder(String modelDirectory) {
        return new Builder(modelDirectory);
    }

    /** The checkpoint directory (config.json, model.safetensors, preprocessor_config.json, or a hub cache folder). */
    public String model() {
        return model;
    }

    /** The gazing ratio asked for, or empty for the checkpoint's (resolution rules: {@link #taskLossRequirementGiven}). */
    public OptionalDouble gazingRatio() {
        return ratioGiven ? OptionalDouble.of(gazingRatio) : OptionalDouble.empty();
    }

    /** Whether a task-loss requirement (a value or none) was given; the CLI's {@code --task-loss-requirement}. */
    public boolean taskLossRequirementGiven() {
        return requirementGiven;
    }

    /** The requirement given; empty when none was given or "none" was. */
    public OptionalDouble taskLossRequirement() {
        return requirementGiven && !requirementNone ? OptionalDouble.of(requirement) : OptionalDouble.empty();
    }

    /** Whether frames keep their resolution, cut into 224-px AnyRes tiles. */
    public boolean tiles() {
        return tiles;
    }

    /** Which frames of each video are gazed. */
    public FrameSampling sampling() {
        FrameSampling.Builder s = FrameSampling.builder().everyNth(every).timeRange(start, end);
        if (maxFrames > 0) {
            s.firstFrames(maxFrames);
        }
        return s.build();
    }

    /** Frames per clip: the work unit spread over executors and one model call (16, the official chunking). */
    public int clipLength() {
        return clipLength;
    }

    /** The downstream image model's patch grid the fixations are read out on, when one is asked for. */
    public Optional<SparseReadoutGrid> readoutGrid() {
        return readoutRows > 0 ? Optional.of(new SparseReadoutGrid(readoutRows, readoutCols)) : Optional.empty();
    }

    /** Where the model runs on each executor. */
    public BackendChoice backend() {
        return backend;
    }

    /** What a video that cannot be read or gazed does to the job. */
    public ErrorPolicy onError() {
        return onError;
    }

    /** How many gaze tasks the clips are spread over; empty for Spark's default parallelism. */
    public OptionalInt tasks() {
        return tasks > 0 ? OptionalInt.of(tasks) : OptionalInt.empty();
    }

    /**
     * Most model rows (clips, or tiles) a task gazes in one model call; empty for the pipeline's default (large on a
     * GPU, the thread count on the CPU). Without a task-loss stop it changes no token; with one, rows of a batch
     * influence each other (the official batch rule, {@code MaskSource.model}).
     */
    public OptionalInt batchRows() {
        return batchRows > 0 ? OptionalInt.of(batchRows) : OptionalInt.empty();
    }

    /** Fault injection for tests: every task's first attempt fails after its first clip's rows were handed to Spark. */
    public boolean failFirstAttempt() {
        return failFirstAttempt;
    }

    /** A builder holding these options. */
    public Builder toBuilder() {
        Builder b = new Builder(model);
        b.ratioGiven = ratioGiven;
        b.gazingRatio = gazingRatio;
        b.requirementGiven = requirementGiven;
        b.requirementNone = requirementNone;
        b.requirement = requirement;
        b.tiles = tiles;
        b.maxFrames = maxFrames;
        b.every = every;
        b.start = start;
        b.end = end;
        b.clipLength = clipLength;
        b.readoutRows = readoutRows;
        b.readoutCols = readoutCols;
        b.backend = backend;
        b.onError = onError;
        b.tasks = tasks;
        b.batchRows = batchRows;
        b.failFirstAttempt = failFirstAttempt;
        return b;
    }

    /** Where the model runs. */
    public enum BackendChoice {
        /** {@code Backend.auto()}: the first GPU, else any OpenCL device, else the CPU. */
        AUTO,
        /** The pure-Java CPU backend. */
        CPU
    }

    /** What a failing video does. */
    public enum ErrorPolicy {
        /** Its clips become rows with the {@code error} column set; the job goes on. */
        ROW,
        /** The task fails with the error (Spark retries it, then fails the job). */
        FAIL
    }

    /** Builder of {@link GazeJobOptions}; by default the checkpoint's budget, every frame, 16-frame clips, no readout. */
    public static final class Builder {
        private String model;
        private boolean ratioGiven;
        private double gazingRatio;
        private boolean requirementGiven;
        private boolean requirementNone;
        private double requirement;
        private boolean tiles;
        private int maxFrames;
        private int every = 1;
        private double start;
        private double end = Double.POSITIVE_INFINITY;
        private int clipLength = ClipBuilder.MAX_CLIP_LENGTH;
        private int readoutRows;
        private int readoutCols;
        private BackendChoice backend = BackendChoice.AUTO;
        private ErrorPolicy onError = ErrorPolicy.ROW;
        private int tasks;
        private int batchRows;
        private boolean failFirstAttempt;

        private Builder(String model) {
            model(model);
        }

        /** The checkpoint directory. */
        public Builder model(String directory) {
            if (directory == null || directory.isBlank()) {
                throw new IllegalArgumentException("a model directory must be given");
            }
            this.model = directory;
            return this;
        }

        /** Share of a frame's cells that may be gazed, in (0, 1]. */
        public Builder gazingRatio(double ratio) {
            if (!(ratio > 0 && ratio <= 1)) {
                throw new IllegalArgumentException("gazing ratio must be in (0, 1], got " + ratio);
            }
            this.ratioGiven = true;
            this.gazingRatio = ratio;
            return this;
        }

        /** Stop gazing a frame once the predicted task loss is below {@code q}. */
        public Builder taskLossRequirement(double q) {
            GazeOptions.builder().taskLossRequirement(q).build();
            this.requirementGiven = true;
            this.requirementNone = false;
            this.requirement = q;
            return this;
        }

        /** No early stop, whatever the checkpoint's config says (the CLI's {@code --task-loss-requirement none}). */
        public Builder noTaskLossRequirement() {
            this.requirementGiven = true;
            this.requirementNone = true;
            return this;
        }

        /** Keep the source resolution: gaze 224-px AnyRes tiles. */
        public Builder tiles(boolean tiles) {
            this.tiles = tiles;
            return this;
        }

        /** Gaze at most the first {@code n} sampled frames of each video. */
        public Builder frames(int n) {
            if (n < 1) {
                throw new IllegalArgumentException("frames must be at least 1, got " + n);
            }
            this.maxFrames = n;
            return this;
        }

        /** Gaze every {@code k}-th frame. */
        public Builder every(int k) {
            if (k < 1) {
                throw new IllegalArgumentException("every must be at least 1, got " + k);
            }
            this.every = k;
            return this;
        }

        /** Gaze frames shown at {@code startSeconds <= t < endSeconds} ({@code +infinity}: to the end). */
        public Builder timeRange(double startSeconds, double endSeconds) {
            if (!(startSeconds >= 0) || Double.isInfinite(startSeconds) || !(endSeconds > startSeconds)) {
                throw new IllegalArgumentException("time range [" + startSeconds + ", " + endSeconds
                        + ") s must start at a finite" + " time >= 0 and not be empty");
            }
            this.start = startSeconds;
            this.end = endSeconds;
            return this;
        }

        /** Frames per clip, 1..16. */
        public Builder clipLength(int frames) {
            if (frames < 1 || frames > ClipBuilder.MAX_CLIP_LENGTH) {
                throw new IllegalArgumentException(
                        "clip length must be in 1.." + ClipBuilder.MAX_CLIP_LENGTH + ", got " + frames);
            }
            this.clipLength = frames;
            return this;
        }

        /** Read each frame's fixations out on a {@code rows x cols} patch grid (e.g. 14 x 14 for a 224-px ViT-B/16). */
        public Builder readoutGrid(int rows, int cols) {
            SparseReadoutGrid checked = new SparseReadoutGrid(rows, cols);
            this.readoutRows = checked.height();
            this.readoutCols = checked.width();
            return this;
        }

        /** Where the model runs (default {@link BackendChoice#AUTO}). */
        public Builder backend(BackendChoice backend) {
            this.backend = backend;
            return this;
        }

        /** What a failing video does (default {@link ErrorPolicy#ROW}). */
        public Builder onError(ErrorPolicy policy) {
            this.onError = policy;
            return this;
        }

        /** Spread the clips over {@code n} gaze tasks (default: Spark's default parallelism). */
        public Builder tasks(int n) {
            if (n < 1) {
                throw new IllegalArgumentException("tasks must be at least 1, got " + n);
            }
            this.tasks = n;
            return this;
        }

        /** Gaze at most {@code rows} model rows in one call (default: the pipeline's choice for the backend). */
        public Builder batchRows(int rows) {
            if (rows < 1) {
                throw new IllegalArgumentException("batch rows must be at least 1, got " + rows);
            }
            this.batchRows = rows;
            return this;
        }

        /** Fault injection for tests: fail each task's first attempt after its first clip (Spark then retries it). */
        public Builder failFirstAttempt(boolean fail) {
            this.failFirstAttempt = fail;
            return this;
        }

        public GazeJobOptions build() {
            if (backend == null || onError == null) {
                throw new IllegalArgumentException("backend and error policy must be given");
            }
            return new GazeJobOptions(this);
        }
    }
}
