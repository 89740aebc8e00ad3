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
import org.apache.spark.sql.Row;

/** Runs the CLI ({@code ./autogaze}'s own code) and compares the rows of a video with the trace.json it writes. */
final class TraceComparison {
    private static final ObjectMapper JSON = new ObjectMapper();

    private TraceComparison() {}

    /** The trace.json the CLI writes for {@code input} with {@code options} (CLI syntax) into {@code out}. */
    static JsonNode cliTrace(Path input, Path out, String... options) throws IOException {
        List<String> args = new ArrayList<>(List.of(
                "--input",
                input.toString(),
                "--model",
                SparkSessions.model().toString(),
                "--out",
                out.toString(),
                "--backend",
                "cpu",
                "--no-png",
                "--no-progress"));
        args.addAll(List.of(options));
        StringWriter err = new StringWriter();
        int code = Main.execute(new PrintWriter(new StringWriter()), new PrintWriter(err), args.toArray(String[]::new));
        assertEquals(0, code, err.toString());
        return JSON.readTree(out.resolve("trace.json").toFile());
    }

    /** Asserts that {@code rows} (one video's, in frame order) say what {@code trace} says of every frame. */
    static void assertRowsEqualTrace(List<Row> rows, JsonNode trace) throws IOException {
        JsonNode frames = trace.get("frames");
        Map<Integer, FrameTrace> fixations = new HashMap<>();
        for (GazeTrace t : TraceJson.fromJson(trace.get("trace").toString())) {
            t.frames().forEach(f -> fixations.put(f.frame(), f));
        }
        assertEquals(frames.size(), rows.size(), "one row per frame of trace.json");
        for (int i = 0; i < rows.size(); i++) {
            Row row = rows.get(i);
            JsonNode f = frames.get(i);
            String where = row.getAs("video") + " frame " + i;
            assertNull(row.getAs("error"), where);
            assertEquals(f.get("frame").asInt(), (int) row.getAs("frame"), where);
            assertEquals(f.get("sourceIndex").asInt(), (int) row.getAs("sourceIndex"), where);
            assertEquals(f.get("seconds").asDouble(), (double) row.getAs("seconds"), 0.0, where);
            assertEquals(f.get("clip").asInt(), (int) row.getAs("clip"), where);
            assertEquals(f.get("width").asInt(), (int) row.getAs("width"), where);
            assertEquals(f.get("height").asInt(), (int) row.getAs("height"), where);
            assertEquals(f.get("slots").asInt(), (int) row.getAs("slots"), where);
            assertEquals(f.get("padded").asInt(), (int) row.getAs("padded"), where);
            assertEquals(
                    cells(fixations.get(f.get("frame").asInt()).fixations(), f.get("pixels")),
                    cells(row.getList(row.fieldIndex("cells"))),
                    where + ": cells");
        }
    }

    /**
     * Asserts that the {@code readout} column of {@code rows} (one video's, in frame order) holds the tokens of the
     * CLI's readout block ({@code --readout-format json}, tubelet 1: {@code (clip, temporal, row, col)} per token).
     */
    static void assertReadoutEqualsTrace(List<Row> rows, JsonNode trace, int clipLength) {
        JsonNode readout = trace.get("readout");
        assertEquals(1, readout.get("tubelet").asInt(), "tubelet-1 readout: one temporal bin per frame");
        Map<Integer, List<String>> cli = new HashMap<>();
        for (JsonNode c : readout.get("coords")) {
            int frame = c.get(0).asInt() * clipLength + c.get(1).asInt();
            cli.computeIfAbsent(frame, f -> new ArrayList<>())
                    .add(c.get(2).asInt() + "," + c.get(3).asInt());
        }
        for (Row row : rows) {
            int frame = row.getAs("frame");
            List<String> spark = new ArrayList<>();
            for (Row token : row.<Row>getList(row.fieldIndex("readout"))) {
                spark.add(token.getInt(1) + "," + token.getInt(2));
            }
            assertEquals(
                    cli.getOrDefault(frame, List.of()).stream().sorted().toList(),
                    spark.stream().sorted().toList(),
                    "readout tokens of frame " + frame);
        }
    }

    /** The CLI's cells as comparable strings: scale, row, col, grid, tile, confidence, rectangle, pixels. */
    private static List<String> cells(List<Fixation> fixations, JsonNode pixels) {
        List<String> out = new ArrayList<>();
        for (int k = 0; k < fixations.size(); k++) {
            Fixation x = fixations.get(k);
            out.add(x.scale() + " " + x.row() + " " + x.col() + " " + x.grid() + " " + x.tile() + " " + x.confidence()
                    + " "
                    + List.of(
                            x.rect().x0(),
                            x.rect().y0(),
                            x.rect().x1(),
                            x.rect().y1()) + " " + pixels.get(k));
        }
        return out;
    }

    private static List<String> cells(List<Row> cells) {
        List<String> out = new ArrayList<>();
        for (Row c : cells) {
            out.add(c.getInt(0) + " " + c.getInt(1) + " " + c.getInt(2) + " " + c.getInt(3) + " " + c.getInt(4) + " "
                    + (c.isNullAt(5) ? Double.NaN : c.getDouble(5)) + " " + c.getList(6) + " "
                    + c.getList(7).toString().replace(" ", ""));
        }
        return out;
    }
}
