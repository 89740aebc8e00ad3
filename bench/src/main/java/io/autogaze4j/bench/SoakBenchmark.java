package io.autogaze4j.bench;

import io.autogaze4j.model.AutoGaze;
import io.autogaze4j.model.GazeOptions;
import io.autogaze4j.model.GazeStream;
import io.autogaze4j.model.VideoClip;
import io.autogaze4j.tensor.Backend;
import io.autogaze4j.tensor.BackendKind;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;

/**
 * The soak run (not a unit test): gazes continuously for a given time and reports what the process holds
 * ({@link Footprint}: heap after GC, RSS, open files, device memory) at the start, once a minute, and at
 * the end, so a leak shows as steady growth. Each round gazes one whole clip and streams one more, frame
 * by frame, through a fresh {@link GazeStream} (opened and closed every round, as a server would).
 * Usage: {@code SoakBenchmark [--model DIR] [--backend cpu|opencl] [--minutes 10] [--seconds S] [--batch 1] [--frames 16]
 * [--threads N]}.
 */
public final class SoakBenchmark {
    /** Distinct clips cycled through, so no round sees exactly the previous one's input. */
    private static final int CLIPS = 3;

    private SoakBenchmark() {}

    public static void main(String[] args) throws Exception {
        Path model = Path.of("../shared/fixtures/model_k10");
        String backendName = "cpu";
        Duration length = Duration.ofMinutes(10);
        int batch = 1, frames = 16;
        int threads = Runtime.getRuntime().availableProcessors();
        for (int i = 0; i < args.length; i += 2) {
            String v = i + 1 < args.length ? args[i + 1] : "";
            switch (args[i]) {
                case "--model" -> model = Path.of(v);
                case "--backend" -> backendName = v;
                case "--minutes" -> length = Duration.ofSeconds(Math.round(Double.parseDouble(v) * 60));
                case "--seconds" -> length = Duration.ofSeconds(Long.parseLong(v));
                case "--batch" -> batch = Integer.parseInt(v);
                case "--frames" -> frames = Integer.parseInt(v);
                case "--threads" -> threads = Integer.parseInt(v);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        try (Backend backend = Backend.named(BackendKind.parse(backendName), threads);
                AutoGaze gaze = AutoGaze.load(model, backend)) {
            boolean device = backend.kind() != BackendKind.CPU;
            VideoClip[] clips = new VideoClip[CLIPS];
            for (int c = 0; c < CLIPS; c++) {
                clips[c] = SyntheticClip.normal(batch, frames, 224, 42 + c);
            }
            GazeOptions options = GazeOptions.builder().gazingRatio(0.75).build();
            System.out.printf(
                    Locale.ROOT,
                    "soak: model %s, backend %s, %d s, batch %d, %d frames per clip, %s %s, %d cores%n",
                    model,
                    backend.name(),
                    length.toSeconds(),
                    batch,
                    frames,
                    System.getProperty("java.vm.name"),
                    System.getProperty("java.version"),
                    Runtime.getRuntime().availableProcessors());
            round(gaze, clips[0], options); // warm-up: compile kernels and JIT before the first measurement
            Footprint start = Footprint.measure(device);
            System.out.println("start:  " + start);
            long begin = System.nanoTime();
            long end = begin + length.toNanos();
            long nextReport = begin + Duration.ofMinutes(1).toNanos();
            long rounds = 0;
            while (System.nanoTime() < end) {
                round(gaze, clips[(int) (rounds % CLIPS)], options);
                rounds++;
                if (System.nanoTime() >= nextReport) {
                    report(
                            String.format(Locale.ROOT, "%4.0f s:", (System.nanoTime() - begin) / 1e9),
                            rounds,
                            begin,
                            Footprint.measure(device));
                    nextReport += Duration.ofMinutes(1).toNanos();
                }
            }
            Footprint last = Footprint.measure(device);
            report("end:   ", rounds, begin, last);
            System.out.println("change: " + last.changeSince(start) + " over " + rounds + " rounds");
        }
    }

    /** One round: the whole clip at once, then the same clip streamed a frame per call through a new stream. */
    private static void round(AutoGaze gaze, VideoClip clip, GazeOptions options) {
        gaze.gaze(clip, options);
        try (GazeStream stream = gaze.openStream(clip.batch(), options)) {
            for (int t = 0; t < clip.frames(); t++) {
                stream.push(clip.frames(t, t + 1));
            }
        }
    }

    private static void report(String label, long rounds, long begin, Footprint now) {
        double seconds = (System.nanoTime() - begin) / 1e9;
        System.out.printf(
                Locale.ROOT, "%s %d rounds (%.2f rounds/s, each 2 clips), %s%n", label, rounds, rounds / seconds, now);
    }
}
