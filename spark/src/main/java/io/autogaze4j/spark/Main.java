package io.autogaze4j.spark;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.size;

import io.autogaze4j.video.FrameRangeOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * The {@code autogaze-spark} command: gazes video files and folders of videos on Spark and writes one Parquet row per
 * frame (docs/spark.md). Embedded it runs on {@code local[*]}; under {@code spark-submit} on the cluster's master.
 */
@Command(
        name = "autogaze-spark",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        usageHelpAutoWidth = true,
        description = {
            "Gazes videos with NVIDIA AutoGaze on Apache Spark: the videos' 16-frame clips spread over the tasks, one"
                    + " Parquet row per frame (the frames of the CLI's trace.json), then prints the table's first rows."
        })
public final class Main implements Callable<Integer> {
    /** Video files a folder argument contributes (Hadoop glob; any depth). */
    static final String VIDEO_GLOB = "*.{mp4,MP4,mov,MOV,m4v,mkv,MKV,webm,WEBM,avi,AVI}";

    @Parameters(
            paramLabel = "INPUT",
            arity = "1..*",
            description = "Video files, and folders whose video files (any depth) are gazed.")
    List<Path> inputs;

    @Option(
            names = {"-m", "--model"},
            paramLabel = "DIR",
            required = true,
            description = "AutoGaze checkpoint folder (config.json,"
                    + " model.safetensors, preprocessor_config.json), readable by every executor.")
    Path model;

    @Option(
            names = {"-o", "--out"},
            paramLabel = "DIR",
            description = "Output Parquet table. Default: ${DEFAULT-VALUE}")
    String out = "runs/spark/frames.parquet";

    @Option(
            names = "--overwrite",
            description = "Replace the output table if it exists (else the job refuses to start).")
    boolean overwrite;

    @Option(
            names = {"-r", "--gazing-ratio"},
            paramLabel = "R",
            description = "Share of the cells a frame may gaze, in (0, 1]." + " Default: the checkpoint's.")
    Double gazingRatio;

    @Option(
            names = "--task-loss-requirement",
            paramLabel = "Q|none",
            description = "Stop gazing a frame once the predicted task loss"
                    + " is at most Q; 'none' never stops early. Default: the checkpoint's when no ratio is given "
                    + "(the official rule).")
    String taskLossRequirement;

    @Option(names = "--tiles", description = "Keep the source resolution: gaze 224-px AnyRes tiles.")
    boolean tiles;

    @Mixin
    FrameRangeOptions range = new FrameRangeOptions();

    @Option(
            names = "--clip-length",
            paramLabel = "T",
            description = "Frames per clip (work unit and model call), 1..16." + " Default: ${DEFAULT-VALUE}")
    int clipLength = 16;

    @Option(
            names = "--readout-grid",
            paramLabel = "ROWSxCOLS",
            description =
                    "Read each frame's cells out on a downstream patch" + " grid, e.g. 14x14 (the 'readout' column).")
    String readoutGrid;

    @Option(
            names = "--backend",
            paramLabel = "auto|cpu",
            description = "Where each executor runs the model. Default: ${DEFAULT-VALUE}")
    String backend = "auto";

    @Option(
            names = "--batch",
            paramLabel = "ROWS",
            description = "Most model rows per call. Default: the pipeline's for the backend.")
    Integer batch;

    @Option(
            names = "--tasks",
            paramLabel = "N",
            description = "Gaze tasks the clips are spread over. Default: Spark's parallelism.")
    Integer tasks;

    @Option(
            names = "--on-error",
            paramLabel = "row|fail",
            description = "A video that fails: an error row (the job goes on) or a"
                    + " failed job. Default: ${DEFAULT-VALUE}")
    String onError = "row";

    @Option(
            names = "--master",
            paramLabel = "URL",
            description = "Spark master when not started by spark-submit." + " Default: ${DEFAULT-VALUE}")
    String master = "local[*]";

    @Option(names = "--show", paramLabel = "N", description = "Rows of the table to print. Default: ${DEFAULT-VALUE}")
    int show = 10;

    public static void main(String[] args) {
        System.exit(new CommandLine(new Main())
                .setExecutionExceptionHandler(Main::failure)
                .execute(args));
    }

    /** A failure while running: one line naming the problem (Spark has logged the details). */
    private static int failure(Exception e, CommandLine cli, CommandLine.ParseResult parsed) {
        cli.getErr().println("autogaze-spark: " + (e.getMessage() != null ? e.getMessage() : e.toString()));
        return 1;
    }

