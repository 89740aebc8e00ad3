package io.autogaze4j.pipeline;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Packs the rows of clips, taken in order, into batches of at most {@code maxRows} rows: a batch fills with the rows
 * of as many clips (and videos) as fit, a clip's rows may be split over two batches, and a clip whose rows cannot
 * share a batch with the ones before (another frame count, e.g. a video's last, shorter clip, or another row size)
 * starts a new batch. Deterministic: the same clips give the same batches. Not thread-safe.
 *
 * <pre>{@code
 * RowBatcher batcher = new RowBatcher(48);
 * for (ClipRows clip : clips) {
 *     for (RowBatch batch : batcher.add(clip)) { gaze(batch); }
 * }
 * batcher.flush().ifPresent(this::gaze);
 * }</pre>
 */
public final class RowBatcher {
    private final int maxRows;
    private final List<RowSlice> pending = new ArrayList<>();
    private int pendingRows;

    /** A batcher of at most {@code maxRows} rows per batch. */
    public RowBatcher(int maxRows) {
        if (maxRows < 1) {
            throw new IllegalArgumentException("a batch must hold at least one row, got " + maxRows);
        }
        this.maxRows = maxRows;
    }

    /** Most rows per batch. */
    public int maxRows() {
        return maxRows;
    }

    /** Takes the next clip; returns the batches it completed (none, one or several), in order. */
    public List<RowBatch> add(ClipRows clip) {
        List<RowBatch> full = new ArrayList<>();
        if (!pending.isEmpty() && !pending.get(0).clip().batchesWith(clip)) {
            flush().ifPresent(full::add);
        }
        int row = 0;
        while (row < clip.rows()) {
            int take = Math.min(clip.rows() - row, maxRows - pendingRows);
            pending.add(new RowSlice(clip, row, row + take));
            pendingRows += take;
            row += take;
            if (pendingRows == maxRows) {
                flush().ifPresent(full::add);
            }
        }
        return full;
    }

    /** The rows taken but not yet batched, as one last batch; empty when there are none. */
    public Optional<RowBatch> flush() {
        if (pending.isEmpty()) {
            return Optional.empty();
        }
        RowBatch batch = RowBatch.of(pending);
        pending.clear();
        pendingRows = 0;
        return Optional.of(batch);
    }

    /** Whether rows are waiting for a batch. */
    public boolean hasPending() {
        return !pending.isEmpty();
    }
}
