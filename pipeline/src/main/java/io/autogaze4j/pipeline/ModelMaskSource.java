package io.autogaze4j.pipeline;

import io.autogaze4j.model.AutoGaze;
import io.autogaze4j.model.GazeOptions;
import io.autogaze4j.model.GazeResult;
import io.autogaze4j.tensor.BackendKind;
import java.util.ArrayList;
import java.util.List;

/**
 * The AutoGaze model as a {@link MaskSource}: one {@code model.gaze} call per batch, its rows split back per slice.
 *
 * <p>Batch rule (spec section 4.8): rows of a batch are independent except that a step runs while any row is
 * unfinished. Without a task-loss stop every row reaches its budget at the same step, so each row's tokens are
 * those it gets alone, bit for bit, whatever batch it shares. With a stop, a row that stops early keeps being fed
 * pad steps; its last real step is then fed inside the frame (at the stale tail positions) instead of being
 * carried to the next frame's prefill, so later frames can differ from gazing that row alone: the tokens are those
 * of the official call on exactly that batch. The pipeline's batches are deterministic (rows in input order, cut
 * every {@code batchRows}), so a run is reproducible; a batch of one clip's tiles is what the official AnyRes
 * recipe and the CLI before the pipeline ran.
 */
final class ModelMaskSource implements MaskSource {
    /** Rows per batch on an accelerator: one 1080p clip's 45 tiles and a little more (H200: 45 rows 1.2 s, 1 row 0.15 s). */
    static final int ACCELERATOR_BATCH_ROWS = 48;

    private final AutoGaze model;
    private final GazeOptions options;

    ModelMaskSource(AutoGaze model, GazeOptions options) {
        if (model == null || options == null) {
            throw new IllegalArgumentException("a model and gazing options must be given");
        }
        this.model = model;
        this.options = options;
    }

    @Override
    public List<GazeResult> gaze(RowBatch batch) {
        GazeResult all = model.gaze(batch.input(), options);
        List<GazeResult> out = new ArrayList<>(batch.slices().size());
        int row = 0;
        for (RowSlice s : batch.slices()) {
            out.add(ResultRows.slice(all, row, row + s.rows()));
            row += s.rows();
        }
        return out;
    }

    /** The CPU backend's threads, or {@link #ACCELERATOR_BATCH_ROWS} on any other backend. */
    @Override
    public int defaultBatchRows() {
        return model.backend().kind() == BackendKind.CPU
                ? Runtime.getRuntime().availableProcessors()
                : ACCELERATOR_BATCH_ROWS;
    }

    @Override
    public String name() {
        return "model on " + model.backend().name();
    }
}
