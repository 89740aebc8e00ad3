package io.autogaze4j.kernels;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.jocl.Sizeof;
import org.jocl.cl_event;
import org.jocl.cl_kernel;
import org.jocl.cl_mem;
import org.jocl.cl_program;

/**
 * A decoder step of few rows as one launch: decoder.cl's {@code persistent_step}, one work-group per compute unit
 * (all resident), runs the step's kernels (feed_step, split_input, per layer split_qkv, attention, split_o,
 * split_gate_up, split_down, then heads_logits and heads_choose) as phases separated by grid barriers (grid_barrier.cl),
 * each phase giving the launch's work-groups the separate kernel's work-groups in turn through the same body functions,
 * so the results are the separate kernels' bits. Where a step of ~20 launches paid ~4.4 us of launch each on the H200,
 * it pays one launch and ~1.1 us per barrier (LaunchProbe).
 *
 * <p>{@code persistent_frame} runs several consecutive steps of a frame so, in one launch (a grid barrier between
 * steps, each decode step fed on the device from the one before; {@link PersistentSteps#frames}).
 *
 * <p>The session binds the arguments that stay ({@link #bindSession}) and launches a step with the ones that change
 * ({@link #enqueue}, {@link #enqueueFrame}); a barrier wait that timed out (work-groups not all resident: the results
 * are wrong) is counted on the device and reported by {@link Check#verify}.
 */
final class ClPersistentStep implements AutoCloseable {
    /**
     * Polls of a grid-barrier wait before it counts a timeout: a few hundred milliseconds on a GPU, far beyond any
     * phase (LaunchProbe's PATIENCE).
     */
    static final int PATIENCE = LaunchProbe.PATIENCE;
    /** Kernel arguments {@link #enqueue} sets; {@link #bindSession} sets the ones from here. */
    private static final int STEP_ARGS = 10;
    /** Kernel arguments {@link #enqueueFrame} sets; {@link #bindSession} sets the ones from here. */
    private static final int FRAME_ARGS = 8;

    private final ClContext ctx;
    private final cl_kernel kernel;
    /** {@code persistent_frame}: several steps per launch. */
    private final cl_kernel frameKernel;

    private final int groups;
    private final int groupSize;
    /** {arrived, generation, timeouts} of the grid barrier. */
    private final cl_mem barrierState;
    /**
     * With a phase clock ({@link PersistentSteps#phaseClock}): the phases' names, in decoder.cl's order, else empty.
     */
    private final List<String> phases;
    /**
     * The phase clock: nanoseconds per phase summed over the steps run, then the count of steps (ulongs; decoder.cl
     * persistent_step's phaseClock; one word when not clocked).
     */
    private final cl_mem phaseClock;
    /** The phase clock's words at the last {@link Check#verify}: what the profile got so far. */
    private long[] reported;
    /**
     * A barrier wait timed out ({@link Check#verify}): the barrier's arrival count may be off for good, so that later
     * launches could pass barriers early without a timeout; none is enqueued after.
     */
    private boolean broken;

    /**
     * @param program   decoder.cl's PERSISTENT_KERNELS build
     * @param steps     its work-groups per launch and whether it has a phase clock
     * @param groupSize work-items per work-group (decoder.cl PWG)
     * @param layers    decoder layers (decoder.cl LAYERS)
     */
    ClPersistentStep(ClContext ctx, cl_program program, PersistentSteps steps, int groupSize, int layers) {
        this.ctx = ctx;
        this.kernel = ClContext.ownedKernel(program, "persistent_step");
        this.frameKernel = ClContext.ownedKernel(program, "persistent_frame");
        this.groups = steps.groups();
        this.groupSize = groupSize;
        this.barrierState = ctx.alloc(4 * Sizeof.cl_int);
        ctx.write(barrierState, 0, new float[4], 4);
        this.phases = steps.phaseClock() ? phaseNames(layers) : List.of();
        int words = phases.size() + 1;
        this.phaseClock = ctx.alloc((long) words * Sizeof.cl_long);
        ctx.write(phaseClock, 0, new float[2 * words], 2 * words);
        this.reported = new long[words];
    }

