package io.autogaze4j.readout.viz;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.autogaze4j.readout.GazeTrace;
import io.autogaze4j.readout.TraceJson;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@link RunMetrics} as JSON (Jackson trees), and {@code trace.json} files carrying them in a top-level
 * {@code "metrics"} array aligned with {@code "clips"}. A value that is not finite is written as
 * {@code null}: an infinite PSNR (output equal to the frame) or a mean of an empty run. Reading maps
 * {@code null} back to {@code +Infinity} for PSNR fields and to {@code NaN} for the others.
 */
public final class MetricsJson {
    /** The top-level field of trace.json that holds the metrics, one entry per clip. */
    public static final String FIELD = "metrics";

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private MetricsJson() {}

    /** Writes {@code trace.json}: the traces (schema of {@link TraceJson}) plus {@code "metrics"}, one entry per trace. */
    public static void writeTrace(List<GazeTrace> traces, List<RunMetrics> metrics, Path file) throws IOException {
        if (metrics.size() != traces.size()) {
            throw new IllegalArgumentException("one metrics entry per clip is needed: " + traces.size() + " clips, "
                    + metrics.size() + " metrics");
        }
        ArrayNode all = NODES.arrayNode();
        metrics.forEach(m -> all.add(toJson(m)));
        TraceJson.write(traces, Map.of(FIELD, all), file);
    }

    /** The metrics entries of a {@code trace.json} (empty when it has none). */
    public static List<RunMetrics> readTrace(Path file) throws IOException {
        JsonNode root = new com.fasterxml.jackson.databind.ObjectMapper().readTree(file.toFile());
        List<RunMetrics> out = new ArrayList<>();
        for (JsonNode m : root.path(FIELD)) {
            out.add(fromJson(m));
        }
        return out;
    }

    /** The run's metrics as a JSON object. */
    public static ObjectNode toJson(RunMetrics m) {
        ObjectNode o = NODES.objectNode();
        o.put("frameCount", m.frameCount());
        o.put("keyframes", m.keyframes());
        number(o, "emaAlpha", m.emaAlpha());
        number(o, "meanGazeRatio", m.meanGazeRatio());
        number(o, "meanUpdateRatio", m.meanUpdateRatio());
        number(o, "meanMse", m.meanMse());
        number(o, "psnr", m.psnr());
        number(o, "minPsnr", m.minPsnr());
        ArrayNode frames = o.putArray("frames");
        for (FrameMetrics f : m.frames()) {
            ObjectNode fo = frames.addObject();
            fo.put("frame", f.frame());
            fo.put("keyframe", f.keyframe());
            fo.put("framePixels", f.framePixels());
            fo.put("gazedPixels", f.gazedPixels());
            fo.put("updatedPixels", f.updatedPixels());
            number(fo, "gazeRatio", f.gazeRatio());
            number(fo, "updateRatio", f.updateRatio());
            number(fo, "mse", f.mse());
            number(fo, "psnr", f.psnr());
            number(fo, "emaGazeRatio", f.emaGazeRatio());
            number(fo, "emaUpdateRatio", f.emaUpdateRatio());
            number(fo, "emaMse", f.emaMse());
            number(fo, "emaPsnr", f.emaPsnr());
        }
        return o;
    }

    /** Reads what {@link #toJson} wrote. */
    public static RunMetrics fromJson(JsonNode o) {
        List<FrameMetrics> frames = new ArrayList<>();
        for (JsonNode f : o.path("frames")) {
            frames.add(new FrameMetrics(
                    f.path("frame").asInt(),
                    f.path("keyframe").asBoolean(),
                    f.path("framePixels").asLong(),
                    f.path("gazedPixels").asLong(),
                    f.path("updatedPixels").asLong(),
                    read(f, "gazeRatio", false),
                    read(f, "updateRatio", false),
                    read(f, "mse", false),
                    read(f, "psnr", true),
                    read(f, "emaGazeRatio", false),
                    read(f, "emaUpdateRatio", false),
                    read(f, "emaMse", false),
                    read(f, "emaPsnr", true)));
        }
        boolean any = !frames.isEmpty();
        return new RunMetrics(
                read(o, "emaAlpha", false),
                o.path("keyframes").asInt(),
                read(o, "meanGazeRatio", false),
                read(o, "meanUpdateRatio", false),
                read(o, "meanMse", false),
                read(o, "psnr", any),
                read(o, "minPsnr", any),
                frames);
    }

    private static void number(ObjectNode o, String name, double v) {
        if (Double.isFinite(v)) {
            o.put(name, v);
        } else {
            o.putNull(name);
        }
    }

    private static double read(JsonNode o, String name, boolean nullIsInfinite) {
        JsonNode n = o.get(name);
        if (n == null || !(n.isNull() || n.isNumber())) {
            throw new IllegalArgumentException("metrics field \"" + name + "\" must be a number or null");
        }
        return n.isNull() ? (nullIsInfinite ? Double.POSITIVE_INFINITY : Double.NaN) : n.doubleValue();
    }
}
