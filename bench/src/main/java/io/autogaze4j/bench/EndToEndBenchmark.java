package io.autogaze4j.bench;

import io.autogaze4j.model.AutoGaze;
import io.autogaze4j.model.GazeOptions;
import io.autogaze4j.model.GazeResult;
import io.autogaze4j.model.VideoClip;
import io.autogaze4j.tensor.Backend;
import io.autogaze4j.tensor.BackendKind;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The headline figure: one call of {@code AutoGaze.gaze} on {@code batch} 16-frame 224x224 clips (ratio 0.75, no task-loss
 * stop, so 198 tokens per frame), per batch size (any size the memory holds: 1, 8, 45, 128, 256, 512...), median over several
 * runs after warm-up. Each batch size prints three labelled figures: ms per call (the whole batch), ms per clip (per call /
 * batch) and 224-tile frames/s (batch x frames / per call), then tokens per second. Usage: {@code EndToEndBenchmark [--model
 * DIR] [--batch 1,8] [--frames 16] [--runs 5] [--warmup 2] [--threads N]
 * [--backend cpu|opencl|auto] [--task-loss R] [--profile]} ({@code opencl}: the first GPU, else the first OpenCL device;
 * falls back to the CPU with a warning). {@code --task-loss R} turns the task-loss stop on: a row stops gazing a frame
 * at a predicted task loss at or below R. {@code --profile} adds, on a backend that {@link Backend#profiles() profiles},
 * two runs per batch size: one with host timers only (enqueueing, waiting, the vision encoder) and one with device-side
 * kernel timing (OpenCL profiling events): device milliseconds per kernel (the vision encoder's labelled "vision: ...",
 * and their sum) and the gap between the run's wall time and its kernels (launch latency, transfers, host work). A
 * backend that times parts of a kernel itself (OpenCL's persistent decoder step with
 * {@code -Dautogaze.opencl.phaseClock=on}) adds them as labels {@code phase NN ...}, printed apart as microseconds per
 * step and not added to the kernels' sum (they are parts of one kernel's time).
 */
public final class EndToEndBenchmark {
    /** Profile labels of a kernel's parts timed by the kernel itself (see the class comment). */
    private static final String PHASE_PREFIX = "phase ";

    private EndToEndBenchmark() {}

    public static void main(String[] args) throws Exception {
        Path model = Path.of("../shared/fixtures/model_k10");
        int[] batches = {1, 8};
        int frames = 16, runs = 5, warmup = 2;
        int threads = Runtime.getRuntime().availableProcessors();
        String backendName = "cpu";
        boolean profile = false;
        GazeOptions.Builder optionsBuilder = GazeOptions.builder().gazingRatio(0.75);
        String stop = "no task-loss stop";
        for (int i = 0; i < args.length; i += 2) {
            if (args[i].equals("--profile")) {
                profile = true;
                i--;
                continue;
            }
            String v = i + 1 < args.length ? args[i + 1] : "";
            switch (args[i]) {
                case "--model" -> model = Path.of(v);
                case "--batch" ->
                    batches = Arrays.stream(v.split(","))
                            .mapToInt(Integer::parseInt)
                            .toArray();
                case "--frames" -> frames = Integer.parseInt(v);
                case "--runs" -> runs = Integer.parseInt(v);
                case "--warmup" -> warmup = Integer.parseInt(v);
                case "--threads" -> threads = Integer.parseInt(v);
                case "--backend" -> backendName = v;
                case "--task-loss" -> {
                    optionsBuilder.taskLossRequirement(Double.parseDouble(v));
                    stop = "task-loss stop " + v;
                }
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        GazeOptions options = optionsBuilder.build();
        try (Backend backend = Backend.named(BackendKind.parse(backendName), threads);
                AutoGaze gaze = AutoGaze.load(model, backend)) {
            System.out.printf(
                    Locale.ROOT,
                    "model %s, K=%d, %s, backend %s, %s %s, %d cores%n",
                    model,
                    gaze.config().numHeads(),
                    stop,
                    backend.name(),
                    System.getProperty("java.vm.name"),
                    System.getProperty("java.version"),
                    Runtime.getRuntime().availableProcessors());
            for (int batch : batches) {
                VideoClip clip = SyntheticClip.normal(batch, frames, 224, 42);
                double[] ms = new double[runs];
                long tokens = 0;
                for (int r = -warmup; r < runs; r++) {
                    long t0 = System.nanoTime();
                    GazeResult result = gaze.gaze(clip, options);
                    long t1 = System.nanoTime();
                    if (r >= 0) {
                        ms[r] = (t1 - t0) / 1e6;
                    }
                    tokens = 0;
                    for (int b = 0; b < batch; b++) {
                        tokens += result.gazingPos()[b].length;
                    }
                }
                Arrays.sort(ms);
                double perCall = ms[runs / 2];
                System.out.printf(
                        Locale.ROOT,
                        "batch %d: %d frames x 224x224, median %.1f ms per call (min %.1f, max %.1f, %d runs), "
                                + "%.2f ms per clip, %.1f 224-tile frames/s, %d tokens, %.0f tokens/s%n",
                        batch,
                        frames,
                        perCall,
                        ms[0],
                        ms[runs - 1],
                        runs,
                        perCall / batch,
                        batch * frames / (perCall / 1000),
                        tokens,
                        tokens / (perCall / 1000));
                if (profile && backend.profiles()) {
                    printKernelProfile(backend, gaze, clip, options);
                }
            }
        }
    }

    private static void printKernelProfile(Backend backend, AutoGaze gaze, VideoClip clip, GazeOptions options) {
        backend.profiling(Backend.Profiling.HOST);
        long h0 = System.nanoTime();
        gaze.gaze(clip, options);
        double hostWall = (System.nanoTime() - h0) / 1e6;
        Map<String, long[]> host = backend.profile();
        System.out.printf(Locale.ROOT, "  run with host timing only: wall %.1f ms%n", hostWall);
        printTimes(host);
        backend.profiling(Backend.Profiling.KERNELS);
        long t0 = System.nanoTime();
        gaze.gaze(clip, options);
        double wall = (System.nanoTime() - t0) / 1e6;
        Map<String, long[]> p = new TreeMap<>(backend.profile());
        backend.profiling(Backend.Profiling.OFF);
        Map<String, long[]> phases = new TreeMap<>(p);
        phases.keySet().removeIf(label -> !label.startsWith(PHASE_PREFIX));
        p.keySet().removeAll(phases.keySet());
        double busy = p.entrySet().stream()
                        .filter(e -> !e.getKey().startsWith("host"))
                        .mapToLong(e -> e.getValue()[0])
                        .sum()
                / 1e6;
        double vision = p.entrySet().stream()
                        .filter(e -> e.getKey().startsWith("vision"))
                        .mapToLong(e -> e.getValue()[0])
                        .sum()
                / 1e6;
        System.out.printf(
                Locale.ROOT,
                "  run with kernel profiling: wall %.1f ms, kernels %.1f ms (vision encoder %.1f ms), gap %.1f ms%n",
                wall,
                busy,
                vision,
                wall - busy);
        printTimes(p);
        if (!phases.isEmpty()) {
            System.out.println("  phases of the persistent decoder step (its own clock, work-group 0), us per step:");
            printTimes(phases);
        }
    }

    /** One line per label: total milliseconds, count and microseconds per call. */
    private static void printTimes(Map<String, long[]> times) {
        times.forEach((k, v) -> System.out.printf(
                Locale.ROOT, "    %-26s %8.2f ms %7d calls %8.1f us/call%n", k, v[0] / 1e6, v[1], v[0] / 1e3 / v[1]));
    }
}