    @Override
    public Integer call() {
        GazeJobOptions options = options();
        SparkSession.Builder builder = SparkSession.builder().appName("autogaze4j");
        if (!new SparkConf().contains("spark.master")) {
            builder.master(master); // spark-submit sets spark.master; started as a plain program, run embedded
        }
        SparkSession spark = builder.getOrCreate();
        try {
            long t0 = System.nanoTime();
            Dataset<Row> table = AutoGazeSpark.gaze(videos(spark), options);
            table.write()
                    .mode(overwrite ? SaveMode.Overwrite : SaveMode.ErrorIfExists)
                    .parquet(out);
            double seconds = (System.nanoTime() - t0) / 1e9;
            report(spark.read().parquet(out), seconds);
        } finally {
            spark.stop();
        }
        return 0;
    }

    private GazeJobOptions options() {
        GazeJobOptions.Builder b = GazeJobOptions.builder(model.toString())
                .tiles(tiles)
                .every(range.every())
                .timeRange(range.start(), range.end())
                .clipLength(clipLength)
                .backend(GazeJobOptions.BackendChoice.valueOf(backend.strip().toUpperCase(Locale.ROOT)))
                .onError(GazeJobOptions.ErrorPolicy.valueOf(onError.strip().toUpperCase(Locale.ROOT)));
        if (gazingRatio != null) {
            b.gazingRatio(gazingRatio);
        }
        if (taskLossRequirement != null) {
            if (taskLossRequirement.strip().equalsIgnoreCase("none")) {
                b.noTaskLossRequirement();
            } else {
                b.taskLossRequirement(Double.parseDouble(taskLossRequirement.strip()));
            }
        }
        range.frames().ifPresent(b::frames);
        if (readoutGrid != null) {
            String[] rc = readoutGrid.toLowerCase(Locale.ROOT).split("x");
            if (rc.length != 2) {
                throw new IllegalArgumentException("--readout-grid must be ROWSxCOLS, e.g. 14x14; got " + readoutGrid);
            }
            b.readoutGrid(Integer.parseInt(rc[0].strip()), Integer.parseInt(rc[1].strip()));
        }
        if (batch != null) {
            b.batchRows(batch);
        }
        if (tasks != null) {
            b.tasks(tasks);
        }
        return b.build();
    }

    /** One row per input file, and the video files under each input folder (listed by Spark's binaryFile source). */
    private Dataset<Row> videos(SparkSession spark) {
        List<String> files = new ArrayList<>();
        Dataset<Row> all = null;
        for (Path input : inputs) {
            if (Files.isDirectory(input)) {
                Dataset<Row> listed = spark.read()
                        .format("binaryFile")
                        .option("pathGlobFilter", VIDEO_GLOB)
                        .option("recursiveFileLookup", "true")
                        .load(input.toAbsolutePath().normalize().toString())
                        .select(AutoGazeSpark.PATH_COLUMN);
                all = all == null ? listed : all.union(listed);
            } else if (Files.isRegularFile(input)) {
                files.add(input.toAbsolutePath().normalize().toString()); // executors may run in other folders
            } else {
                throw new IllegalArgumentException("input " + input + " does not exist");
            }
        }
        Dataset<Row> named = spark.createDataset(files, Encoders.STRING()).toDF(AutoGazeSpark.PATH_COLUMN);
        return all == null ? named : named.union(all);
    }

    private void report(Dataset<Row> table, double seconds) {
        long frameRows = table.filter(col("error").isNull()).count();
        long clips = table.filter(col("error").isNull())
                .select("video", "clip")
                .distinct()
                .count();
        long videos = table.select("video").distinct().count();
        long errors = table.filter(col("error").isNotNull()).count();
        System.out.printf(
                Locale.ROOT,
                "gazed %d frames (%d clips) of %d videos in %.1f s: %.2f clips/s, %.2f frames/s; %d error rows;"
                        + " table %s%n",
                frameRows,
                clips,
                videos,
                seconds,
                clips / seconds,
                frameRows / seconds,
                errors,
                out);
        table.orderBy("video", "frame")
                .select(
                        col("video"),
                        col("clip"),
                        col("frame"),
                        col("sourceIndex"),
                        col("seconds"),
                        col("width"),
                        col("height"),
                        col("slots"),
                        col("padded"),
                        size(col("cells")).as("cells"),
                        col("error"))
                .show(show, false);
    }
}
