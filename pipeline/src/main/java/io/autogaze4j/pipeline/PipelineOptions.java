package io.autogaze4j.pipeline;

import io.autogaze4j.readout.SparseProjection;
import io.autogaze4j.video.ClipBuilder;
import io.autogaze4j.video.VideoReadOptions;
import java.util.Optional;

/**
 * How a {@link VideoPipeline} cuts, batches and overlaps the work. Build with {@link #builder()}.
 *
 * @param clipLength         frames per clip, 1..16 (the model sees each clip on its own)
 * @param tiles              cut frames at source resolution into 224-px AnyRes tiles, one model row each, instead of
 *                           resizing them to the model's input
 * @param batchRows          most model rows per batch; 0 = the mask source's default (large on a GPU, the thread count
 *                           on the CPU)
 * @param decodeThreads      videos decoded at once, one thread each (a corpus; FFmpeg then decodes each on one thread
 *                           unless {@code read} sets a thread count); 1 for one long video
 * @param preprocessThreads  threads that resize, normalise and tile the frames of a clip in parallel
 * @param queuedClips        preprocessed clips each decoding thread may hold ready (back-pressure: it waits beyond)
 * @param keepFrames         packets carry the decoded frames (for overlays); costs their memory while queued
 * @param projection         project fixations onto a downstream model's tokens (the packet's readout)
 * @param metrics            compute each frame's interframe metrics (the packet's metrics, the video summary's)
 * @param read               how video files are decoded
 */
public record PipelineOptions(
        int clipLength,
        boolean tiles,
        int batchRows,
        int decodeThreads,
        int preprocessThreads,
        int queuedClips,
        boolean keepFrames,
        Optional<SparseProjection> projection,
        Optional<MetricsOptions> metrics,
        VideoReadOptions read) {

    public PipelineOptions {
        if (clipLength < 1 || clipLength > ClipBuilder.MAX_CLIP_LENGTH) {
            throw new IllegalArgumentException(
                    "clip length must be in 1.." + ClipBuilder.MAX_CLIP_LENGTH + ", got " + clipLength);
        }
        if (batchRows < 0) {
            throw new IllegalArgumentException("batch rows must be >= 1, or 0 for the default; got " + batchRows);
        }
        if (decodeThreads < 1 || preprocessThreads < 1 || queuedClips < 1) {
            throw new IllegalArgumentException("decode threads (" + decodeThreads + "), preprocess threads ("
                    + preprocessThreads + ") and queued clips (" + queuedClips + ") must be at least 1");
        }
        if (projection == null || metrics == null || read == null) {
            throw new IllegalArgumentException("projection and metrics (maybe empty) and read options must be given");
        }
    }

    /** Whether clips must keep their decoded frames until finished (for the packets, or for the metrics). */
    public boolean keepsFrames() {
        return keepFrames || metrics.isPresent();
    }

    /** 16-frame clips, resized, default batches, one decoding thread, all processors preprocessing. */
    public static PipelineOptions defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding these options. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.clipLength = clipLength;
        b.tiles = tiles;
        b.batchRows = batchRows;
        b.decodeThreads = decodeThreads;
        b.preprocessThreads = preprocessThreads;
        b.queuedClips = queuedClips;
        b.keepFrames = keepFrames;
        b.projection = projection.orElse(null);
        b.metrics = metrics.orElse(null);
        b.read = read;
        return b;
    }

    /** Builder of {@link PipelineOptions}. */
    public static final class Builder {
        private int clipLength = ClipBuilder.MAX_CLIP_LENGTH;
        private boolean tiles;
        private int batchRows;
        private int decodeThreads = 1;
        private int preprocessThreads = Runtime.getRuntime().availableProcessors();
        private int queuedClips = 2;
        private boolean keepFrames;
        private SparseProjection projection;
        private MetricsOptions metrics;
        private VideoReadOptions read = VideoReadOptions.defaults();

        private Builder() {}

        /** Frames per clip, 1..16. */
        public Builder clipLength(int frames) {
            this.clipLength = frames;
            return this;
        }

        /** AnyRes tiles at source resolution instead of resizing. */
        public Builder tiles(boolean cut) {
            this.tiles = cut;
            return this;
        }

        /** Most rows per batch (0 = the mask source's default). */
        public Builder batchRows(int rows) {
            this.batchRows = rows;
            return this;
        }

        /** Videos decoded at once. */
        public Builder decodeThreads(int threads) {
            this.decodeThreads = threads;
            return this;
        }

        /** Threads preprocessing frames. */
        public Builder preprocessThreads(int threads) {
            this.preprocessThreads = threads;
            return this;
        }

        /** Preprocessed clips each decoding thread may hold ready. */
        public Builder queuedClips(int clips) {
            this.queuedClips = clips;
            return this;
        }

        /** Packets carry the decoded frames. */
        public Builder keepFrames(boolean keep) {
            this.keepFrames = keep;
            return this;
        }

        /** Project fixations onto a downstream model's tokens. */
        public Builder projection(SparseProjection onto) {
            this.projection = onto;
            return this;
        }

        /** Compute interframe metrics per frame (null: none). */
        public Builder metrics(MetricsOptions options) {
            this.metrics = options;
            return this;
        }

        /** How video files are decoded. */
        public Builder read(VideoReadOptions options) {
            this.read = options;
            return this;
        }

        public PipelineOptions build() {
            return new PipelineOptions(
                    clipLength,
                    tiles,
                    batchRows,
                    decodeThreads,
                    preprocessThreads,
                    queuedClips,
                    keepFrames,
                    Optional.ofNullable(projection),
                    Optional.ofNullable(metrics),
                    read);
        }
    }
}
