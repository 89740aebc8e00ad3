package io.autogaze4j.cli;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.autogaze4j.model.tiling.AnyResTiling;
import io.autogaze4j.model.tiling.PixelRect;
import io.autogaze4j.readout.Fixation;
import io.autogaze4j.readout.FrameTrace;
import io.autogaze4j.readout.GazeTrace;
import io.autogaze4j.readout.TraceJson;
import io.autogaze4j.readout.viz.MetricsJson;
import io.autogaze4j.video.FrameSampling;
import io.autogaze4j.weights.AutoGazeConfig;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.function.ToLongFunction;

/**
 * Writes a run's {@code trace.json}, schema {@value #FORMAT} version {@value #VERSION} (docs/cli.md):
 * the input, model, options and timings, one entry per frame (source index, time, slot and padding
 * counts, per-scale counts, the pixel rectangle of every fixation, the overlay file), and under
 * {@code "trace"} the fixations themselves as a readout trace document ({@link TraceJson}, docs/readout.md).
 */
final class RunJson {
    /** The value of the top-level {@code format} field. */
    static final String FORMAT = "autogaze4j-run";
    /** The schema version written. */
    static final int VERSION = 1;

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private RunJson() {}

    /** Writes {@code report} to {@code file}. */
    static void write(RunReport report, Path file) throws IOException {
        try (OutputStream out = Files.newOutputStream(file);
                JsonGenerator g = MAPPER.getFactory().createGenerator(out, JsonEncoding.UTF8)) {
            g.useDefaultPrettyPrinter();
            g.writeStartObject();
            g.writeStringField("format", FORMAT);
            g.writeNumberField("version", VERSION);
            writeInput(g, report);
            writeModel(g, report.model());
            writeOptions(g, report);
            writeTimings(g, report);
            writeFrames(g, report);
            if (report.metrics() != null) {
                g.writeFieldName(MetricsJson.FIELD);
                g.writeTree(MetricsJson.toJson(report.metrics()));
            }
            if (report.readout().isPresent()) {
                writeReadout(g, report.readout().get());
            }
            g.writeFieldName("trace");
            g.writeTree(MAPPER.readTree(TraceJson.toJson(report.traces())));
            g.writeEndObject();
        }
    }

    private static void writeInput(JsonGenerator g, RunReport r) throws IOException {
        g.writeObjectFieldStart("input");
        g.writeStringField("path", r.settings().input().toString());
        g.writeStringField("kind", r.inputKind());
        g.writeNumberField("width", r.plan().source().width());
        g.writeNumberField("height", r.plan().source().height());
        g.writeNumberField("frames", r.frames().size());
        g.writeStringField("decoder", r.settings().decoder().name().toLowerCase(Locale.ROOT));
        if (r.decode().declared().isPresent()) {
            g.writeNumberField("declaredFrames", r.decode().declared().getAsInt());
        } else {
            g.writeNullField("declaredFrames");
        }
        g.writeNumberField("decodedFrames", r.decode().decoded());
        g.writeBooleanField("truncated", r.decode().truncated());
        g.writeEndObject();
    }

    private static void writeModel(JsonGenerator g, LoadedModel m) throws IOException {
        AutoGazeConfig c = m.model().config();
        g.writeObjectFieldStart("model");
        g.writeStringField("source", m.source());
        g.writeBooleanField("demo", m.demo());
        g.writeStringField("backend", m.model().backend().name());
        g.writeNumberField("parameters", m.parameters());
        g.writeNumberField("K", c.numHeads());
        g.writeFieldName("scales");
        g.writeArray(c.scales(), 0, c.numScales());
        int[] grids = new int[c.numScales()];
        for (int s = 0; s < grids.length; s++) {
            grids[s] = c.gridOfScale(s);
        }
        g.writeFieldName("grids");
        g.writeArray(grids, 0, grids.length);
        g.writeNumberField("cellsPerFrame", c.cellsPerFrame());
        g.writeNumberField("maxFrames", c.maxNumFrames());
        g.writeNumberField("configGazingRatio", c.defaultGazingRatio());
        writeOptional(
                g,
                "configTaskLossRequirement",
                c.hasTaskLossRequirement()
                        ? OptionalDouble.of(c.defaultTaskLossRequirement())
                        : OptionalDouble.empty());
        g.writeEndObject();
    }

    private static void writeOptions(JsonGenerator g, RunReport r) throws IOException {
        RunSettings s = r.settings();
        g.writeObjectFieldStart("options");
        g.writeNumberField("gazingRatio", r.budget().gazingRatio());
        writeOptional(g, "taskLossRequirement", r.budget().taskLossRequirement());
        g.writeNumberField(
                "tokensPerFrame",
                r.budget().tokensPerFrame(r.model().model().config().cellsPerFrame()));
        g.writeNumberField("clipLength", s.clipLength());
        if (r.plan().tiling().isPresent()) {
            AnyResTiling t = r.plan().tiling().get();
            g.writeObjectFieldStart("tiles");
            g.writeNumberField("size", t.tile());
            g.writeNumberField("rows", t.rows());
            g.writeNumberField("cols", t.cols());
            g.writeEndObject();
        } else {
            g.writeNullField("tiles");
        }
        FrameSampling sampling = s.sampling();
        g.writeObjectFieldStart("sampling");
        g.writeNumberField("start", sampling.fromSeconds());
        writeOptional(
                g,
                "end",
                Double.isInfinite(sampling.toSeconds())
                        ? OptionalDouble.empty()
                        : OptionalDouble.of(sampling.toSeconds()));
        g.writeNumberField("every", sampling.step());
        if (sampling.maxFrames() == 0) {
            g.writeNullField("frames");
        } else {
            g.writeNumberField("frames", sampling.maxFrames());
        }
        g.writeEndObject();
        g.writeNumberField("threads", s.threads());
        g.writeBooleanField("png", s.png());
        g.writeNumberField("batchRows", r.pipeline().batchRows());
        g.writeBooleanField("strict", s.strict());
        g.writeBooleanField("metrics", s.metrics());
        g.writeEndObject();
    }

