package io.autogaze4j.readout;

import io.autogaze4j.model.AutoGaze;
import io.autogaze4j.model.GazeOptions;
import io.autogaze4j.model.GazeResult;
import io.autogaze4j.model.VideoClip;
import java.util.List;

/**
 * Gazes clips and projects the fixations onto a downstream model's tokens in one call, returning a
 * {@link GazePacket} per clip batch. With {@code readoutOnly} the packet carries just the readout: no
 * traces are built, the fixations of each frame are decoded, projected and dropped. Thread-safe when
 * the model is (the pipeline holds no mutable state).
 */
public final class GazePipeline {
    private final AutoGaze model;
    private final GazeOptions gazeOptions;
    private final SparseProjection projection;
    private final boolean readoutOnly;

    private GazePipeline(AutoGaze model, GazeOptions gazeOptions, SparseProjection projection, boolean readoutOnly) {
        this.model = model;
        this.gazeOptions = gazeOptions;
        this.projection = projection;
        this.readoutOnly = readoutOnly;
    }

    /** A builder for a pipeline around {@code model}. */
    public static Builder builder(AutoGaze model) {
        return new Builder(model);
    }

    /** Gazes a clip batch and reads it out. */
    public GazePacket process(VideoClip clip) {
        GazeResult result = model.gaze(clip, gazeOptions);
        ConfidenceSource confidences = ConfidenceSource.of(result);
        if (readoutOnly) {
            ImageReadout image = projection.imageReadout(result, confidences, List.of());
            VideoReadout video =
                    projection.videoGrid().isPresent() ? projection.videoReadout(result, confidences, List.of()) : null;
            return new GazePacket(clip, gazeOptions, projection, result, null, image, video);
        }
        List<GazeTrace> traces = GazeTraces.of(result, confidences);
        VideoReadout video = projection.videoGrid().isPresent() ? projection.videoReadout(traces) : null;
        return new GazePacket(clip, gazeOptions, projection, result, traces, projection.imageReadout(traces), video);
    }

    /** Builder of {@link GazePipeline}. */
    public static final class Builder {
        private final AutoGaze model;
        private GazeOptions gazeOptions = GazeOptions.defaults();
        private SparseProjection projection;
        private boolean readoutOnly;

        private Builder(AutoGaze model) {
            if (model == null) {
                throw new IllegalArgumentException("model must be given");
            }
            this.model = model;
        }

        /** Gazing options (default: the checkpoint's defaults). */
        public Builder gazeOptions(GazeOptions options) {
            this.gazeOptions = options;
            return this;
        }

        /** Where fixations are projected (required). */
        public Builder projection(SparseProjection projection) {
            this.projection = projection;
            return this;
        }

        /** Emit only the readout, skipping trace decoding. */
        public Builder readoutOnly(boolean readoutOnly) {
            this.readoutOnly = readoutOnly;
            return this;
        }

        public GazePipeline build() {
            if (projection == null || gazeOptions == null) {
                throw new IllegalArgumentException("a projection and gaze options must be given");
            }
            return new GazePipeline(model, gazeOptions, projection, readoutOnly);
        }
    }
}
