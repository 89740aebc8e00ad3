package io.autogaze4j.pipeline;

import io.autogaze4j.model.GazeResult;
import io.autogaze4j.video.FrameSource;
import io.autogaze4j.video.VideoReadOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One run of a {@link VideoPipeline}: its threads and queues.
 *
 * <pre>
 *  decode threads (decodeThreads videos)       batching thread            gazing thread        finishing thread
 *  video i: 16 frames -> preprocess ==q_i==> clips in input order  ==1==> model.gaze(batch) ==> traces, readout ==> output
 *           (frames in parallel)             rows packed and copied                             (packets in order)  queue
 *                                            into batches
 * </pre>
 *
 * Every queue is bounded ({@code queuedClips} clips per video, one batch ready, {@code queuedClips} clips finishing and
 * as many packets), so a slow stage stops the ones before it and memory stays bounded however long the video. The next
 * clips are decoded and preprocessed and the next batch is assembled while the model gazes the current one, so the
 * gazing thread only gazes.
 */
final class PipelineRun {
    /** What a decoding thread hands the gazing thread for its video: a clip, the video's end, or its failure. */
    private sealed interface VideoItem permits ClipItem, VideoEnd, VideoFailure {}

    private record ClipItem(ClipRows clip) implements VideoItem {}

    private record VideoEnd(VideoSummary summary) implements VideoItem {}

    private record VideoFailure(PipelineException failure) implements VideoItem {}

    private final MaskSource source;
    private final Preprocessor preprocessor;
    private final PipelineOptions options;
    private final int batchRows;
    private final List<VideoInput> inputs;
    private final List<BlockingQueue<VideoItem>> videoQueues = new ArrayList<>();
    /** What the batching thread hands the gazing thread: a batch, or the end of the run with the videos' summaries. */
    private sealed interface BatchItem permits Batch, Batched {}

    private record Batch(RowBatch batch) implements BatchItem {}

    private record Batched(List<VideoSummary> videos) implements BatchItem {}

    /** What the gazing thread hands the finishing thread: a gazed clip, or the end of the run. */
    private sealed interface FinishItem permits Gazed, Finished {}

    private record Gazed(ClipAssembler.Done done) implements FinishItem {}

    private record Finished(PipelineSummary summary) implements FinishItem {}

    private final BlockingQueue<BatchItem> batched;
    private final BlockingQueue<FinishItem> finishing;
    private final BlockingQueue<PacketStream.Item> output;
    private final ExecutorService decoders;
    private final Thread gazer;
    private final Thread finisher;
    private final long start = System.nanoTime();
    private final Thread batcher;
    private volatile boolean stopped;

    PipelineRun(
            MaskSource source,
            Preprocessor preprocessor,
            PipelineOptions options,
            int batchRows,
            List<VideoInput> inputs) {
        this.source = source;
        this.preprocessor = preprocessor;
        this.options = options;
        this.batchRows = batchRows;
        this.inputs = List.copyOf(inputs);
        for (int i = 0; i < this.inputs.size(); i++) {
            videoQueues.add(new ArrayBlockingQueue<>(options.queuedClips()));
        }
        batched = new ArrayBlockingQueue<>(1); // one batch ready while the model gazes the one before
        finishing = new ArrayBlockingQueue<>(options.queuedClips());
        output = new ArrayBlockingQueue<>(options.queuedClips() + 1);
        decoders = Executors.newFixedThreadPool(options.decodeThreads(), named("autogaze-decode"));
        batcher = named("autogaze-batch").newThread(stage(this::batchAll));
        gazer = named("autogaze-gaze").newThread(stage(this::gazeAll));
        finisher = named("autogaze-finish").newThread(stage(this::finishAll));
    }

    /** Starts the threads; the stream's {@code close()} stops them. */
    PacketStream start() {
        for (int i = 0; i < inputs.size(); i++) {
            int video = i;
            decoders.execute(() -> decode(video));
        }
        decoders.shutdown();
        batcher.start();
        gazer.start();
        finisher.start();
        return new PacketStream(output, this::stop);
    }