    private static void writeTimings(JsonGenerator g, RunReport r) throws IOException {
        g.writeObjectFieldStart("timings");
        g.writeNumberField("modelLoadMs", millis(r.loadNanos()));
        g.writeNumberField("decodeMs", millis(sum(r.clips(), ClipTiming::decode)));
        g.writeNumberField("preprocessMs", millis(sum(r.clips(), ClipTiming::preprocess)));
        g.writeNumberField("gazeMs", millis(sum(r.clips(), ClipTiming::gaze)));
        g.writeNumberField("renderMs", millis(sum(r.clips(), ClipTiming::render)));
        g.writeNumberField("totalMs", millis(r.totalNanos()));
        g.writeNumberField("framesPerSecond", Math.round(r.frames().size() / (r.totalNanos() / 1e9) * 1000) / 1000.0);
        g.writeNumberField("batches", r.pipeline().batches());
        g.writeNumberField("rows", r.pipeline().rows());
        g.writeNumberField("pipelineMs", millis(r.pipeline().wallNanos()));
        g.writeArrayFieldStart("clips");
        for (ClipTiming c : r.clips()) {
            g.writeStartObject();
            g.writeNumberField("clip", c.clip());
            g.writeNumberField("firstFrame", c.firstFrame());
            g.writeNumberField("frames", c.frames());
            g.writeNumberField("rows", c.rows());
            g.writeNumberField("decodeMs", millis(c.decode()));
            g.writeNumberField("preprocessMs", millis(c.preprocess()));
            g.writeNumberField("gazeMs", millis(c.gaze()));
            g.writeNumberField("renderMs", millis(c.render()));
            g.writeEndObject();
        }
        g.writeEndArray();
        g.writeEndObject();
    }

    private static void writeFrames(JsonGenerator g, RunReport r) throws IOException {
        Map<Integer, FrameTrace> traced = new HashMap<>();
        for (GazeTrace t : r.traces()) {
            for (FrameTrace f : t.frames()) {
                traced.put(f.frame(), f);
            }
        }
        int scales = r.model().model().config().numScales();
        g.writeArrayFieldStart("frames");
        for (FrameRecord f : r.frames()) {
            List<Fixation> fixations = traced.get(f.facts().frame()).fixations();
            int[] perScale = new int[scales];
            fixations.forEach(x -> perScale[x.scale()]++);
            g.writeStartObject();
            g.writeNumberField("frame", f.facts().frame());
            g.writeNumberField("sourceIndex", f.facts().sourceIndex());
            g.writeNumberField("seconds", f.facts().seconds());
            g.writeNumberField("clip", f.facts().clip());
            g.writeNumberField("width", f.facts().width());
            g.writeNumberField("height", f.facts().height());
            g.writeNumberField("slots", f.facts().slots());
            g.writeNumberField("padded", f.facts().padded());
            g.writeNumberField("gazed", fixations.size());
            g.writeFieldName("perScale");
            g.writeArray(perScale, 0, scales);
            g.writeStringField("png", f.png());
            g.writeArrayFieldStart("pixels");
            for (Fixation x : fixations) {
                PixelRect px = x.rect().pixelRect(f.facts().width(), f.facts().height());
                g.writeArray(new int[] {px.x0(), px.y0(), px.x1(), px.y1()}, 0, 4);
            }
            g.writeEndArray();
            g.writeEndObject();
        }
        g.writeEndArray();
    }

    /** The readout block: the grid, and the coordinates inline (json) or the file that holds them (npy). */
    private static void writeReadout(JsonGenerator g, ReadoutRecord r) throws IOException {
        g.writeObjectFieldStart("readout");
        g.writeFieldName("grid");
        g.writeArray(new int[] {r.spec().rows(), r.spec().cols()}, 0, 2);
        g.writeNumberField("tubelet", r.spec().tubelet());
        g.writeNumberField("tokens", r.coords().size());
        g.writeNumberField("skippedClips", r.skippedClips());
        g.writeFieldName("columns");
        g.writeArray(new String[] {"clip", "temporal", "row", "col"}, 0, 4);
        if (r.spec().format() == ReadoutSpec.Format.NPY) {
            g.writeStringField("file", ReadoutRecord.NPY_FILE);
        } else {
            g.writeArrayFieldStart("coords");
            for (int[] c : r.coords()) {
                g.writeArray(c, 0, 4);
            }
            g.writeEndArray();
        }
        g.writeEndObject();
    }

    private static void writeOptional(JsonGenerator g, String name, OptionalDouble v) throws IOException {
        if (v.isPresent()) {
            g.writeNumberField(name, v.getAsDouble());
        } else {
            g.writeNullField(name);
        }
    }

    private static long sum(List<ClipTiming> clips, ToLongFunction<ClipTiming> part) {
        return clips.stream().mapToLong(part).sum();
    }

    private static double millis(long nanos) {
        return Math.round(nanos / 1e3) / 1e3;
    }
}
