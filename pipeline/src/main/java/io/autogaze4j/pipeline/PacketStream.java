package io.autogaze4j.pipeline;

import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;

/**
 * The packets of a run, in input order (video by video, clip by clip), as they are ready. Iterating blocks until the
 * next packet is gazed; a failure of any stage is thrown from {@link #next()} as a {@link PipelineException}.
 * Closing stops the run (decoders, gazing) and releases its files; the caller closes it.
 *
 * <pre>{@code
 * try (PacketStream packets = pipeline.stream(List.of(VideoInput.file(path)))) {
 *     while (packets.hasNext()) { ClipPacket p = packets.next(); ... }
 *     PipelineSummary s = packets.summary().join();
 * }
 * }</pre>
 */
public final class PacketStream implements Iterator<ClipPacket>, AutoCloseable {
    /** What the run puts in its output queue: a packet, the end, or a failure. */
    sealed interface Item permits PacketItem, EndItem, FailureItem {}

    record PacketItem(ClipPacket packet) implements Item {}

    record EndItem(PipelineSummary summary) implements Item {}

    record FailureItem(PipelineException failure) implements Item {}

    private final BlockingQueue<Item> queue;
    private final Runnable stop;
    private final CompletableFuture<PipelineSummary> summary = new CompletableFuture<>();
    private Item ahead;

    PacketStream(BlockingQueue<Item> queue, Runnable stop) {
        this.queue = queue;
        this.stop = stop;
    }

    @Override
    public boolean hasNext() {
        return peek() instanceof PacketItem;
    }

    @Override
    public ClipPacket next() {
        if (peek() instanceof PacketItem p) {
            ahead = null;
            return p.packet();
        }
        throw new NoSuchElementException("the run has ended");
    }

    /** The run's summary, complete after the last packet was taken (or failed with the run's failure). */
    public CompletableFuture<PipelineSummary> summary() {
        return summary;
    }

    private Item peek() {
        if (ahead == null) {
            try {
                ahead = queue.take();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                close();
                throw new PipelineException(null, e);
            }
            switch (ahead) {
                case EndItem end -> summary.complete(end.summary());
                case FailureItem failure -> {
                    summary.completeExceptionally(failure.failure());
                    close();
                    throw failure.failure();
                }
                case PacketItem p -> {}
            }
        } else if (ahead instanceof FailureItem failure) {
            throw failure.failure();
        }
        return ahead;
    }

    /** Stops the run if it is still going; packets not yet taken are dropped. */
    @Override
    public void close() {
        stop.run();
    }
}
