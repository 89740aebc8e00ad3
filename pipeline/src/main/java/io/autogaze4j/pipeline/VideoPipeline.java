package io.autogaze4j.pipeline;

import io.autogaze4j.model.AutoGaze;
import io.autogaze4j.model.GazeOptions;
import io.autogaze4j.model.preprocess.ImageProcessor;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * Video in, sparse tokens out: decodes videos (FFmpeg by default), cuts them into 16-frame clips of model rows
 * (resized frames or AnyRes tiles), packs rows of several clips and videos into batches, gazes each batch while the
 * next is decoded and preprocessed, and hands out one {@link ClipPacket} per clip, in input order.
 *
 * <pre>{@code
 * try (Backend backend = Backend.auto(); AutoGaze model = AutoGaze.load(dir, backend);
 *      VideoPipeline pipeline = VideoPipeline.of(model, GazeOptions.defaults(), PipelineOptions.builder().tiles(true).build());
 *      PacketStream packets = pipeline.stream(List.of(VideoInput.file(Path.of("talk.mp4"))))) {
 *     packets.forEachRemaining(p -> System.out.println(p.videoId() + " clip " + p.clip() + ": " + p.trace().fixations().size()));
 * }
 * }</pre>
 *
 * <p>Results: each clip's tokens are those of {@code model.gaze} on the batches the pipeline forms; without a task-loss
 * stop they equal gazing every clip alone, bit for bit (see {@link MaskSource#model} for the rule with a stop).
 * A pipeline holds a preprocessing pool and may run several streams one after another or at once (each has its own
 * threads; they share the model, whose calls the backend serialises). Close it to stop the pool; the caller keeps
 * and closes the model.
 */
public final class VideoPipeline implements AutoCloseable {
    private final MaskSource source;
    private final PipelineOptions options;
    private final ExecutorService preprocessPool;
    private final Preprocessor preprocessor;

    private VideoPipeline(MaskSource source, ImageProcessor processor, PipelineOptions options) {
        if (options.tiles() && !source.takesTiles()) {
            throw new IllegalArgumentException(source.name() + " gazes whole frames: it does not take tiles");
        }
        this.source = source;
        this.options = options;
        AtomicInteger n = new AtomicInteger();
        this.preprocessPool = Executors.newFixedThreadPool(options.preprocessThreads(), r -> {
            Thread t = new Thread(r, "autogaze-preprocess-" + n.getAndIncrement());
            t.setDaemon(true);
            return t;
        });
        this.preprocessor = new Preprocessor(processor, options.tiles(), preprocessPool);
    }

    /** A pipeline gazing with {@code source}, frames preprocessed by {@code processor}. */
    public static VideoPipeline create(MaskSource source, ImageProcessor processor, PipelineOptions options) {
        return new VideoPipeline(source, processor, options);
    }

    /** A pipeline gazing with {@code model} (its own preprocessor) and {@code gaze} options. */
    public static VideoPipeline of(AutoGaze model, GazeOptions gaze, PipelineOptions options) {
        return create(MaskSource.model(model, gaze), ImageProcessor.of(model.preprocessor()), options);
    }

    /** The options. */
    public PipelineOptions options() {
        return options;
    }

    /** The mask source. */
    public MaskSource source() {
        return source;
    }

    /** Rows per batch: the options' {@code batchRows}, or the source's default. */
    public int batchRows() {
        return options.batchRows() > 0 ? options.batchRows() : source.defaultBatchRows();
    }

    /** The preprocessing (for callers that build {@link ClipRows} themselves, e.g. with {@link VideoChunks}). */
    public Preprocessor preprocessor() {
        return preprocessor;
    }

    /** Starts a run over {@code inputs}; its packets come in input order. The caller closes the stream. */
    public PacketStream stream(List<VideoInput> inputs) {
        if (inputs.isEmpty()) {
            throw new IllegalArgumentException("no videos to gaze");
        }
        return new PipelineRun(source, preprocessor, options, batchRows(), inputs).start();
    }

    /** Runs over {@code inputs}, handing each packet to {@code sink} in order on the calling thread. */
    public PipelineSummary run(List<VideoInput> inputs, Consumer<ClipPacket> sink) {
        try (PacketStream packets = stream(inputs)) {
            packets.forEachRemaining(sink);
            return packets.summary().join();
        }
    }

    /** {@link #run} on a thread of its own; the future fails with the run's {@link PipelineException}. */
    public CompletableFuture<PipelineSummary> runAsync(List<VideoInput> inputs, Consumer<ClipPacket> sink) {
        return CompletableFuture.supplyAsync(() -> run(inputs, sink), command -> {
            Thread t = new Thread(command, "autogaze-run");
            t.setDaemon(true);
            t.start();
        });
    }

    /** All packets of one video, for services; holds them all in memory, so for short videos. */
    public CompletableFuture<List<ClipPacket>> gazeAsync(VideoInput input) {
        List<ClipPacket> packets = new ArrayList<>();
        return runAsync(List.of(input), packets::add).thenApply(s -> List.copyOf(packets));
    }

    /**
     * Gazes clips the caller has already cut (e.g. with {@link VideoChunks} on frames it decoded), batched like a run;
     * returns their packets in order (without metrics, which need a run's per-video state). Runs on the calling thread.
     */
    public List<ClipPacket> gaze(List<ClipRows> clips) {
        RowBatcher batcher = new RowBatcher(batchRows());
        ClipAssembler assembler = new ClipAssembler();
        PacketBuilder builder = new PacketBuilder(options.projection(), options.keepFrames());
        List<ClipPacket> out = new ArrayList<>();
        Consumer<RowBatch> gaze = batch -> {
            long t0 = System.nanoTime();
            var results = source.gaze(batch);
            for (ClipAssembler.Done d : assembler.add(batch, results, System.nanoTime() - t0)) {
                out.add(builder.build(d.clip(), d.result(), d.times()));
            }
        };
        for (ClipRows clip : clips) {
            batcher.add(clip).forEach(gaze);
        }
        batcher.flush().ifPresent(gaze);
        return out;
    }

    /** Stops the preprocessing pool (runs still going fail). */
    @Override
    public void close() {
        preprocessPool.shutdownNow();
    }
}
