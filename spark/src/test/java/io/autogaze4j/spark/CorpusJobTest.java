package io.autogaze4j.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import javax.imageio.ImageIO;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A small corpus end to end on {@code local[2,4]}: a video listed by Spark's {@code binaryFile} source, a folder
 * of images, and a corrupt file, with every task's first attempt killed by the fault injection.
 */
class CorpusJobTest {
    /** Small enough for CI: 10 frames in clips of 4 (3 clips, the last short), 26 cells a frame. */
    private static final String[] CLI_OPTIONS = {"--frames", "10", "--clip-length", "4", "--gazing-ratio", "0.1"};

    @TempDir
    Path dir;

    private final SparkSession spark = SparkSessions.local();

    @Test
    void killedTaskAttemptsLeaveACompleteTableEqualToTheCliTraces() throws IOException {
        Path videos = Files.createDirectories(dir.resolve("videos"));
        Path example = Files.copy(SparkSessions.exampleVideo(), videos.resolve("example.mp4"));
        Path corrupt = videos.resolve("corrupt.mp4");
        byte[] junk = new byte[5000];
        new Random(5).nextBytes(junk);
        Files.write(corrupt, junk);
        Path images = imageFolder(dir.resolve("images"), 5);

        Dataset<Row> listed = spark.read()
                .format("binaryFile")
                .option("pathGlobFilter", "*.mp4")
                .load(videos.toString())
                .select(AutoGazeSpark.PATH_COLUMN);
        Dataset<Row> corpus = listed.union(spark.createDataset(List.of(images.toString()), Encoders.STRING())
                .toDF());
        GazeJobOptions options = GazeJobOptions.builder(SparkSessions.model().toString())
                .frames(10)
                .clipLength(4)
                .gazingRatio(0.1)
                .backend(GazeJobOptions.BackendChoice.CPU)
                .tasks(2)
                .readoutGrid(14, 14)
                .failFirstAttempt(true)
                .build();
        Path table = dir.resolve("table");
        AutoGazeSpark.gaze(corpus, options).write().parquet(table.toString());
        Dataset<Row> out = spark.read().parquet(table.toString());

        assertEquals(
                out.count(), out.select("video", "clip", "frame").distinct().count(), "no row twice");
        List<String> files =
                listed.collectAsList().stream().map(r -> r.getString(0)).toList();
        String exampleName = files.stream()
                .filter(f -> f.endsWith("example.mp4"))
                .findFirst()
                .orElseThrow();
        String corruptName = files.stream()
                .filter(f -> f.endsWith("corrupt.mp4"))
                .findFirst()
                .orElseThrow();

        JsonNode exampleTrace = TraceComparison.cliTrace(
                example,
                dir.resolve("cli-example"),
                "--frames",
                "10",
                "--clip-length",
                "4",
                "--gazing-ratio",
                "0.1",
                "--readout-grid",
                "14x14",
                "--readout-format",
                "json");
        TraceComparison.assertRowsEqualTrace(rowsOf(out, exampleName), exampleTrace);
        TraceComparison.assertReadoutEqualsTrace(rowsOf(out, exampleName), exampleTrace, 4);
        JsonNode imagesTrace = TraceComparison.cliTrace(images, dir.resolve("cli-images"), CLI_OPTIONS);
        TraceComparison.assertRowsEqualTrace(rowsOf(out, images.toString()), imagesTrace);

        List<Row> failed = rowsOf(out, corruptName);
        assertEquals(1, failed.size(), "a corrupt video is one error row");
        String error = failed.get(0).getAs("error");
        assertTrue(error.contains("corrupt.mp4"), error);
        assertEquals(10 + 5 + 1, out.count());

        for (Row r : rowsOf(out, exampleName)) {
            List<Row> readout = r.getList(r.fieldIndex("readout"));
            assertTrue(!readout.isEmpty(), "a frame with gazed cells covers tokens of the readout grid");
            for (Row token : readout) {
                assertEquals(token.getInt(0), token.getInt(1) * 14 + token.getInt(2), "token id = row * 14 + col");
            }
        }
    }

    @Test
    void tiledFramesEqualTheCliTrace() throws IOException {
        Path example = SparkSessions.exampleVideo();
        GazeJobOptions options = GazeJobOptions.builder(SparkSessions.model().toString())
                .frames(6)
                .clipLength(4)
                .gazingRatio(0.1)
                .tiles(true)
                .backend(GazeJobOptions.BackendChoice.CPU)
                .tasks(2)
                .build();
        Dataset<Row> corpus = spark.createDataset(List.of(example.toString()), Encoders.STRING())
                .toDF(AutoGazeSpark.PATH_COLUMN);
        List<Row> rows = AutoGazeSpark.gaze(corpus, options).orderBy("frame").collectAsList();
        // 448 x 448 frames: 2 x 2 tiles of 224 px, so cells carry tiles 0..3
        assertEquals(
                List.of(0, 1, 2, 3),
                rows.get(0).<Row>getList(rows.get(0).fieldIndex("cells")).stream()
                        .map(c -> c.getInt(4))
                        .distinct()
                        .sorted()
                        .toList());
        TraceComparison.assertRowsEqualTrace(
                rows,
                TraceComparison.cliTrace(
                        example,
                        dir.resolve("cli-tiles"),
                        "--frames",
                        "6",
                        "--clip-length",
                        "4",
                        "--gazing-ratio",
                        "0.1",
                        "--tiles"));
    }

