package io.autogaze4j.kernels;

import io.autogaze4j.tensor.DecoderLayerWeights;
import io.autogaze4j.tensor.DecoderWeights;
import io.autogaze4j.tensor.LinearWeight;
import io.autogaze4j.tensor.RopeTable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * How long the OpenCL compiler takes on each program a run may build (cold start, docs/benchmarks.md), without a whole
 * run: for each compiler options set given, on a fresh context of the preferred device with an empty program cache of
 * its own, builds ops.cl and decoder.cl's builds from source one after another (the order in which
 * {@code -Dautogaze.opencl.prebuild=all} queues them),
 * then loads each from that cache on a second fresh context (on NVIDIA: the PTX-to-machine-code compile that a warm
 * cache still pays on a fresh machine), and prints the milliseconds of each as a Markdown table. The options are added
 * to every build, as {@code -Dautogaze.opencl.options} does (e.g. {@code -D K_UNROLL=4 -D LOGIT_UNROLL=1}); the decoder
 * shapes are the demo model's (model_k10). Run it with the driver's own cache off ({@code CUDA_CACHE_DISABLE=1} on
 * NVIDIA), else the driver serves repeated builds from its cache.
 *
 * <pre>
 * java -cp 'devicerun/lib/*' io.autogaze4j.kernels.ProgramBuildTimes [--device N] [--runs R] "" "-D K_UNROLL=4"
 * </pre>
 */
public final class ProgramBuildTimes {
    private ProgramBuildTimes() {}

    /** The demo model's decoder shapes: hidden, attention heads, head size, MLP width, vocabulary, heads K, layers. */
    private static final int HIDDEN = 192, HEADS = 6, HEAD_DIM = 32, INTER = 384, VOCAB = 266, K = 10;

    /**
     * @param args {@code [--device N] [--runs R] OPTIONS...}: device index (default: the preferred one, a GPU first),
     *             runs per options set (default 1), then one argument per options set ({@code ""}: the defaults)
     */
    public static void main(String[] args) {
        int device = OpenClBackend.preferredDevice();
        int runs = 1;
        List<String> optionSets = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--device" -> device = Integer.parseInt(value(args, ++i, "--device"));
                case "--runs" -> runs = Integer.parseInt(value(args, ++i, "--runs"));
                default -> optionSets.add(args[i]);
            }
        }
        if (optionSets.isEmpty()) {
            optionSets.add("");
        }
        if (runs < 1) {
            throw new IllegalArgumentException("--runs must be >= 1, got " + runs);
        }
        System.out.println("| options | program | run | build from source (ms) | load from our cache (ms) |");
        System.out.println("|---|---|---|---|---|");
        for (String options : optionSets) {
            for (int run = 1; run <= runs; run++) {
                measure(device, options.trim(), run);
            }
        }
    }

    private static String value(String[] args, int i, String flag) {
        if (i >= args.length) {
            throw new IllegalArgumentException(flag + " needs a value");
        }
        return args[i];
    }

    /** One run of one options set: every program built from source on one context, then loaded on another. */
    private static void measure(int device, String options, int run) {
        Path dir = temporaryDirectory();
        try {
            ProgramCache cache = ProgramCache.at(dir);
            List<ClContext.ProgramSource> programs;
            long[] build;
            try (ClContext ctx = ClContext.open(device, cache, options)) {
                SignalChaining.checkFor(ctx.info);
                programs = programs(ctx);
                build = time(ctx, programs);
                check(ctx.programBuilds(), new ClContext.ProgramBuilds(programs.size(), 0), "from source");
            }
            long[] load;
            try (ClContext ctx = ClContext.open(device, cache, options)) {
                load = time(ctx, programs);
                check(ctx.programBuilds(), new ClContext.ProgramBuilds(0, programs.size()), "from the cache");
            }
            for (int p = 0; p < programs.size(); p++) {
                ClContext.ProgramSource s = programs.get(p);
                System.out.printf(
                        Locale.ROOT,
                        "| %s | %s (%s) | %d | %,d | %,d |%n",
                        options.isEmpty() ? "(defaults)" : "`" + options + "`",
                        s.resource(),
                        s.variant(),
                        run,
                        build[p],
                        load[p]);
            }
        } finally {
            delete(dir);
        }
    }

    /** The programs a run of the demo model may build, in the order {@link Prebuild#ALL} queues them. */
    private static List<ClContext.ProgramSource> programs(ClContext ctx) {
        List<ClContext.ProgramSource> all = new ArrayList<>();
        all.add(OpenClBackend.opsSource(ctx.info));
        all.addAll(ClDecoderSession.builds(ctx, demoShapes(), StreamShape.DEFAULT, PrefillShape.DEFAULT)
                .all());
        return all;
    }

    /** Milliseconds of each program's build (or load) on {@code ctx}, one after another on this thread. */
    private static long[] time(ClContext ctx, List<ClContext.ProgramSource> programs) {
        long[] ms = new long[programs.size()];
        for (int p = 0; p < ms.length; p++) {
            long start = System.nanoTime();
            ctx.program(programs.get(p));
            ms[p] = (System.nanoTime() - start) / 1_000_000;
        }
        return ms;
    }

    private static void check(ClContext.ProgramBuilds got, ClContext.ProgramBuilds expected, String how) {
        if (!got.equals(expected)) {
            throw new IllegalStateException("expected every program " + how + " (" + expected + "), got " + got);
        }
    }

    /** Zero weights of the demo model's decoder shapes: the builds read only the shapes (one layer is enough). */
    private static DecoderWeights demoShapes() {
        float[] norm = new float[HIDDEN];
        DecoderLayerWeights layer = new DecoderLayerWeights(
                norm,
                zeros(HIDDEN, HIDDEN),
                zeros(HIDDEN, HIDDEN),
                zeros(HIDDEN, HIDDEN),
                zeros(HIDDEN, HIDDEN),
                norm,
                zeros(HIDDEN, INTER),
                zeros(HIDDEN, INTER),
                zeros(INTER, HIDDEN));
        return new DecoderWeights(
                HIDDEN,
                HEADS,
                HEAD_DIM,
                1e-5f,
                RopeTable.standard(HEAD_DIM, 500000),
                List.of(layer),
                norm,
                zeros(HIDDEN, K * VOCAB),
                zeros(HIDDEN, K));
    }

    private static LinearWeight zeros(int in, int out) {
        return LinearWeight.fromTorch(new float[in * out], out, in, null);
    }

    private static Path temporaryDirectory() {
        try {
            return Files.createTempDirectory("autogaze-build-times");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a temporary program cache", e);
        }
    }

    private static void delete(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path f : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(f);
            }
        } catch (IOException e) {
            System.err.println("cannot delete " + dir + ": " + e);
        }
    }
}