    private void decode(int video) {
        VideoInput input = inputs.get(video);
        // several videos at once: one FFmpeg thread each (a corpus), unless the options say otherwise
        VideoReadOptions read = options.decodeThreads() > 1 && options.read().decoderThreads() == 0
                ? options.read().withDecoderThreads(1)
                : options.read();
        BlockingQueue<VideoItem> queue = videoQueues.get(video);
        try {
            if (stopped) {
                return;
            }
            try (FrameSource frames = input.opener().open(read)) {
                VideoChunks chunks = new VideoChunks(
                        frames,
                        video,
                        input.id(),
                        preprocessor,
                        options.clipLength(),
                        options.keepsFrames() || source.needsFrames());
                for (var clip = chunks.next(); clip.isPresent(); clip = chunks.next()) {
                    queue.put(new ClipItem(clip.get()));
                }
                queue.put(new VideoEnd(new VideoSummary(
                        video, input.id(), chunks.clips(), chunks.frames(), frames.status(), Optional.empty())));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception | OutOfMemoryError e) {
            failVideo(queue, new PipelineException(input.id(), e));
        }
    }

    private void failVideo(BlockingQueue<VideoItem> queue, PipelineException failure) {
        queue.clear(); // the gazing thread stops at the failure: clips before it are dropped
        if (!queue.offer(new VideoFailure(failure))) {
            stop();
        }
    }

    /** Takes clips in input order, packs their rows into batches (copying them into one input) for the gazing thread. */
    private void batchAll() throws InterruptedException {
        RowBatcher batcher = new RowBatcher(batchRows);
        List<VideoSummary> videos = new ArrayList<>();
        for (BlockingQueue<VideoItem> queue : videoQueues) {
            VideoItem item = queue.take();
            for (; item instanceof ClipItem c; item = queue.take()) {
                checkTiles(c.clip());
                for (RowBatch batch : batcher.add(c.clip())) {
                    batched.put(new Batch(batch));
                }
            }
            if (item instanceof VideoFailure f) {
                throw f.failure();
            }
            videos.add(((VideoEnd) item).summary());
        }
        var last = batcher.flush();
        if (last.isPresent()) {
            batched.put(new Batch(last.get()));
        }
        batched.put(new Batched(videos));
    }

    private void checkTiles(ClipRows clip) {
        if (clip.rows() > 1 && !source.takesTiles()) {
            throw new PipelineException(
                    clip.videoId(), new IllegalArgumentException(source.name() + " does not take tiles"));
        }
    }

    /** Gazes the batches as they come and passes the clips they complete to the finishing thread. */
    private void gazeAll() throws InterruptedException {
        ClipAssembler assembler = new ClipAssembler();
        int batches = 0;
        long rows = 0;
        long gazeNanos = 0;
        BatchItem item = batched.take();
        for (; item instanceof Batch b; item = batched.take()) {
            long t0 = System.nanoTime();
            List<GazeResult> results;
            try {
                results = source.gaze(b.batch());
            } catch (IllegalArgumentException e) {
                throw new PipelineException(b.batch().slices().get(0).clip().videoId(), e);
            }
            long nanos = System.nanoTime() - t0;
            batches++;
            rows += b.batch().rows();
            gazeNanos += nanos;
            for (ClipAssembler.Done done : assembler.add(b.batch(), results, nanos)) {
                finishing.put(new Gazed(done));
            }
        }
        List<VideoSummary> videos = ((Batched) item).videos(); // the batching thread's last item
        finishing.put(new Finished(new PipelineSummary(videos, batchRows, batches, rows, gazeNanos, 0)));
    }

    /** The body of a stage thread: it may block on its queues, and fails the run when it fails. */
    @FunctionalInterface
    private interface Stage {
        void run() throws InterruptedException;
    }

    /** {@code body} as a thread's task: an interrupt (the run stopped) ends it quietly, any failure fails the run. */
    private Runnable stage(Stage body) {
        return () -> {
            try {
                body.run();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (PipelineException e) {
                fail(e);
            } catch (RuntimeException | OutOfMemoryError e) {
                fail(new PipelineException(null, e));
            }
        };
    }

    /** Builds the packets in order (traces, readout, metrics when asked) and hands them to the caller. */
    private void finishAll() throws InterruptedException {
        PacketBuilder builder = new PacketBuilder(options.projection(), options.keepFrames());
        Optional<VideoMetrics> metrics = options.metrics().map(VideoMetrics::new);
        try {
            for (FinishItem item = finishing.take(); ; item = finishing.take()) {
                if (item instanceof Gazed g) {
                    ClipPacket packet = builder.build(
                            g.done().clip(), g.done().result(), g.done().times());
                    if (metrics.isPresent()) {
                        packet = packet.withMetrics(metrics.get().add(g.done().clip(), packet));
                    }
                    output.put(new PacketStream.PacketItem(packet));
                } else {
                    PipelineSummary s = ((Finished) item).summary();
                    List<VideoSummary> videos = metrics.isEmpty()
                            ? s.videos()
                            : s.videos().stream()
                                    .map(v -> v.withMetrics(metrics.get().finish(v.video())))
                                    .toList();
                    output.put(new PacketStream.EndItem(new PipelineSummary(
                            videos, s.batchRows(), s.batches(), s.rows(), s.gazeNanos(), System.nanoTime() - start)));
                    return;
                }
            }
        } finally {
            metrics.ifPresent(VideoMetrics::close);
        }
    }

    /** Stops every thread and hands the caller the failure (in place of whatever it has not yet taken). */
    private void fail(PipelineException failure) {
        stop();
        PacketStream.Item item = new PacketStream.FailureItem(failure);
        while (!output.offer(item)) {
            output.poll(); // packets the caller has not taken make room for the failure
        }
    }

    /** Stops the decoders, the gazing and the finishing; idempotent. */
    void stop() {
        stopped = true;
        decoders.shutdownNow();
        if (Thread.currentThread() != batcher) {
            batcher.interrupt();
        }
        if (Thread.currentThread() != gazer) {
            gazer.interrupt();
        }
        if (Thread.currentThread() != finisher) {
            finisher.interrupt();
        }
    }

    private static ThreadFactory named(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + "-" + n.getAndIncrement());
            t.setDaemon(true);
            return t;
        };
    }
}