    /**
     * The phases of persistent_step in order, as its phase clock counts them: feed, input, per layer q/k/v, attention,
     * output projection, gate/up and down, then logits and choice.
     */
    static List<String> phaseNames(int layers) {
        List<String> names = new ArrayList<>(List.of("feed_step", "split_input"));
        for (int l = 0; l < layers; l++) {
            for (String phase : List.of("split_qkv", "attention", "split_o", "split_gate_up", "split_down")) {
                names.add("L" + l + " " + phase);
            }
        }
        names.add("heads_logits");
        names.add("heads_choose");
        List<String> labels = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            labels.add(String.format(Locale.ROOT, "phase %02d %s", i, names.get(i)));
        }
        return List.copyOf(labels);
    }

    /**
     * The buffers and values a session's steps share, in persistent_step's order after its step arguments.
     *
     * @param perLayerCache floats from one layer's cache to the next in {@code keys} and {@code values}
     */
    record SessionArgs(
            cl_mem mask,
            cl_mem forbidden,
            cl_mem x,
            cl_mem q,
            cl_mem partOut,
            cl_mem partStats,
            cl_mem gated,
            cl_mem logits,
            cl_mem layerStack,
            cl_mem ropeCos,
            cl_mem ropeSin,
            cl_mem keys,
            cl_mem values,
            long perLayerCache,
            int cap,
            float scale,
            cl_mem finalNorm,
            cl_mem lmHead,
            cl_mem taskLossHead) {}

    /** Binds the arguments that stay from one step to the next (again whenever a buffer is replaced). */
    void bindSession(SessionArgs a) {
        Object[] values = {
            a.mask(),
            a.forbidden(),
            a.x(),
            a.q(),
            a.partOut(),
            a.partStats(),
            a.gated(),
            a.logits(),
            a.layerStack(),
            a.ropeCos(),
            a.ropeSin(),
            a.keys(),
            a.values(),
            Math.toIntExact(a.perLayerCache()),
            a.cap(),
            a.scale(),
            a.finalNorm(),
            a.lmHead(),
            a.taskLossHead(),
            barrierState,
            PATIENCE,
            phaseClock
        };
        ClContext.argsFrom(kernel, STEP_ARGS, values);
        ClContext.argsFrom(frameKernel, FRAME_ARGS, values);
    }

    /**
     * Where a step reads its parameters and writes its results, and what it feeds.
     *
     * @param params     the step's parameters (StepLayout; a frame's step region)
     * @param header     the step's header (its shape, also passed as arguments: see decoder.cl persistent_step)
     * @param results    the buffer the step's results go to, from step {@link StepLayout#P_STEP}'s words on (as the
     *                   heads kernels write them)
     * @param feedStep   -1, or the step whose results in {@code results} give this step's fed ids and embeddings
     *                   (feed_step)
     * @param embeddings the embedding table feed_step reads (any buffer when {@code feedStep} is -1)
     * @param stop       1 with a task-loss stop, else 0
     * @param threshold  the stop's threshold
     */
    record Step(
            cl_mem params,
            StepLayout.Header header,
            cl_mem results,
            int feedStep,
            cl_mem embeddings,
            int stop,
            float threshold) {}

    /**
     * Enqueues one step as one launch.
     *
     * @throws IllegalStateException after a {@link Check#verify} found a timed-out barrier wait
     */
    void enqueue(Step s, String label) {
        checkNotBroken();
        StepLayout.Header h = s.header();
        ClContext.args(
                kernel,
                s.params(),
                h.rows(),
                h.batch(),
                h.perRow(),
                h.splits(),
                s.results(),
                s.feedStep(),
                s.stop(),
                s.threshold(),
                s.embeddings());
        ctx.launch(kernel, label, new long[] {(long) groups * groupSize}, new long[] {groupSize});
    }

    /**
     * Steps {@code [from, to)} of a frame, each as persistent_step runs it, in one launch.
     *
     * @param params     the frame's parameters: every step's region and, from int {@code stepsAt}, a table of each step's
     *                   int index in it (ClFrameLoop)
     * @param results    the frame's results, every step's at {@link StepLayout#P_STEP}; each decode step is fed from the
     *                   one before there
     * @param embeddings the embedding table the decode steps' feeding reads
     * @param stop       1 with a task-loss stop, else 0
     * @param threshold  the stop's threshold
     */
    record FrameRun(
            cl_mem params,
            int stepsAt,
            int from,
            int to,
            cl_mem results,
            cl_mem embeddings,
            int stop,
            float threshold) {}

    /**
     * Enqueues a frame's steps {@code [from, to)} as one launch.
     *
     * @throws IllegalStateException after a {@link Check#verify} found a timed-out barrier wait
     */
    void enqueueFrame(FrameRun f, String label) {
        checkNotBroken();
        ClContext.args(
                frameKernel,
                f.params(),
                f.stepsAt(),
                f.from(),
                f.to(),
                f.results(),
                f.stop(),
                f.threshold(),
                f.embeddings());
        ctx.launch(frameKernel, label, new long[] {(long) groups * groupSize}, new long[] {groupSize});
    }

    private void checkNotBroken() {
        if (broken) {
            throw new IllegalStateException("persistent decoder step: an earlier launch's grid barrier timed out; run"
                    + " without -D" + OpenClBackend.PERSISTENT_PROPERTY + "=on");
        }
    }

    /** A pending read of the timeout count, enqueued behind the steps it covers. */
    final class Check {
        private final ByteBuffer count = ClContext.direct(Sizeof.cl_int * 4L);
        private final cl_event read = ctx.readLater(barrierState, count, Sizeof.cl_int * 4L);
        private final ByteBuffer clock = ClContext.direct((long) reported.length * Sizeof.cl_long);
        private final cl_event clockRead =
                phases.isEmpty() ? null : ctx.readLater(phaseClock, clock, (long) reported.length * Sizeof.cl_long);

        /**
         * Waits for the read.
         *
         * @throws IllegalStateException when a grid-barrier wait timed out: the launch's work-groups were not all
         *                               resident, and the steps' results are wrong
         */
        void verify() {
            ctx.await(read);
            if (clockRead != null) {
                ctx.await(clockRead);
                reportPhases(clock);
            }
            int timeouts = count.getInt(2 * Sizeof.cl_int);
            if (timeouts > 0) {
                broken = true;
                throw new IllegalStateException("persistent decoder step: " + timeouts + " grid-barrier waits timed out"
                        + " (its " + groups + " work-groups were not all resident at once); run without -D"
                        + OpenClBackend.PERSISTENT_PROPERTY + "=on");
            }
        }
    }

    /**
     * Adds each phase's time since the last report to the context's profile ({@link ClContext#deviceTime}: label
     * {@code phase NN name}, one call per step), so that the benchmark's --profile shows microseconds per step.
     */
    private void reportPhases(ByteBuffer clock) {
        long[] now = new long[reported.length];
        for (int i = 0; i < now.length; i++) {
            now[i] = clock.getLong(i * Sizeof.cl_long);
        }
        int steps = Math.toIntExact(now[phases.size()] - reported[phases.size()]);
        for (int i = 0; i < phases.size(); i++) {
            ctx.deviceTime(phases.get(i), now[i] - reported[i], steps);
        }
        reported = now;
    }

    /** Enqueues a read of the timeout count (and the phase clock) behind everything enqueued so far. */
    Check check() {
        return new Check();
    }

    @Override
    public void close() {
        ClContext.release(kernel);
        ClContext.release(frameKernel);
        ClContext.release(barrierState, phaseClock);
    }
}
