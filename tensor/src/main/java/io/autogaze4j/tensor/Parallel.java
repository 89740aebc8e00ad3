package io.autogaze4j.tensor;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.IntConsumer;

/**
 * Runs numbered tasks on a fixed set of worker threads plus the calling thread. Kernels split their
 * work into tasks whose boundaries do not depend on the thread count, and every output element is
 * computed by exactly one task in a fixed order, so results are bit-for-bit identical whatever the
 * number of threads.
 *
 * <p>Generation issues thousands of short parallel regions (a decode step is well under a millisecond),
 * so idle workers spin briefly on the next job before parking: waking parked threads would cost more
 * than the work. Calls from several threads at once are served one after another.
 *
 * <p>A pool made with a {@link RegionRecorder} times every task of every region it runs and reports each region to it
 * (for profiling tools: {@code bench/RegionProfile}); a pool without one does no timing.
 */
public final class Parallel implements AutoCloseable {
    /** Runs every task on the calling thread. */
    public static final Parallel SERIAL = new Parallel(1, null);

    /** How long an idle worker spins before parking. */
    private static final long SPIN_NANOS = 200_000;

    private final int threads;
    private final RegionRecorder recorder;
    private final Thread[] workers;
    /** 1 while worker {@code w + 1} is (about to be) parked: only those need the caller's unpark. */
    private final AtomicIntegerArray parked;

    private final ReentrantLock callLock = new ReentrantLock();
    private final AtomicReference<Job> job = new AtomicReference<>();
    private volatile long generation;
    private volatile boolean closed;

    /** A task that also learns which thread runs it: 0 = the caller, 1.. = workers (for per-thread scratch). */
    @FunctionalInterface
    public interface WorkerTask {
        void run(int worker, int task);
    }

    /**
     * Sees every parallel region of a pool, on the calling thread, after the region's last task has finished (a region
     * started inside another region's task runs inline, as part of that task, and is not reported).
     */
    @FunctionalInterface
    public interface RegionRecorder {
        /**
         * @param started   {@link #now()} when the region was entered
         * @param taskNanos how long each task ran, by task index (the work, whichever thread ran it)
         */
        void region(long started, long[] taskNanos);

        /**
         * The clock of {@code started} and of the task times, in nanoseconds, read on the thread being timed: wall time
         * by default; a profiler on a shared machine may use the thread's CPU time, which other processes do not inflate.
         */
        default long now() {
            return System.nanoTime();
        }
    }

    /** One parallel region: tasks are claimed by index; {@code remaining} counts unfinished ones. */
    private static final class Job {
        final int tasks;
        final WorkerTask body;
        final AtomicInteger next = new AtomicInteger();
        final AtomicInteger remaining;
        final AtomicReference<Throwable> failure = new AtomicReference<>();

        Job(int tasks, WorkerTask body) {
            this.tasks = tasks;
            this.body = body;
            this.remaining = new AtomicInteger(tasks);
        }

        void work(int worker) {
            int i;
            while ((i = next.getAndIncrement()) < tasks) {
                try {
                    if (failure.get() == null) {
                        body.run(worker, i);
                    }
                } catch (Throwable t) {
                    failure.compareAndSet(null, t);
                } finally {
                    remaining.decrementAndGet();
                }
            }
        }
    }

    private Parallel(int threads, RegionRecorder recorder) {
        this.threads = threads;
        this.recorder = recorder;
        this.workers = new Thread[threads - 1];
        this.parked = new AtomicIntegerArray(workers.length);
        for (int w = 0; w < workers.length; w++) {
            int id = w + 1;
            workers[w] = new Thread(() -> workerLoop(id), "autogaze4j-worker-" + w);
            workers[w].setDaemon(true);
            workers[w].start();
        }
    }

    /** A pool of {@code threads} threads in all, the caller included (1 = run everything on the caller). */
    public static Parallel withThreads(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be >= 1, got " + threads);
        }
        return threads == 1 ? SERIAL : new Parallel(threads, null);
    }

    /**
     * A pool of {@code threads} threads that times every task and reports each region to {@code recorder} (a profiling
     * tool's; timing costs two clock reads per task).
     */
    public static Parallel recorded(int threads, RegionRecorder recorder) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be >= 1, got " + threads);
        }
        if (recorder == null) {
            throw new IllegalArgumentException("recorder is null (use withThreads for a pool without one)");
        }
        return new Parallel(threads, recorder);
    }

    /** One thread per available processor. */
    public static Parallel allProcessors() {
        return withThreads(Runtime.getRuntime().availableProcessors());
    }

    /** Number of threads, the caller included. */
    public int threads() {
        return threads;
    }

    /** Runs {@code body.accept(i)} for {@code i in [0, tasks)}, in parallel when it pays. */
    public void forEach(int tasks, IntConsumer body) {
        forEach(tasks, (worker, task) -> body.accept(task));
    }

    /**
     * Like {@link #forEach(int, IntConsumer)}, telling each task which thread runs it ({@code 0 <= worker <
     * threads()}), so tasks can share per-thread scratch memory. Which thread runs a task must not change
     * its result.
     */
    public void forEach(int tasks, WorkerTask body) {
        if (tasks <= 0) {
            return;
        }
        if (recorder != null && !callLock.isHeldByCurrentThread()) {
            long started = recorder.now();
            long[] taskNanos = new long[tasks];
            run(tasks, (worker, task) -> {
                long t0 = recorder.now();
                body.run(worker, task);
                taskNanos[task] = recorder.now() - t0;
            });
            recorder.region(started, taskNanos);
            return;
        }
        run(tasks, body);
    }

    private void run(int tasks, WorkerTask body) {
        if (workers.length == 0 || tasks == 1 || callLock.isHeldByCurrentThread()) {
            for (int i = 0; i < tasks; i++) {
                body.run(0, i);
            }
            return;
        }
        if (closed) {
            throw new IllegalStateException("thread pool is closed");
        }
        callLock.lock();
        try {
            Job j = new Job(tasks, body);
            job.set(j);
            generation++;
            for (int w = 0; w < workers.length; w++) { // a spinning worker sees the new generation by itself
                if (parked.get(w) != 0) {
                    LockSupport.unpark(workers[w]);
                }
            }
            j.work(0);
            while (j.remaining.get() > 0) {
                Thread.onSpinWait();
            }
            job.set(null);
            Throwable t = j.failure.get();
            if (t instanceof RuntimeException r) {
                throw r;
            } else if (t instanceof Error e) {
                throw e;
            } else if (t != null) {
                throw new IllegalStateException(t);
            }
        } finally {
            callLock.unlock();
        }
    }

    private void workerLoop(int id) {
        long seen = generation;
        while (!closed) {
            long spinStart = System.nanoTime();
            while (generation == seen && !closed) {
                if (System.nanoTime() - spinStart < SPIN_NANOS) {
                    Thread.onSpinWait();
                } else {
                    // Flag first, then check again: a caller that posts a job after the check sees the flag.
                    parked.set(id - 1, 1);
                    if (generation == seen && !closed) {
                        LockSupport.park(this);
                    }
                    parked.set(id - 1, 0);
                }
            }
            seen = generation;
            Job j = job.get();
            if (j != null) {
                j.work(id);
            }
        }
    }

    @Override
    public void close() {
        if (this == SERIAL) {
            return;
        }
        closed = true;
        for (Thread w : workers) {
            LockSupport.unpark(w);
        }
    }
}
