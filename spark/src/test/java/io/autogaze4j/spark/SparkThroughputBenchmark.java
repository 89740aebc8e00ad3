package io.autogaze4j.spark;

import com.sun.management.OperatingSystemMXBean;
import io.autogaze4j.model.AutoGaze;
import io.autogaze4j.pipeline.PipelineOptions;
import io.autogaze4j.pipeline.VideoInput;
import io.autogaze4j.pipeline.VideoPipeline;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.OptionalInt;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Clips per second of the same videos through the single-process pipeline and through the Spark job, in one JVM with
 * one model (the Spark job's {@link ModelHolder} model, so both gaze on the same backend): the Spark overhead.
 * Both are warmed up on the first video, then runs are alternated and repeated; the Spark figure includes its
 * planning job, task scheduling, the span skips, the row conversion and the Parquet write, not the session start. Run by
 * {@code scripts/spark-throughput.sh}.
 *
 * <pre>
 * args: MASTER BACKEND(cpu|auto) MODEL_DIR FRAMES_PER_VIDEO GAZING_RATIO REPEATS TASKS(0 = Spark's default) VIDEO...
 * </pre>
 */
public final class SparkThroughputBenchmark {
    private SparkThroughputBenchmark() {}

    public static void main(String[] args) throws IOException {
        if (args.length < 8) {
            System.err.println(
                    "usage: SparkThroughputBenchmark MASTER cpu|auto MODEL_DIR FRAMES RATIO REPEATS TASKS VIDEO...");
            System.exit(2);
        }
        String master = args[0];
        GazeJobOptions.Builder job = GazeJobOptions.builder(args[2])
                .frames(Integer.parseInt(args[3]))
                .gazingRatio(Double.parseDouble(args[4]))
                .backend(GazeJobOptions.BackendChoice.valueOf(args[1].toUpperCase(Locale.ROOT)));
        if (Integer.parseInt(args[6]) > 0) {
            job.tasks(Integer.parseInt(args[6]));
        }
        GazeJobOptions options = job.build();
        int repeats = Integer.parseInt(args[5]);
        List<String> videos = Arrays.asList(args).subList(7, args.length);

        AutoGaze model = ModelHolder.model(options.model(), options.backend(), OptionalInt.empty());
        SparkSession spark = SparkSession.builder()
                .master(master)
                .appName("autogaze4j-throughput")
                .config("spark.ui.enabled", "false")
                .getOrCreate();
        int slots = spark.sparkContext().defaultParallelism();
        System.out.printf(
                Locale.ROOT,
                "backend %s; Spark %s (%d task slots); %d videos, %d frames each, ratio %s%n",
                model.backend().name(),
                master,
                slots,
                videos.size(),
                Integer.parseInt(args[3]),
                args[4]);
        pipeline(model, options, videos.subList(0, 1)); // warm-up: JIT, kernels, decoder
        spark(spark, options, videos.subList(0, 1)); // and Spark's first job
        List<Double> single = new ArrayList<>();
        List<Double> onSpark = new ArrayList<>();
        List<Double> singleCpu = new ArrayList<>();
        List<Double> onSparkCpu = new ArrayList<>();
        for (int r = 0; r < repeats; r++) {
            double[] a = report("pipeline, one process", pipeline(model, options, videos));
            double[] b = report("Spark " + master, spark(spark, options, videos));
            single.add(a[0]);
            singleCpu.add(a[1]);
            onSpark.add(b[0]);
            onSparkCpu.add(b[1]);
        }
        double a = median(single);
        double b = median(onSpark);
        System.out.printf(
                Locale.ROOT,
                "median clips/s: pipeline %.3f, Spark %.3f: Spark overhead %.1f%% (wall time)%n",
                a,
                b,
                100 * (a / b - 1));
        double ca = median(singleCpu);
        double cb = median(onSparkCpu);
        System.out.printf(
                Locale.ROOT,
                "median CPU s a clip: pipeline %.3f, Spark %.3f: Spark overhead %.1f%% (CPU time)%n",
                ca,
                cb,
                100 * (cb / ca - 1));
        spark.stop();
    }

    /** CPU seconds this JVM has used: the work of a run, less sensitive than wall time to other jobs on the machine. */
    private static double cpuSeconds() {
        return ((OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime() / 1e9;
    }

    /** Seconds, clips and CPU seconds of one single-process pipeline run over {@code videos}. */
    private static double[] pipeline(AutoGaze model, GazeJobOptions options, List<String> videos) {
        PipelineOptions p =
                PipelineOptions.builder().clipLength(options.clipLength()).build();
        double cpu = cpuSeconds();
        long t0 = System.nanoTime();
        try (VideoPipeline pipeline = VideoPipeline.of(model, PipelineSpanGazer.gazeOptions(options), p)) {
            List<VideoInput> inputs = videos.stream()
                    .map(v -> VideoInput.file(Path.of(v), options.sampling()))
                    .toList();
            int[] clips = {0};
            pipeline.run(inputs, packet -> clips[0]++);
            return new double[] {(System.nanoTime() - t0) / 1e9, clips[0], cpuSeconds() - cpu};
        }
    }

    /** Seconds, clips and CPU seconds of one Spark job over {@code videos}, written to a temporary Parquet table. */
    private static double[] spark(SparkSession spark, GazeJobOptions options, List<String> videos) throws IOException {
        Path out = Files.createTempDirectory("autogaze4j-throughput");
        try {
            Dataset<Row> input = spark.createDataset(videos, Encoders.STRING()).toDF(AutoGazeSpark.PATH_COLUMN);
            double cpu = cpuSeconds();
            long t0 = System.nanoTime();
            Dataset<Row> rows = AutoGazeSpark.gaze(input, options);
            double plan = (System.nanoTime() - t0) / 1e9;
            rows.write().mode("overwrite").parquet(out.resolve("t").toString());
            double seconds = (System.nanoTime() - t0) / 1e9;
            cpu = cpuSeconds() - cpu;
            long clips = spark.read()
                    .parquet(out.resolve("t").toString())
                    .select("video", "clip")
                    .distinct()
                    .count();
            System.out.printf(Locale.ROOT, "  (of which %.2f s planning)%n", plan);
            return new double[] {seconds, clips, cpu};
        } finally {
            try (Stream<Path> files = Files.walk(out)) {
                for (Path f : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(f);
                }
            }
        }
    }

    private static double[] report(String what, double[] run) {
        double rate = run[1] / run[0];
        System.out.printf(
                Locale.ROOT,
                "%-28s %3.0f clips in %7.2f s: %.3f clips/s; %.2f CPU s a clip%n",
                what,
                run[1],
                run[0],
                rate,
                run[2] / run[1]);
        return new double[] {rate, run[2] / run[1]};
    }

    private static double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }
}
