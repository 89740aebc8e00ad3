package io.autogaze4j.spark;

import io.autogaze4j.weights.Checkpoint;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;

/**
 * Gazes a corpus of videos on Apache Spark: one output row per gazed frame ({@link FrameRows#SCHEMA}), the
 * same as the CLI's {@code trace.json} for each video. Spark is the engine: the videos are counted on the
 * executors, their 16-frame clips spread over tasks of about equal size (a long video over several), each
 * executor JVM loads the model once and gazes its clips, and Spark's writers and committers write the table.
 *
 * <pre>{@code
 * Dataset<Row> videos = spark.read().format("binaryFile").option("pathGlobFilter", "*.mp4")
 *         .option("recursiveFileLookup", "true").load("/corpus").select("path");
 * AutoGazeSpark.gaze(videos, GazeJobOptions.builder("/models/nvidia-AutoGaze").build()).write().parquet("/out/gaze");
 * }</pre>
 */
public final class AutoGazeSpark {
    /** The input column holding the video paths when none is named: the column of Spark's {@code binaryFile} source. */
    public static final String PATH_COLUMN = "path";

    private AutoGazeSpark() {}

    /** The frame rows of the videos named in column {@value #PATH_COLUMN} of {@code videos}. */
    public static Dataset<Row> gaze(Dataset<Row> videos, GazeJobOptions options) {
        return gaze(videos, PATH_COLUMN, options);
    }

    /**
     * The frame rows of the videos named in column {@code pathColumn} of {@code videos} (local paths or
     * {@code file:} URIs, readable by every executor, so absolute on a cluster; a path named twice is gazed once).
     * Counting the clips runs a Spark job now; the gazing runs when the result is written or collected.
     */
    public static Dataset<Row> gaze(Dataset<Row> videos, String pathColumn, GazeJobOptions given) {
        checkModel(given.model());
        // executors may run in other folders: they get the model as the driver sees it
        GazeJobOptions options = given.toBuilder()
                .model(Path.of(given.model()).toAbsolutePath().normalize().toString())
                .build();
        SparkSession spark = videos.sparkSession();
        JavaSparkContext context = JavaSparkContext.fromSparkContext(spark.sparkContext());
        int tasks = options.tasks().orElse(context.defaultParallelism());
        List<VideoPlan> plans = plan(context, paths(videos, pathColumn), options, tasks);
        List<Row> failed = new ArrayList<>();
        for (VideoPlan p : plans) {
            if (p.error().isPresent()) {
                if (options.onError() == GazeJobOptions.ErrorPolicy.FAIL) {
                    throw new IllegalArgumentException(p.error().get());
                }
                failed.add(FrameRows.error(p.video(), 0, p.error().get()));
            }
        }
        List<List<VideoSpan>> spans = SpanPlanner.tasks(plans, tasks);
        Dataset<Row> gazed = spark.createDataFrame(
                context.parallelize(spans, Math.max(1, spans.size())).mapPartitions(new TaskGazer(options)),
                FrameRows.SCHEMA);
        return failed.isEmpty() ? gazed : gazed.union(spark.createDataFrame(failed, FrameRows.SCHEMA));
    }

    private static List<String> paths(Dataset<Row> videos, String pathColumn) {
        if (!Arrays.asList(videos.columns()).contains(pathColumn)) {
            throw new IllegalArgumentException("the input has no column '" + pathColumn
                    + "' of video paths (its columns: " + String.join(", ", videos.columns()) + ")");
        }
        TreeSet<String> paths = new TreeSet<>();
        for (Row r : videos.select(pathColumn).collectAsList()) {
            if (r.isNullAt(0) || r.getString(0).isBlank()) {
                throw new IllegalArgumentException("column " + pathColumn + " of the input holds an empty video path");
            }
            paths.add(r.getString(0));
        }
        return new ArrayList<>(paths);
    }

    private static List<VideoPlan> plan(
            JavaSparkContext context, List<String> paths, GazeJobOptions options, int tasks) {
        if (paths.isEmpty()) {
            return List.of();
        }
        JavaRDD<Row> rows = context.parallelize(paths, Math.min(paths.size(), tasks))
                .map(video -> {
                    VideoPlan p = VideoPlan.of(video, options.sampling(), options.clipLength());
                    return RowFactory.create(p.video(), p.clips(), p.error().orElse(null));
                });
        List<VideoPlan> plans = new ArrayList<>(paths.size());
        for (Row r : rows.collect()) {
            plans.add(
                    r.isNullAt(2)
                            ? new VideoPlan(r.getString(0), r.getInt(1), Optional.empty())
                            : VideoPlan.failed(r.getString(0), r.getString(2)));
        }
        return plans;
    }

    /** A missing model is the job's mistake, not a video's: say so before any task starts. */
    private static void checkModel(String model) {
        Path dir = Path.of(model);
        if (!Files.isRegularFile(dir.resolve(Checkpoint.CONFIG_FILE))) {
            throw new IllegalArgumentException(
                    "model directory " + model + " has no " + Checkpoint.CONFIG_FILE + " (give the folder of"
                            + " config.json, model.safetensors and preprocessor_config.json, readable by the driver and "
                            + "every executor)");
        }
    }
}
