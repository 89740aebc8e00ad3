package io.autogaze4j.kernels;

import static org.jocl.CL.CL_DEVICE_EXTENSIONS;
import static org.jocl.CL.CL_TRUE;
import static org.jocl.CL.clEnqueueNDRangeKernel;
import static org.jocl.CL.clEnqueueReadBuffer;
import static org.jocl.CL.clEnqueueWriteBuffer;
import static org.jocl.CL.clFlush;

import java.util.Arrays;
import java.util.Locale;
import org.jocl.Pointer;
import org.jocl.Sizeof;
import org.jocl.cl_kernel;
import org.jocl.cl_mem;

/**
 * What launches and device-wide synchronisation cost on a device, the facts a persistent decoder-step kernel for few
 * rows would be designed on (docs/benchmarks.md, GPU, "Batch 1"): a batch-1 clip runs ~3,800 small dependent kernels,
 * and each costs the device a few microseconds however little it does. Measures, on the preferred device:
 * <ul>
 *   <li>back-to-back launches of a kernel that does (almost) nothing, on one group and on one group per compute unit,
 *       enqueued without a flush and with a flush after each (as the decoder enqueues today): microseconds per launch,
 *       host and device together;
 *   <li>a grid barrier inside one launch (one group per compute unit, all resident; atomics on a generation counter):
 *       microseconds per barrier, with a check that each group reads its neighbour's value written before the barrier
 *       (wrong values and timed-out waits are counted, never hung on);
 *   <li>whether the driver offers recorded command buffers ({@code cl_khr_command_buffer}).
 * </ul>
 *
 * <pre>
 * java -cp 'devicerun/lib/*' io.autogaze4j.kernels.LaunchProbe [--device N] [--launches N] [--rounds R]
 * </pre>
 */
public final class LaunchProbe {
    private LaunchProbe() {}

    /** Work-items per group of the probe kernels. */
    static final int GROUP_SIZE = 128;
    /** Polls of a barrier wait before it counts a timeout (a few hundred milliseconds on a GPU). */
    static final int PATIENCE = 1 << 22;

    /**
     * Launch costs of one configuration.
     *
     * @param groups         work-groups per launch
     * @param flushEach      whether every launch was followed by a flush
     * @param launches       launches timed
     * @param usPerLaunch    wall microseconds per launch, from the first enqueue to the end of the last kernel
     * @param usEnqueue      host microseconds per launch spent enqueueing (and flushing)
     * @param counted        the launches the device counted (must equal {@code launches})
     */
    record Launches(int groups, boolean flushEach, int launches, double usPerLaunch, double usEnqueue, int counted) {}

    /**
     * Grid-barrier costs of one launch.
     *
     * @param groups       work-groups (one per compute unit)
     * @param barriers     barriers per launch
     * @param usPerBarrier wall microseconds per barrier (the difference of two launches of different lengths)
     * @param wrong        neighbour values read wrong after a barrier (memory not visible across groups)
     * @param timeouts     barrier waits given up (groups not all resident)
     */
    record Barriers(int groups, int barriers, double usPerBarrier, int wrong, int timeouts) {}

    public static void main(String[] args) {
        int device = OpenClBackend.preferredDevice();
        int launches = 20_000;
        int rounds = 2_000;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--device" -> device = Integer.parseInt(value(args, ++i, "--device"));
                case "--launches" -> launches = Integer.parseInt(value(args, ++i, "--launches"));
                case "--rounds" -> rounds = Integer.parseInt(value(args, ++i, "--rounds"));
                default -> throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        try (ClContext ctx = ClContext.open(device, ProgramCache.configured())) {
            SignalChaining.checkFor(ctx.info);
            String extensions = ClContext.deviceString(ctx.device, CL_DEVICE_EXTENSIONS);
            System.out.println("device: " + ctx.info);
            System.out.println("cl_khr_command_buffer: "
                    + (Arrays.asList(extensions.split("\\s+")).contains("cl_khr_command_buffer") ? "yes" : "no")
                    + " (extensions: " + extensions + ")");
            int units = ctx.info.computeUnits();
            for (int groups : new int[] {1, units}) {
                for (boolean flush : new boolean[] {false, true}) {
                    launches(ctx, groups, flush, launches / 10); // warm-up
                    System.out.println(format(launches(ctx, groups, flush, launches)));
                }
            }
            barriers(ctx, units, rounds / 10);
            System.out.println(format(barriers(ctx, units, rounds)));
        }
    }

