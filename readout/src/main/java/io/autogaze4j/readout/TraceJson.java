package io.autogaze4j.readout;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Reads and writes traces as JSON, schema {@value #FORMAT} version {@value #VERSION} (documented in
 * docs/readout.md). Fields are written in a fixed order; doubles in their shortest exact decimal form,
 * so a written trace reads back equal. An unknown confidence is written as {@code null}.
 */
public final class TraceJson {
    /** The value of the top-level {@code format} field. */
    public static final String FORMAT = "autogaze4j-trace";
    /** The schema version written; reading refuses other versions. */
    public static final int VERSION = 1;

    private static final JsonFactory FACTORY = new JsonFactory();
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private TraceJson() {}

    /** Writes the traces to a stream (UTF-8, pretty-printed); the stream is left open. */
    public static void write(List<GazeTrace> traces, OutputStream out) throws IOException {
        write(traces, Map.of(), out);
    }

    /**
     * Writes the traces followed by extra top-level fields (e.g. {@code "metrics"}), in the map's iteration
     * order. {@link #read} ignores such fields. The names {@code format}, {@code version} and {@code clips}
     * are refused.
     */
    public static void write(List<GazeTrace> traces, Map<String, ? extends JsonNode> extraFields, OutputStream out)
            throws IOException {
        for (String name : extraFields.keySet()) {
            if (name.equals("format") || name.equals("version") || name.equals("clips")) {
                throw new IllegalArgumentException("extra field \"" + name + "\" would replace a trace field");
            }
        }
        try (JsonGenerator g = FACTORY.createGenerator(out, JsonEncoding.UTF8)) {
            g.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
            g.setCodec(MAPPER);
            g.useDefaultPrettyPrinter();
            g.writeStartObject();
            g.writeStringField("format", FORMAT);
            g.writeNumberField("version", VERSION);
            g.writeArrayFieldStart("clips");
            for (GazeTrace trace : traces) {
                writeTrace(g, trace);
            }
            g.writeEndArray();
            for (Map.Entry<String, ? extends JsonNode> e : extraFields.entrySet()) {
                g.writeFieldName(e.getKey());
                g.writeTree(e.getValue());
            }
            g.writeEndObject();
        }
    }

    /** Writes the traces to a file. */
    public static void write(List<GazeTrace> traces, Path file) throws IOException {
        write(traces, Map.of(), file);
    }

    /** Writes the traces and extra top-level fields to a file (see {@link #write(List, Map, OutputStream)}). */
    public static void write(List<GazeTrace> traces, Map<String, ? extends JsonNode> extraFields, Path file)
            throws IOException {
        try (OutputStream out = Files.newOutputStream(file)) {
            write(traces, extraFields, out);
        }
    }

