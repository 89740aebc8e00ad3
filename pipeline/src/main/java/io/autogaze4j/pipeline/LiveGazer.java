package io.autogaze4j.pipeline;

import io.autogaze4j.model.GazeResult;
import io.autogaze4j.model.preprocess.FrameSize;
import io.autogaze4j.model.preprocess.RgbFrame;
import io.autogaze4j.video.VideoFrame;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Live mode: frames pushed as they arrive (a camera, a screen), gazed as fast as the model allows, the newest first.
 * Pushed frames wait in a rolling queue of {@code maxQueuedFrames}; a push to a full queue drops the oldest frame. When
 * a gazing thread is free it takes the newest {@code clipLength} frames as one clip and drops the older ones: stale
 * frames are never gazed, and every drop is counted ({@link #stats()}). At most {@code inFlight} clips are gazed at
 * once. Each clip's {@link ClipPacket} goes to the sink on its gazing thread (in order when {@code inFlight} is 1).
 *
 * <pre>{@code
 * try (LiveGazer live = LiveGazer.start(MaskSource.model(model, options), pipeline.preprocessor(), LiveOptions.latestFrame(),
 *         packet -> show(packet.trace()))) {
 *     camera.onFrame(live::push);
 *     ...
 *     System.out.println(live.stats());
 * }
 * }</pre>
 */
public final class LiveGazer implements AutoCloseable {
    /** Latencies kept for the percentiles: the most recent this many gazed frames. */
    public static final int LATENCY_WINDOW = 4096;

    private record Pushed(VideoFrame frame, long nanos) {}

    private final MaskSource source;
    private final Preprocessor preprocessor;
    private final LiveOptions options;
    private final Consumer<ClipPacket> sink;
    private final PacketBuilder packets = new PacketBuilder(Optional.empty(), true);
    private final ExecutorService workers;
    private final long start = System.nanoTime();
    private final ArrayDeque<Pushed> queue = new ArrayDeque<>();
    private final long[] latencies = new long[LATENCY_WINDOW];
    private long pushed;
    private long dropped;
    private long gazed;
    private int clips;
    private boolean closed;
    private RuntimeException failure;

    private LiveGazer(MaskSource source, Preprocessor preprocessor, LiveOptions options, Consumer<ClipPacket> sink) {
        this.source = source;
        this.preprocessor = preprocessor;
        this.options = options;
        this.sink = sink;
        this.workers = Executors.newFixedThreadPool(options.inFlight(), r -> {
            Thread t = new Thread(r, "autogaze-live");
            t.setDaemon(true);
            return t;
        });
        for (int i = 0; i < options.inFlight(); i++) {
            workers.execute(this::gazeLoop);
        }
    }

    /**
     * Starts gazing pushed frames with {@code source}, preprocessed by {@code preprocessor} (e.g. a pipeline's; its pool
     * must outlive this gazer), packets to {@code sink}. Close it to stop.
     */
    public static LiveGazer start(
            MaskSource source, Preprocessor preprocessor, LiveOptions options, Consumer<ClipPacket> sink) {
        if (options.tiles() != preprocessor.tiles()) {
            throw new IllegalArgumentException("the preprocessor " + (preprocessor.tiles() ? "cuts" : "does not cut")
                    + " tiles but the" + " live options say " + options.tiles());
        }
        return new LiveGazer(source, preprocessor, options, sink);
    }

    /** Queues a frame (all frames must have one size); drops the oldest queued frame when the queue is full. */
    public void push(RgbFrame frame) {
        long now = System.nanoTime();
        synchronized (queue) {
            if (closed) {
                throw new IllegalStateException(
                        failure != null
                                ? "the live gazer stopped: " + failure.getMessage()
                                : "the live gazer is closed",
                        failure);
            }
            if (queue.size() == options.maxQueuedFrames()) {
                queue.removeFirst();
                dropped++;
            }
            queue.addLast(new Pushed(
                    new VideoFrame((int) Math.min(Integer.MAX_VALUE, pushed), (now - start) / 1e9, frame), now));
            pushed++;
            queue.notifyAll();
        }
    }

    /** Counters and latency percentiles so far. */
    public LiveStats stats() {
        synchronized (queue) {
            int n = (int) Math.min(gazed, LATENCY_WINDOW);
            long[] sorted = Arrays.copyOf(latencies, n);
            Arrays.sort(sorted);
            return new LiveStats(
                    pushed,
                    dropped,
                    gazed,
                    percentile(sorted, 0.50),
                    percentile(sorted, 0.90),
                    percentile(sorted, 0.99));
        }
    }

    private static double percentile(long[] sorted, double p) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p * sorted.length) - 1)] / 1e6;
    }

    private void gazeLoop() {
        try {
            for (List<Pushed> clip = takeClip(); clip != null; clip = takeClip()) {
                gaze(clip);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            synchronized (queue) { // the next push says why
                failure = e;
                closed = true;
                queue.notifyAll();
            }
        }
    }

    /** The newest {@code clipLength} frames once there are that many (older ones dropped), or null once closed. */
    private List<Pushed> takeClip() throws InterruptedException {
        synchronized (queue) {
            while (!closed && queue.size() < options.clipLength()) {
                queue.wait();
            }
            if (closed) {
                return null;
            }
            while (queue.size() > options.clipLength()) {
                queue.removeFirst();
                dropped++;
            }
            List<Pushed> clip = new ArrayList<>(queue);
            queue.clear();
            return clip;
        }
    }

    private void gaze(List<Pushed> clip) throws InterruptedException {
        List<VideoFrame> frames = clip.stream().map(Pushed::frame).toList();
        RgbFrame first = frames.get(0).image();
        FramePlan plan = preprocessor.plan(new FrameSize(first.width(), first.height()));
        int number;
        synchronized (queue) {
            number = clips++;
        }
        ClipRows rows = new ClipRows(
                0,
                "live",
                number,
                frames.get(0).index(),
                frames.stream().map(f -> new FrameStamp(f.index(), f.seconds())).toList(),
                source.needsFrames() ? frames : List.of(),
                plan,
                preprocessor.rows(frames.stream().map(VideoFrame::image).toList(), plan),
                new StageTimes(0, 0, 0, 0, 0));
        long t0 = System.nanoTime();
        RowBatch batch = RowBatch.of(List.of(new RowSlice(rows, 0, rows.rows())));
        GazeResult result = source.gaze(batch).get(0);
        ClipPacket packet = packets.build(rows, result, rows.times().withGaze(System.nanoTime() - t0, rows.rows()));
        sink.accept(packet);
        long done = System.nanoTime();
        synchronized (queue) {
            for (Pushed p : clip) {
                latencies[(int) (gazed++ % LATENCY_WINDOW)] = done - p.nanos();
            }
        }
    }

    /** Stops the gazing threads; queued frames are dropped (and counted), a clip being gazed finishes first. */
    @Override
    public void close() {
        synchronized (queue) {
            closed = true;
            dropped += queue.size();
            queue.clear();
            queue.notifyAll();
        }
        workers.shutdown();
        try {
            workers.awaitTermination(1, TimeUnit.MINUTES);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