    private static String value(String[] args, int i, String flag) {
        if (i >= args.length) {
            throw new IllegalArgumentException(flag + " needs a value");
        }
        return args[i];
    }

    static String format(Launches l) {
        return String.format(
                Locale.ROOT,
                "launches: %d x %d group(s), %s: %.2f us per launch (host enqueue %.2f us), device counted %d",
                l.launches(),
                l.groups(),
                l.flushEach() ? "flush after each" : "no flush",
                l.usPerLaunch(),
                l.usEnqueue(),
                l.counted());
    }

    static String format(Barriers b) {
        return String.format(
                Locale.ROOT,
                "grid barrier: %d groups, %d barriers per launch: %.2f us per barrier, %d wrong values, %d timeouts",
                b.groups(),
                b.barriers(),
                b.usPerBarrier(),
                b.wrong(),
                b.timeouts());
    }

    private static cl_kernel kernel(ClContext ctx, String name) {
        return ctx.kernel(ctx.program(new ClContext.ProgramSource("launch_probe.cl", "launch probe", "")), name);
    }

    /** {@code launches} dependent launches of {@code probe_empty} on {@code groups} groups. */
    static Launches launches(ClContext ctx, int groups, boolean flushEach, int launches) {
        cl_kernel k = kernel(ctx, "probe_empty");
        cl_mem counter = ctx.alloc(Sizeof.cl_int);
        try {
            int[] zero = {0};
            clEnqueueWriteBuffer(ctx.queue, counter, CL_TRUE, 0, Sizeof.cl_int, Pointer.to(zero), 0, null, null);
            ClContext.args(k, counter);
            long[] global = {(long) groups * GROUP_SIZE};
            long[] local = {GROUP_SIZE};
            ctx.finish();
            long start = System.nanoTime();
            for (int i = 0; i < launches; i++) {
                clEnqueueNDRangeKernel(ctx.queue, k, 1, null, global, local, 0, null, null);
                if (flushEach) {
                    clFlush(ctx.queue);
                }
            }
            long enqueued = System.nanoTime();
            ctx.finish();
            long end = System.nanoTime();
            int[] counted = new int[1];
            clEnqueueReadBuffer(ctx.queue, counter, CL_TRUE, 0, Sizeof.cl_int, Pointer.to(counted), 0, null, null);
            return new Launches(
                    groups,
                    flushEach,
                    launches,
                    (end - start) / 1e3 / launches,
                    (enqueued - start) / 1e3 / launches,
                    counted[0]);
        } finally {
            ClContext.release(counter);
        }
    }

    /** Grid barriers on {@code groups} groups: a launch of {@code rounds} rounds against one of a tenth as many. */
    static Barriers barriers(ClContext ctx, int groups, int rounds) {
        int shortRounds = Math.max(1, rounds / 10);
        long[] shortRun = barrierLaunch(ctx, groups, shortRounds);
        long[] longRun = barrierLaunch(ctx, groups, rounds);
        double us = (longRun[2] - shortRun[2]) / 1e3 / (2.0 * (rounds - shortRounds));
        return new Barriers(groups, 2 * rounds, us, (int) (shortRun[0] + longRun[0]), (int) (shortRun[1] + longRun[1]));
    }

    /** One launch of {@code probe_barriers}: {wrong values, timeouts, wall nanoseconds}. */
    private static long[] barrierLaunch(ClContext ctx, int groups, int rounds) {
        cl_kernel k = kernel(ctx, "probe_barriers");
        cl_mem state = ctx.alloc(4L * Sizeof.cl_int);
        cl_mem data = ctx.alloc((long) groups * Sizeof.cl_int);
        try {
            int[] s = new int[4];
            clEnqueueWriteBuffer(ctx.queue, state, CL_TRUE, 0, 4L * Sizeof.cl_int, Pointer.to(s), 0, null, null);
            ClContext.args(k, state, data, rounds, PATIENCE);
            ctx.finish();
            long start = System.nanoTime();
            clEnqueueNDRangeKernel(
                    ctx.queue,
                    k,
                    1,
                    null,
                    new long[] {(long) groups * GROUP_SIZE},
                    new long[] {GROUP_SIZE},
                    0,
                    null,
                    null);
            ctx.finish();
            long ns = System.nanoTime() - start;
            clEnqueueReadBuffer(ctx.queue, state, CL_TRUE, 0, 4L * Sizeof.cl_int, Pointer.to(s), 0, null, null);
            return new long[] {s[2], s[3], ns};
        } finally {
            ClContext.release(state, data);
        }
    }
}
