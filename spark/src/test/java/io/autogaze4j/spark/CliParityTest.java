package io.autogaze4j.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.autogaze4j.cli.Main;
import io.autogaze4j.readout.Fixation;
import io.autogaze4j.readout.FrameTrace;
import io.autogaze4j.readout.GazeTrace;
import io.autogaze4j.readout.TraceJson;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The rows of one video equal what {@code ./autogaze --input} writes in trace.json for the same video and options. */
class CliParityTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static SparkSession spark;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() {
        spark = SparkSessions.local();
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    @Test
    void rowsOfAVideoEqualTheCliTraceOfIt() throws IOException {
        Path video = SparkSessions.exampleVideo();
        Path cliOut = dir.resolve("cli");
        StringWriter err = new StringWriter();
        int code = Main.execute(new PrintWriter(new StringWriter()), new PrintWriter(err), "--input", video.toString(), "--model",
                SparkSessions.model().toString(), "--out", cliOut.toString(), "--frames", "10", "--clip-length", "4", "--gazing-ratio",
                "0.1", "--backend", "cpu", "--no-png", "--no-progress");
        assertEquals(0, code, err.toString());

        GazeJobOptions options = GazeJobOptions.builder(SparkSessions.model().toString()).frames(10).clipLength(4).gazingRatio(0.1)
                .backend(GazeJobOptions.BackendChoice.CPU).tasks(2).build();
        Dataset<Row> videos = spark.createDataset(List.of(video.toString()), Encoders.STRING()).toDF(AutoGazeSpark.PATH_COLUMN);
        Path table = dir.resolve("table");
        AutoGazeSpark.gaze(videos, options).write().parquet(table.toString());
        List<Row> rows = spark.read().parquet(table.toString()).orderBy("frame").collectAsList();

        JsonNode trace = JSON.readTree(cliOut.resolve("trace.json").toFile());
        JsonNode frames = trace.get("frames");
        Map<Integer, FrameTrace> fixations = new HashMap<>();
        for (GazeTrace t : TraceJson.fromJson(trace.get("trace").toString())) {
            t.frames().forEach(f -> fixations.put(f.frame(), f));
        }
        assertEquals(frames.size(), rows.size(), "one row per frame of trace.json");
        for (int i = 0; i < rows.size(); i++) {
            Row row = rows.get(i);
            JsonNode f = frames.get(i);
            String where = "frame " + i;
            assertEquals(video.toString(), row.getAs("video"), where);
            assertNull(row.getAs("error"), where);
            assertEquals(f.get("frame").asInt(), (int) row.getAs("frame"), where);
            assertEquals(f.get("sourceIndex").asInt(), (int) row.getAs("sourceIndex"), where);
            assertEquals(f.get("seconds").asDouble(), (double) row.getAs("seconds"), 0.0, where);
            assertEquals(f.get("clip").asInt(), (int) row.getAs("clip"), where);
            assertEquals(f.get("width").asInt(), (int) row.getAs("width"), where);
            assertEquals(f.get("height").asInt(), (int) row.getAs("height"), where);
            assertEquals(f.get("slots").asInt(), (int) row.getAs("slots"), where);
            assertEquals(f.get("padded").asInt(), (int) row.getAs("padded"), where);
            assertEquals(cells(fixations.get(f.get("frame").asInt()).fixations(), f.get("pixels")), cells(row.getList(row.fieldIndex("cells"))),
                    where + ": cells");
        }
    }

    /** The CLI's cells as comparable strings: scale, row, col, grid, tile, confidence, rectangle, pixels. */
    private static List<String> cells(List<Fixation> fixations, JsonNode pixels) {
        List<String> out = new ArrayList<>();
        for (int k = 0; k < fixations.size(); k++) {
            Fixation x = fixations.get(k);
            out.add(x.scale() + " " + x.row() + " " + x.col() + " " + x.grid() + " " + x.tile() + " " + x.confidence() + " "
                    + List.of(x.rect().x0(), x.rect().y0(), x.rect().x1(), x.rect().y1()) + " " + pixels.get(k));
        }
        return out;
    }

    private static List<String> cells(List<Row> cells) {
        List<String> out = new ArrayList<>();
        for (Row c : cells) {
            out.add(c.getInt(0) + " " + c.getInt(1) + " " + c.getInt(2) + " " + c.getInt(3) + " " + c.getInt(4) + " "
                    + (c.isNullAt(5) ? Double.NaN : c.getDouble(5)) + " " + c.getList(6) + " " + c.getList(7).toString().replace(" ", ""));
        }
        return out;
    }
}