    @Test
    void aVideoThatBreaksWhileGazedFailsItsOwnClipsAndTheTaskGoesOn() throws IOException {
        // an image folder whose fifth frame is not an image: it is planned (5 files) and fails when read
        Path broken = imageFolder(dir.resolve("broken"), 5);
        Files.write(broken.resolve("frame_004.png"), new byte[] {1, 2, 3});
        Path good = imageFolder(dir.resolve("good"), 5);
        Dataset<Row> corpus = spark.createDataset(List.of(broken.toString(), good.toString()), Encoders.STRING())
                .toDF(AutoGazeSpark.PATH_COLUMN);
        GazeJobOptions options = GazeJobOptions.builder(SparkSessions.model().toString())
                .frames(10)
                .clipLength(4)
                .gazingRatio(0.1)
                .backend(GazeJobOptions.BackendChoice.CPU)
                .tasks(1)
                .build();
        List<Row> rows = AutoGazeSpark.gaze(corpus, options).collectAsList();

        TraceComparison.assertRowsEqualTrace(
                rows.stream()
                        .filter(r -> r.getAs("video").equals(good.toString()))
                        .toList(),
                TraceComparison.cliTrace(good, dir.resolve("cli-good"), CLI_OPTIONS));
        List<Row> bad = rows.stream()
                .filter(r -> r.getAs("video").equals(broken.toString()))
                .toList();
        List<Row> errors = bad.stream().filter(r -> r.getAs("error") != null).toList();
        assertTrue(!errors.isEmpty(), "the broken folder gives error rows");
        assertEquals(
                1,
                errors.stream().filter(r -> (int) r.getAs("clip") == 1).count(),
                "clip 1 (frames 4..) failed once: " + errors);
        assertTrue(errors.get(errors.size() - 1).<String>getAs("error").contains("broken"), errors.toString());
        for (Row r : bad) {
            assertTrue(r.getAs("error") != null || (int) r.getAs("clip") == 0, "only clip 0 may have been gazed: " + r);
        }

        GazeJobOptions fail =
                options.toBuilder().onError(GazeJobOptions.ErrorPolicy.FAIL).build();
        Exception e = assertThrows(
                Exception.class, () -> AutoGazeSpark.gaze(corpus, fail).collectAsList());
        assertTrue(String.valueOf(e.getMessage()).contains("broken"), String.valueOf(e.getMessage()));
    }

    @Test
    void theFailPolicyStopsTheJobWithTheVideosName() throws IOException {
        Path corrupt = dir.resolve("broken.mp4");
        Files.write(corrupt, new byte[] {0, 0, 0, 8, 'f', 't', 'y', 'p'});
        Dataset<Row> corpus = spark.createDataset(List.of(corrupt.toString()), Encoders.STRING())
                .toDF(AutoGazeSpark.PATH_COLUMN);
        GazeJobOptions options = GazeJobOptions.builder(SparkSessions.model().toString())
                .onError(GazeJobOptions.ErrorPolicy.FAIL)
                .build();
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> AutoGazeSpark.gaze(corpus, options));
        assertTrue(e.getMessage().contains("broken.mp4"), e.getMessage());
    }

    @Test
    void aMissingModelOrPathColumnIsRefusedBeforeAnyTask() {
        Dataset<Row> corpus =
                spark.createDataset(List.of("a.mp4"), Encoders.STRING()).toDF();
        GazeJobOptions noModel =
                GazeJobOptions.builder(dir.resolve("no-model").toString()).build();
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> AutoGazeSpark.gaze(corpus, noModel));
        assertTrue(e.getMessage().contains("no-model") && e.getMessage().contains("config.json"), e.getMessage());
        GazeJobOptions options =
                GazeJobOptions.builder(SparkSessions.model().toString()).build();
        e = assertThrows(IllegalArgumentException.class, () -> AutoGazeSpark.gaze(corpus, options));
        assertTrue(e.getMessage().contains("no column 'path'") && e.getMessage().contains("value"), e.getMessage());
    }

    private static List<Row> rowsOf(Dataset<Row> table, String video) {
        return table.filter(table.col("video").equalTo(video)).orderBy("frame").collectAsList();
    }

    /** {@code n} random 64x48 PNG frames, seeded. */
    static Path imageFolder(Path folder, int n) throws IOException {
        Files.createDirectories(folder);
        Random random = new Random(7);
        for (int i = 0; i < n; i++) {
            BufferedImage image = new BufferedImage(64, 48, BufferedImage.TYPE_INT_RGB);
            for (int y = 0; y < 48; y++) {
                for (int x = 0; x < 64; x++) {
                    image.setRGB(x, y, random.nextInt(1 << 24));
                }
            }
            ImageIO.write(
                    image,
                    "png",
                    folder.resolve(String.format(Locale.ROOT, "frame_%03d.png", i))
                            .toFile());
        }
        return folder;
    }
}
