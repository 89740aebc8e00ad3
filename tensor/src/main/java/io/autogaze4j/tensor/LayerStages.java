package io.autogaze4j.tensor;

import java.util.concurrent.atomic.AtomicIntegerArray;

/**
 * The stages of a decoder call's layers as the numbered tasks of one parallel region, each task waiting for the earlier
 * tasks whose results it reads instead of for a barrier at the end of each stage. Per layer, in index order: the
 * attention inputs of each chunk of rows ({@code chunks} tasks), the attention tasks (grouped by batch row), and the
 * attention outputs and MLP of each chunk (left out of a layer that has none here: the last one, when it runs for each
 * row's last token only). A task waits for:
 *
 * <ul>
 *   <li>inputs of chunk {@code c}, layer {@code l > 0}: outputs of chunk {@code c}, layer {@code l - 1} (its rows of the
 *       residual stream; they are written only after every reader of the queries and attention outputs those rows held
 *       in layer {@code l - 1} has finished, since outputs wait for their rows' attention);
 *   <li>attention of batch row {@code b}: inputs of every chunk that holds one of {@code b}'s rows (queries, keys,
 *       values, and, in layer 0, the row's key bias);
 *   <li>outputs of chunk {@code c}: attention of every batch row that has a row in {@code c}.
 * </ul>
 *
 * <p>{@link Parallel} claims tasks in index order and every wait is for a lower index, so each awaited task has been
 * claimed by a running thread and the region cannot deadlock; on one thread the waits are already met. Which thread
 * runs a task, and when, does not change what it computes: results are those of one region per stage. If a task fails,
 * the tasks waiting on it return without running, and the region rethrows the failure.
 *
 * <p>At batch 8 a decode step's 80 rows make 20 chunks of four: as separate regions, the inputs and the outputs each
 * ran a second round of 4 tasks on 16 threads while 12 waited at the barrier; here those threads take the next
 * stage's tasks of rows already done.
 */
final class LayerStages {
    /** One stage's work for task {@code index} of its stage in layer {@code layer}, on thread {@code worker}. */
    @FunctionalInterface
    interface Stage {
        void run(int layer, int worker, int index);
    }

    private final int layers, rows, perRow, chunk, chunks, batch;
    private final int[] attentionPerRow;
    private final boolean lastHasOutputs;
    /** First task index of each layer, and of the region's end. */
    private final int[] layerStart;
    /**
     * Per layer, in this order: unfinished inputs tasks of each batch row, unfinished attention tasks of each batch
     * row, unfinished outputs task of each chunk.
     */
    private final AtomicIntegerArray remaining;

    private volatile boolean failed;

    /**
     * @param rows            the call's rows ({@code batch * perRow})
     * @param chunk           rows per inputs and outputs task
     * @param attentionPerRow per layer: attention tasks of each batch row
     * @param lastHasOutputs  whether the last layer's outputs are part of the region
     */
    LayerStages(int rows, int perRow, int chunk, int[] attentionPerRow, boolean lastHasOutputs) {
        this.layers = attentionPerRow.length;
        this.rows = rows;
        this.perRow = perRow;
        this.chunk = chunk;
        this.chunks = (rows + chunk - 1) / chunk;
        this.batch = rows / perRow;
        this.attentionPerRow = attentionPerRow.clone();
        this.lastHasOutputs = lastHasOutputs;
        this.layerStart = new int[layers + 1];
        int perLayer = 2 * batch + chunks;
        this.remaining = new AtomicIntegerArray(layers * perLayer);
        for (int l = 0; l < layers; l++) {
            layerStart[l + 1] = layerStart[l] + chunks + batch * attentionPerRow[l] + (hasOutputs(l) ? chunks : 0);
            for (int b = 0; b < batch; b++) {
                remaining.set(inputsOf(l, b), lastChunkOf(b) - firstChunkOf(b) + 1);
                remaining.set(attentionOf(l, b), attentionPerRow[l]);
            }
            for (int c = 0; c < chunks; c++) {
                remaining.set(outputsOf(l, c), 1);
            }
        }
    }

    /** Tasks of the region. */
    int tasks() {
        return layerStart[layers];
    }

    /**
     * Runs task {@code task} of the region on thread {@code worker} once the tasks it reads from have finished:
     * {@code inputs.run(l, worker, c)} for chunk {@code c}'s inputs of layer {@code l}, {@code attention.run(l, worker,
     * i)} for attention task {@code i} of layer {@code l}, {@code outputs.run(l, worker, c)} for chunk {@code c}'s
     * outputs.
     */
    void run(int task, int worker, Stage inputs, Stage attention, Stage outputs) {
        int l = 0;
        while (task >= layerStart[l + 1]) {
            l++;
        }
        int i = task - layerStart[l];
        try {
            if (i < chunks) {
                if (l > 0 && !await(outputsOf(l - 1, i), outputsOf(l - 1, i))) {
                    return;
                }
                inputs.run(l, worker, i);
                for (int b = batchRowOf(i * chunk); b <= batchRowOf(rowEnd(i) - 1); b++) {
                    remaining.decrementAndGet(inputsOf(l, b));
                }
                return;
            }
            i -= chunks;
            int attentionTasks = batch * attentionPerRow[l];
            if (i < attentionTasks) {
                int b = i / attentionPerRow[l];
                if (!await(inputsOf(l, b), inputsOf(l, b))) {
                    return;
                }
                attention.run(l, worker, i);
                remaining.decrementAndGet(attentionOf(l, b));
                return;
            }
            int c = i - attentionTasks;
            if (!await(attentionOf(l, batchRowOf(c * chunk)), attentionOf(l, batchRowOf(rowEnd(c) - 1)))) {
                return;
            }
            outputs.run(l, worker, c);
            remaining.decrementAndGet(outputsOf(l, c));
        } catch (RuntimeException | Error e) {
            failed = true;
            throw e;
        }
    }

    /** Spins until the counters {@code [from, to]} are 0; false when a task of the region failed meanwhile. */
    private boolean await(int from, int to) {
        for (int k = from; k <= to; k++) {
            while (remaining.get(k) != 0) {
                if (failed) {
                    return false;
                }
                Thread.onSpinWait();
            }
        }
        return true;
    }

    private boolean hasOutputs(int layer) {
        return layer < layers - 1 || lastHasOutputs;
    }

    private int rowEnd(int c) {
        return Math.min(rows, (c + 1) * chunk);
    }

    private int batchRowOf(int row) {
        return row / perRow;
    }

    private int firstChunkOf(int b) {
        return b * perRow / chunk;
    }

    private int lastChunkOf(int b) {
        return ((b + 1) * perRow - 1) / chunk;
    }

    private int inputsOf(int layer, int b) {
        return layer * (2 * batch + chunks) + b;
    }

    private int attentionOf(int layer, int b) {
        return layer * (2 * batch + chunks) + batch + b;
    }

    private int outputsOf(int layer, int c) {
        return layer * (2 * batch + chunks) + 2 * batch + c;
    }
}
