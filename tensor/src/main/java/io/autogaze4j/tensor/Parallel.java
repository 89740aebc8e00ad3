package io.autogaze4j.tensor;

import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.RecursiveAction;
import java.util.function.IntConsumer;

/**
 * Runs numbered tasks on a fork-join pool. Kernels split their work into tasks whose boundaries do not
 * depend on the thread count, and every output element is computed by exactly one task in a fixed
 * order, so results are bit-for-bit identical whatever the number of threads.
 */
public final class Parallel implements AutoCloseable {
    /** Runs every task on the calling thread. */
    public static final Parallel SERIAL = new Parallel(null, 1, false);

    private final ForkJoinPool pool;
    private final int threads;
    private final boolean ownsPool;

    private Parallel(ForkJoinPool pool, int threads, boolean ownsPool) {
        this.pool = pool;
        this.threads = threads;
        this.ownsPool = ownsPool;
    }

    /** A private pool of {@code threads} workers (1 = run everything on the calling thread). */
    public static Parallel withThreads(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be >= 1, got " + threads);
        }
        return threads == 1 ? SERIAL : new Parallel(new ForkJoinPool(threads), threads, true);
    }

    /** One worker per available processor. */
    public static Parallel allProcessors() {
        return withThreads(Runtime.getRuntime().availableProcessors());
    }

    /** Number of worker threads. */
    public int threads() {
        return threads;
    }

    /** Runs {@code body.accept(i)} for {@code i in [0, tasks)}, in parallel when it pays. */
    public void forEach(int tasks, IntConsumer body) {
        if (tasks <= 0) {
            return;
        }
        if (pool == null || tasks == 1) {
            for (int i = 0; i < tasks; i++) {
                body.accept(i);
            }
            return;
        }
        RangeTask root = new RangeTask(0, tasks, body);
        if (java.util.concurrent.ForkJoinTask.getPool() == pool) {
            root.invoke();
        } else {
            pool.invoke(root);
        }
    }

    @Override
    public void close() {
        if (ownsPool) {
            pool.shutdown();
        }
    }

    private static final class RangeTask extends RecursiveAction {
        private final int from;
        private final int to;
        private final transient IntConsumer body;

        RangeTask(int from, int to, IntConsumer body) {
            this.from = from;
            this.to = to;
            this.body = body;
        }

        @Override
        protected void compute() {
            if (to - from == 1) {
                body.accept(from);
                return;
            }
            int mid = (from + to) >>> 1;
            invokeAll(new RangeTask(from, mid, body), new RangeTask(mid, to, body));
        }
    }
}