    /** The traces as a JSON string. */
    public static String toJson(List<GazeTrace> traces) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            write(traces, out);
        } catch (IOException e) {
            throw new IllegalStateException("writing to memory failed", e);
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    /** Reads traces written by {@link #write}; malformed input gives an {@link IOException} naming the problem. */
    public static List<GazeTrace> read(InputStream in) throws IOException {
        JsonNode root;
        try {
            root = MAPPER.readTree(in);
            if (root == null || root.isMissingNode()) {
                throw new IOException("trace JSON is empty");
            }
        } catch (JsonProcessingException e) {
            throw new IOException("trace JSON is not valid JSON: " + e.getOriginalMessage(), e);
        }
        try {
            return parse(root);
        } catch (IllegalArgumentException e) {
            throw new IOException("trace JSON: " + e.getMessage(), e);
        }
    }

    /** Reads traces from a file. */
    public static List<GazeTrace> read(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return read(in);
        }
    }

    /** Reads traces from a JSON string. */
    public static List<GazeTrace> fromJson(String json) throws IOException {
        return read(new java.io.ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)));
    }

    private static void writeTrace(JsonGenerator g, GazeTrace trace) throws IOException {
        g.writeStartObject();
        g.writeNumberField("clip", trace.clip());
        g.writeArrayFieldStart("tiles");
        for (TilePlacement tile : trace.tiles()) {
            g.writeStartObject();
            g.writeNumberField("index", tile.index());
            writeRect(g, "area", tile.area());
            g.writeEndObject();
        }
        g.writeEndArray();
        g.writeArrayFieldStart("frames");
        for (FrameTrace frame : trace.frames()) {
            g.writeStartObject();
            g.writeNumberField("frame", frame.frame());
            g.writeArrayFieldStart("fixations");
            for (Fixation f : frame.fixations()) {
                g.writeStartObject();
                g.writeNumberField("cell", f.cell());
                g.writeNumberField("scale", f.scale());
                g.writeNumberField("row", f.row());
                g.writeNumberField("col", f.col());
                g.writeNumberField("grid", f.grid());
                g.writeNumberField("tile", f.tile());
                writeRect(g, "rect", f.rect());
                if (f.hasConfidence()) {
                    g.writeNumberField("confidence", f.confidence());
                } else {
                    g.writeNullField("confidence");
                }
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
        }
        g.writeEndArray();
        g.writeEndObject();
    }

    private static void writeRect(JsonGenerator g, String name, NormRect r) throws IOException {
        g.writeFieldName(name);
        g.writeArray(r.toArray(), 0, 4);
    }

    private static List<GazeTrace> parse(JsonNode root) {
        if (!root.isObject() || !FORMAT.equals(root.path("format").asText(null))) {
            throw new IllegalArgumentException("top-level field \"format\" must be \"" + FORMAT + "\"");
        }
        if (root.path("version").asInt(-1) != VERSION) {
            throw new IllegalArgumentException(
                    "version " + root.path("version") + " is not supported (expected " + VERSION + ")");
        }
        List<GazeTrace> traces = new ArrayList<>();
        for (JsonNode clip : array(root, "clips")) {
            List<TilePlacement> tiles = new ArrayList<>();
            for (JsonNode tile : array(clip, "tiles")) {
                tiles.add(new TilePlacement(integer(tile, "index"), rect(tile, "area")));
            }
            List<FrameTrace> frames = new ArrayList<>();
            for (JsonNode frame : array(clip, "frames")) {
                int index = integer(frame, "frame");
                List<Fixation> fixations = new ArrayList<>();
                for (JsonNode f : array(frame, "fixations")) {
                    JsonNode conf = f.get("confidence");
                    if (conf == null || !(conf.isNull() || conf.isNumber())) {
                        throw new IllegalArgumentException("field \"confidence\" must be a number or null");
                    }
                    fixations.add(new Fixation(
                            index,
                            integer(f, "cell"),
                            integer(f, "scale"),
                            integer(f, "row"),
                            integer(f, "col"),
                            integer(f, "grid"),
                            integer(f, "tile"),
                            rect(f, "rect"),
                            conf.isNull() ? Double.NaN : conf.doubleValue()));
                }
                frames.add(new FrameTrace(index, fixations));
            }
            traces.add(new GazeTrace(integer(clip, "clip"), frames, tiles));
        }
        return traces;
    }

    private static JsonNode array(JsonNode parent, String name) {
        JsonNode n = parent.get(name);
        if (n == null || !n.isArray()) {
            throw new IllegalArgumentException("field \"" + name + "\" must be an array");
        }
        return n;
    }

    private static int integer(JsonNode parent, String name) {
        JsonNode n = parent.get(name);
        if (n == null || !n.canConvertToInt() || !n.isIntegralNumber()) {
            throw new IllegalArgumentException("field \"" + name + "\" must be an integer");
        }
        return n.intValue();
    }

    private static NormRect rect(JsonNode parent, String name) {
        JsonNode n = array(parent, name);
        if (n.size() != 4) {
            throw new IllegalArgumentException("field \"" + name + "\" must hold 4 numbers [x0, y0, x1, y1]");
        }
        double[] v = new double[4];
        for (int i = 0; i < 4; i++) {
            if (!n.get(i).isNumber()) {
                throw new IllegalArgumentException("field \"" + name + "\" must hold 4 numbers [x0, y0, x1, y1]");
            }
            v[i] = n.get(i).doubleValue();
        }
        return new NormRect(v[0], v[1], v[2], v[3]);
    }
}
