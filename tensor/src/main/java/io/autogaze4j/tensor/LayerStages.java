package io.autogaze4j.tensor;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;

/**
 * The stages of a decoder call's layers as the tasks of one parallel region, each task started once the earlier tasks
 * whose results it reads have finished, instead of after a barrier at the end of each stage. Per layer, in index order:
 * the attention inputs of each chunk of rows ({@code chunks} tasks), the attention tasks (grouped by batch row), and
 * the attention outputs and MLP of each chunk (of each batch row's last token instead in the last layer, when it runs
 * for those alone). A task needs:
 *
 * <ul>
 *   <li>inputs of chunk {@code c}, layer {@code l > 0}: outputs of chunk {@code c}, layer {@code l - 1} (its rows of the
 *       residual stream; they are written only after every reader of the queries and attention outputs those rows held
 *       in layer {@code l - 1} has finished, since outputs wait for their rows' attention);
 *   <li>attention of batch row {@code b}: inputs of every chunk that holds one of {@code b}'s rows (queries, keys,
 *       values, and, in layer 0, the row's key bias);
 *   <li>outputs of chunk {@code c}: attention of every batch row that has a row in {@code c};
 *   <li>last-token outputs of batch row {@code b}: its attention (its last token's residual row was read by the
 *       layer's inputs before that).
 * </ul>
 *
 * <p>The region runs as many {@link Parallel} tasks as there are stage tasks; each takes the lowest-numbered stage task
 * that is ready and not yet taken, waiting for one when none is. Taking tasks in plain index order instead made threads
 * wait on tasks they had taken too early (the next layer's, behind the last row's attention): replayed on 16 threads
 * with the task times of a batch-8 call, decode steps took 22 % above their work spread evenly that way and 5 % this
 * way. Every dependency is on a lower index, so the lowest untaken task always becomes ready: the region cannot
 * deadlock. Which thread runs a task, and when, does not change what it computes: results are those of one region per
 * stage. If a task fails, the others stop taking tasks and the region rethrows the failure.
 *
 * <p>At batch 8 a decode step's 80 rows make 20 chunks of four: as separate regions, the inputs and the outputs each
 * ran a second round of 4 tasks on 16 threads while 12 waited at the barrier; here those threads take ready tasks of
 * the next stage or layer. The last layer's 8 last tokens ran as three column-split regions after its attention; here
 * each row's runs as soon as its attention is done, beside the other rows' attention.
 */
final class LayerStages {
    /** One stage's work for task {@code index} of its stage in layer {@code layer}, on thread {@code worker}. */
    @FunctionalInterface
    interface Stage {
        void run(int layer, int worker, int index);
    }

    /** How long a thread spins for a ready task before it yields its core at each further try. */
    private static final long SPIN_NANOS = 50_000;

    private final int layers, rows, perRow, chunk, chunks, batch;
    private final int[] attentionPerRow;
    private final boolean lastTokensOnly;
    /** First task index of each layer, and of the region's end. */
    private final int[] layerStart;
    /**
     * Per layer, in this order: unfinished inputs tasks of each batch row, unfinished attention tasks of each batch
     * row, unfinished outputs task of each chunk.
     */
    private final AtomicIntegerArray remaining;
    /** 1 for each task some thread has taken. */
    private final AtomicIntegerArray taken;
    /** Every task below this index is taken. */
    private final AtomicInteger untaken = new AtomicInteger();

    private volatile boolean failed;

    /**
     * @param rows            the call's rows ({@code batch * perRow})
     * @param chunk           rows per inputs and outputs task
     * @param attentionPerRow per layer: attention tasks of each batch row
     * @param lastTokensOnly  whether the last layer's outputs are those of each batch row's last token (one task per
     *                        batch row) instead of each chunk's
     */
    LayerStages(int rows, int perRow, int chunk, int[] attentionPerRow, boolean lastTokensOnly) {
        this.layers = attentionPerRow.length;
        this.rows = rows;
        this.perRow = perRow;
        this.chunk = chunk;
        this.chunks = (rows + chunk - 1) / chunk;
        this.batch = rows / perRow;
        this.attentionPerRow = attentionPerRow.clone();
        this.lastTokensOnly = lastTokensOnly;
        this.layerStart = new int[layers + 1];
        int perLayer = 2 * batch + chunks;
        this.remaining = new AtomicIntegerArray(layers * perLayer);
        for (int l = 0; l < layers; l++) {
            layerStart[l + 1] = layerStart[l] + chunks + batch * attentionPerRow[l] + (lastTokens(l) ? batch : chunks);
            for (int b = 0; b < batch; b++) {
                remaining.set(inputsOf(l, b), lastChunkOf(b) - firstChunkOf(b) + 1);
                remaining.set(attentionOf(l, b), attentionPerRow[l]);
            }
            for (int c = 0; c < chunks; c++) {
                remaining.set(outputsOf(l, c), 1);
            }
        }
        this.taken = new AtomicIntegerArray(tasks());
    }

