package io.autogaze4j.bench;

import io.autogaze4j.model.AutoGaze;
import io.autogaze4j.model.GazeOptions;
import io.autogaze4j.model.VideoClip;
import io.autogaze4j.tensor.Backend;
import io.autogaze4j.tensor.Parallel;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.stream.Collectors;

/**
 * Where a call on many CPU threads leaves threads idle. Runs {@code AutoGaze.gaze} on a CPU backend whose pool records every
 * parallel region ({@link Parallel#recorded}; one thread by default, so each task's time is its work, not waiting), then
 * replays each region on {@code --simulate} threads that claim tasks in index order, as {@link Parallel} does, and prints
 * per kind of region (its call site and the model's caller): regions, tasks per region, work, the replayed time and the
 * thread time it leaves idle; and the caller's serial work between regions, which idles every other thread. Memory
 * contention and wake-up latency are not modelled: the figures bound what task shapes and serial work cost, not the
 * measured time. Usage: {@code RegionProfile [--model DIR] [--batch 8] [--frames 16] [--warmup 1] [--threads 1]
 * [--runs 2] [--simulate 16] [--top 40] [--dump FILE] [--clock wall|cpu]}. The figures are the shortest task and serial
 * times over the recorded runs ({@code --clock cpu}: each thread's CPU time, which other processes on a shared machine do
 * not inflate; it needs the {@code java.management} module); {@code --dump} writes one line per region: its site, the
 * serial nanoseconds before it and its tasks' nanoseconds, tab-separated.
 */
public final class RegionProfile {
    private RegionProfile() {}

    /** One recorded region: where it was started, the caller's serial time before it, and each task's time. */
    private record Region(String site, long serialBefore, long[] taskNanos) {}

    /**
     * Keeps regions while switched on; labels each by the stack of the thread that started it. Later recorded calls
     * keep, per region and task, the shortest time seen (the same call runs the same regions in the same order), so
     * one-off pauses (garbage collection, compilation, other processes) drop out.
     */
    private static final class Recorder implements Parallel.RegionRecorder {
        final List<Region> regions = new ArrayList<>();
        final boolean cpuClock;
        boolean on;
        int next;
        long lastEnd;

        Recorder(boolean cpuClock) {
            this.cpuClock = cpuClock;
        }

        @Override
        public long now() {
            return cpuClock ? ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime() : System.nanoTime();
        }

        void start() {
            on = true;
            next = 0;
            lastEnd = now();
        }

        @Override
        public void region(long started, long[] taskNanos) {
            if (!on) {
                return;
            }
            long serial = started - lastEnd;
            if (next == regions.size()) {
                regions.add(new Region(site(), serial, taskNanos));
            } else {
                Region r = regions.get(next);
                if (r.taskNanos().length != taskNanos.length) {
                    throw new IllegalStateException("recorded calls ran different regions: region " + next + " has "
                            + taskNanos.length + " tasks, " + r.taskNanos().length + " before");
                }
                for (int t = 0; t < taskNanos.length; t++) {
                    r.taskNanos()[t] = Math.min(r.taskNanos()[t], taskNanos[t]);
                }
                regions.set(next, new Region(r.site(), Math.min(r.serialBefore(), serial), r.taskNanos()));
            }
            next++;
            lastEnd = now(); // after the stack walk: the walk is not the caller's work
        }

        /** The first frame outside the pool, and the first frame of the model module below it. */
        private static String site() {
            return StackWalker.getInstance().walk(frames -> {
                List<StackWalker.StackFrame> list = frames.filter(
                                f -> !f.getClassName().equals(Parallel.class.getName())
                                        && !f.getClassName().equals(Recorder.class.getName())
                                        && !f.getMethodName().startsWith("lambda$"))
                        .collect(Collectors.toList());
                String top = name(list.get(0));
                String model = list.stream()
                        .filter(f -> f.getClassName().startsWith("io.autogaze4j.model."))
                        .findFirst()
                        .map(RegionProfile::name)
                        .orElse("-");
                return top + " < " + model;
            });
        }
    }

    private static String name(StackWalker.StackFrame f) {
        String c = f.getClassName();
        return c.substring(c.lastIndexOf('.') + 1) + "." + f.getMethodName() + ":" + f.getLineNumber();
    }

    /** Totals of one kind of region. */
    private static final class Kind {
        long regions, tasks, minTasks = Long.MAX_VALUE, work, replayed, longestTask, serialBefore;
    }