    /** Tasks of the region. */
    int tasks() {
        return layerStart[layers];
    }

    /**
     * Takes the lowest-numbered ready stage task (waiting for one) and runs it on thread {@code worker}: {@code
     * inputs.run(l, worker, c)} for chunk {@code c}'s inputs of layer {@code l}, {@code attention.run(l, worker, i)} for
     * attention task {@code i} of layer {@code l}, {@code outputs.run(l, worker, c)} for chunk {@code c}'s outputs,
     * {@code lastTokenOutputs.run(l, worker, b)} for those of batch row {@code b}'s last token. The region calls it
     * {@link #tasks()} times.
     */
    void runNext(int worker, Stage inputs, Stage attention, Stage outputs, Stage lastTokenOutputs) {
        int task = takeReady();
        if (task < 0) {
            return; // another task failed
        }
        int l = layerOf(task);
        int i = task - layerStart[l];
        try {
            if (i < chunks) {
                inputs.run(l, worker, i);
                for (int b = batchRowOf(i * chunk); b <= batchRowOf(rowEnd(i) - 1); b++) {
                    remaining.decrementAndGet(inputsOf(l, b));
                }
                return;
            }
            i -= chunks;
            if (i < batch * attentionPerRow[l]) {
                attention.run(l, worker, i);
                remaining.decrementAndGet(attentionOf(l, i / attentionPerRow[l]));
                return;
            }
            int c = i - batch * attentionPerRow[l];
            if (lastTokens(l)) {
                lastTokenOutputs.run(l, worker, c);
                return; // nothing waits for them
            }
            outputs.run(l, worker, c);
            remaining.decrementAndGet(outputsOf(l, c));
        } catch (RuntimeException | Error e) {
            failed = true;
            throw e;
        }
    }

    /** Marks the lowest-numbered ready untaken task as taken and returns it; -1 when a task of the region failed. */
    private int takeReady() {
        long start = System.nanoTime();
        while (!failed) {
            int from = untaken.get();
            while (from < tasks() && taken.get(from) != 0) { // every task below the mark is taken
                untaken.compareAndSet(from, from + 1);
                from = untaken.get();
            }
            for (int t = from; t < tasks(); ) {
                int next = taken.get(t) != 0 ? t + 1 : blockedUntil(t);
                if (next == t) {
                    if (taken.compareAndSet(t, 0, 1)) {
                        return t;
                    }
                    next = t + 1;
                }
                t = next;
            }
            if (System.nanoTime() - start < SPIN_NANOS) {
                Thread.onSpinWait();
            } else { // more threads than free cores: let the threads whose tasks this one waits for run
                Thread.yield();
            }
        }
        return -1;
    }

    /**
     * {@code task} when the tasks it reads from have finished; else the first later task that does not wait for the
     * same ones (an attention task's whole batch row waits with it), so that a search skips them at once.
     */
    private int blockedUntil(int task) {
        int l = layerOf(task);
        int i = task - layerStart[l];
        if (i < chunks) {
            return l == 0 || remaining.get(outputsOf(l - 1, i)) == 0 ? task : task + 1;
        }
        i -= chunks;
        int rowTasks = attentionPerRow[l];
        if (i < batch * rowTasks) {
            int b = i / rowTasks;
            return remaining.get(inputsOf(l, b)) == 0 ? task : layerStart[l] + chunks + (b + 1) * rowTasks;
        }
        int c = i - batch * rowTasks;
        if (lastTokens(l)) {
            return remaining.get(attentionOf(l, c)) == 0 ? task : task + 1;
        }
        for (int b = batchRowOf(c * chunk); b <= batchRowOf(rowEnd(c) - 1); b++) {
            if (remaining.get(attentionOf(l, b)) != 0) {
                return task + 1;
            }
        }
        return task;
    }

    private int layerOf(int task) {
        int l = 0;
        while (task >= layerStart[l + 1]) {
            l++;
        }
        return l;
    }

    /** Whether layer {@code layer}'s outputs are those of each batch row's last token. */
    private boolean lastTokens(int layer) {
        return lastTokensOnly && layer == layers - 1;
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