    public static void main(String[] args) throws Exception {
        Path model = Path.of("../shared/fixtures/model_k10");
        Path dump = null;
        boolean cpuClock = false;
        int batch = 8, frames = 16, warmup = 1, runs = 2, threads = 1, simulate = 16, top = 40;
        for (int i = 0; i < args.length; i += 2) {
            String v = i + 1 < args.length ? args[i + 1] : "";
            switch (args[i]) {
                case "--model" -> model = Path.of(v);
                case "--batch" -> batch = Integer.parseInt(v);
                case "--frames" -> frames = Integer.parseInt(v);
                case "--warmup" -> warmup = Integer.parseInt(v);
                case "--runs" -> runs = Integer.parseInt(v);
                case "--threads" -> threads = Integer.parseInt(v);
                case "--simulate" -> simulate = Integer.parseInt(v);
                case "--top" -> top = Integer.parseInt(v);
                case "--dump" -> dump = Path.of(v);
                case "--clock" ->
                    cpuClock = switch (v) {
                        case "cpu" -> true;
                        case "wall" -> false;
                        default -> throw new IllegalArgumentException("--clock is cpu or wall, got " + v);
                    };
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        Recorder recorder = new Recorder(cpuClock);
        GazeOptions options = GazeOptions.builder().gazingRatio(0.75).build();
        VideoClip clip = SyntheticClip.normal(batch, frames, 224, 42);
        long wall;
        try (Backend backend = Backend.cpu(Parallel.recorded(threads, recorder));
                AutoGaze gaze = AutoGaze.load(model, backend)) {
            for (int r = 0; r < warmup; r++) {
                gaze.gaze(clip, options);
            }
            wall = Long.MAX_VALUE;
            for (int r = 0; r < runs; r++) {
                recorder.start();
                long t0 = System.nanoTime();
                gaze.gaze(clip, options);
                wall = Math.min(wall, System.nanoTime() - t0);
                recorder.on = false;
            }
        }
        report(recorder.regions, wall, batch, frames, runs, threads, simulate, top);
        if (dump != null) {
            List<String> lines = new ArrayList<>();
            for (Region r : recorder.regions) {
                lines.add(r.site() + "\t" + r.serialBefore() + "\t"
                        + Arrays.stream(r.taskNanos()).mapToObj(Long::toString).collect(Collectors.joining(",")));
            }
            Files.write(dump, lines);
        }
    }

    private static void report(
            List<Region> regions, long wall, int batch, int frames, int runs, int threads, int simulate, int top) {
        Map<String, Kind> kinds = new LinkedHashMap<>();
        long work = 0, serial = 0, replayed = 0;
        for (Region r : regions) {
            Kind k = kinds.computeIfAbsent(r.site() + " [" + r.taskNanos().length + "]", s -> new Kind());
            long w = 0, longest = 0;
            for (long t : r.taskNanos()) {
                w += t;
                longest = Math.max(longest, t);
            }
            long span = replay(r.taskNanos(), simulate);
            k.regions++;
            k.tasks += r.taskNanos().length;
            k.minTasks = Math.min(k.minTasks, r.taskNanos().length);
            k.work += w;
            k.replayed += span;
            k.longestTask = Math.max(k.longestTask, longest);
            k.serialBefore += r.serialBefore();
            work += w;
            serial += r.serialBefore();
            replayed += span;
        }
        double ideal = (work + serial) / (double) simulate;
        double predicted = replayed + serial;
        System.out.printf(
                Locale.ROOT,
                "batch %d, %d frames, recorded on %d thread(s), shortest of %d calls: %.1f ms; %d regions, task work %.1f ms,"
                        + " serial caller work between regions %.1f ms%n",
                batch,
                frames,
                threads,
                runs,
                wall / 1e6,
                regions.size(),
                work / 1e6,
                serial / 1e6);
        System.out.printf(
                Locale.ROOT,
                "replayed on %d threads: %.1f ms (regions %.1f + serial %.1f); all work spread evenly %.1f ms;"
                        + " efficiency %.0f%%; idle thread time: in regions %.1f ms, during serial work %.1f ms%n",
                simulate,
                predicted / 1e6,
                replayed / 1e6,
                serial / 1e6,
                ideal / 1e6,
                100 * ideal / predicted,
                (simulate * (double) replayed - work) / 1e6,
                (simulate - 1) * (double) serial / 1e6);
        System.out.printf(
                Locale.ROOT,
                "%-90s %7s %9s %9s %10s %10s %10s %10s %10s%n",
                "region site < model caller [tasks]",
                "regions",
                "tasks/reg",
                "min tasks",
                "work ms",
                "replay ms",
                "idle ms",
                "longest us",
                "serial ms");
        kinds.entrySet().stream()
                .sorted(Comparator.comparingDouble(e -> -(simulate * (double) e.getValue().replayed
                        - e.getValue().work
                        + (simulate - 1) * (double) e.getValue().serialBefore)))
                .limit(top)
                .forEach(e -> {
                    Kind k = e.getValue();
                    System.out.printf(
                            Locale.ROOT,
                            "%-90s %7d %9.1f %9d %10.1f %10.1f %10.1f %10.1f %10.1f%n",
                            e.getKey(),
                            k.regions,
                            k.tasks / (double) k.regions,
                            k.minTasks,
                            k.work / 1e6,
                            k.replayed / 1e6,
                            (simulate * (double) k.replayed - k.work) / 1e6,
                            k.longestTask / 1e3,
                            k.serialBefore / 1e6);
                });
        System.out.println("idle ms: thread time left idle in the replayed regions; serial ms: the caller's work just"
                + " before such regions (every other thread waits)");
    }

    /** The time {@code threads} threads take when each claims the next task in index order as soon as it is free. */
    static long replay(long[] taskNanos, int threads) {
        PriorityQueue<Long> free = new PriorityQueue<>();
        for (int i = 0; i < Math.min(threads, taskNanos.length); i++) {
            free.add(0L);
        }
        long end = 0;
        for (long t : taskNanos) {
            long done = free.poll() + t;
            end = Math.max(end, done);
            free.add(done);
        }
        return end;
    }
}
