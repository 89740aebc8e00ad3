package io.autogaze4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.autogaze4j.model.tiling.PixelRect;
import io.autogaze4j.readout.Fixation;
import io.autogaze4j.readout.GazeTrace;
import io.autogaze4j.readout.TraceJson;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The main job end to end: the example video through the demo model into trace.json and PNGs. */
class MainJobTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path out;

    @Test
    void exampleVideoWithTheDemoModelWritesTraceAndOverlays() throws IOException {
        Cli run = Cli.run(
                "--input", Cli.exampleVideo().toString(), "--out", out.toString(), "--frames", "3", "--threads", "2");
        assertEquals(0, run.code(), run.err());
        assertTrue(run.err().contains("DEMO checkpoint") && run.err().contains("meaningless"), run.err());
        assertTrue(run.out().contains("gazed 3 frames"), run.out());

        JsonNode root = JSON.readTree(out.resolve("trace.json").toFile());
        assertEquals("autogaze4j-run", root.get("format").asText());
        assertEquals(1, root.get("version").asInt());
        assertTrue(root.at("/model/demo").asBoolean());
        assertEquals(10, root.at("/model/K").asInt());
        assertEquals("[2,4,7,14]", root.at("/model/grids").toString());
        assertTrue(root.at("/model/parameters").asLong() > 1_000_000);
        // the demo config has ratio 0.5 and no requirement: floor(0.5 * 265) = 132 tokens, no early stop
        assertEquals(0.5, root.at("/options/gazingRatio").asDouble());
        assertTrue(root.at("/options/taskLossRequirement").isNull());
        assertEquals(132, root.at("/options/tokensPerFrame").asInt());
        assertTrue(root.at("/timings/gazeMs").asDouble() > 0);
        assertEquals(1, root.at("/timings/clips").size());

        List<GazeTrace> traces = TraceJson.fromJson(root.get("trace").toString());
        assertEquals(1, traces.size());
        JsonNode frames = root.get("frames");
        assertEquals(3, frames.size());
        int width = root.at("/input/width").asInt(),
                height = root.at("/input/height").asInt();
        for (int i = 0; i < 3; i++) {
            JsonNode f = frames.get(i);
            assertEquals(i, f.get("frame").asInt());
            assertEquals(i, f.get("sourceIndex").asInt());
            assertEquals(132, f.get("slots").asInt());
            assertEquals(0, f.get("padded").asInt());
            List<Fixation> fixations = traces.get(0).frame(i).fixations();
            assertEquals(132, fixations.size());
            assertEquals(fixations.size(), f.get("gazed").asInt());
            int perScale = 0;
            for (JsonNode n : f.get("perScale")) {
                perScale += n.asInt();
            }
            assertEquals(fixations.size(), perScale);
            // pixels[k] is the source-frame rectangle of fixation k
            for (int k = 0; k < fixations.size(); k++) {
                JsonNode px = f.get("pixels").get(k);
                PixelRect expected = fixations.get(k).rect().pixelRect(width, height);
                assertEquals(
                        expected,
                        new PixelRect(
                                px.get(0).asInt(),
                                px.get(1).asInt(),
                                px.get(2).asInt(),
                                px.get(3).asInt()));
            }
            Path png = out.resolve(f.get("png").asText());
            BufferedImage image = ImageIO.read(png.toFile());
            assertEquals(width, image.getWidth());
            assertEquals(height, image.getHeight());
        }
        // interframe metrics: the first frame is a keyframe (everything updated), later ones update the gazed area only
        JsonNode metrics = root.get("metrics");
        assertEquals(3, metrics.get("frames").size());
        assertEquals(1.0, metrics.get("frames").get(0).get("updateRatio").asDouble(), 1e-12);
        double gaze = metrics.get("frames").get(1).get("gazeRatio").asDouble();
        assertTrue(gaze > 0 && gaze <= 1, "gaze ratio " + gaze);
        assertTrue(run.out().contains("metrics:") && run.out().contains("PSNR"), run.out());
    }

    @Test
    void vizWritesPanelsGifAndReport() throws IOException {
        Cli run = Cli.run(
                "--input",
                Cli.exampleVideo().toString(),
                "--out",
                out.toString(),
                "--frames",
                "2",
                "--no-png",
                "--viz",
                "--viz-geometry",
                "deduplicated",
                "--keyframe-period",
                "0");
        assertEquals(0, run.code(), run.err());
        Path viz = out.resolve("viz");
        assertTrue(Files.isRegularFile(viz.resolve("gaze.gif")), "no GIF");
        assertTrue(Files.readString(viz.resolve("report.html")).contains("<svg"), "report has no plot");
        try (var panels = Files.list(viz)) {
            assertEquals(
                    2,
                    panels.filter(p -> p.getFileName().toString().startsWith("panel_"))
                            .count());
        }
        assertEquals(
                2,
                JSON.readTree(out.resolve("trace.json").toFile())
                        .at("/metrics/frames")
                        .size());
        assertEquals(
                2,
                Cli.run("--input", Cli.exampleVideo().toString(), "--keyframe-period", "-1")
                        .code());
    }

    @Test
    void openClBackendGivesTheCpuGaze() throws IOException {
        Path cpu = out.resolve("cpu"), gpu = out.resolve("opencl");
        String[] common = {
            "--input", Cli.exampleVideo().toString(), "--frames", "2", "--no-png", "--gazing-ratio", "0.1"
        };
        assertEquals(0, Cli.run(concat(common, "--out", cpu.toString())).code());
        Cli run = Cli.run(concat(common, "--out", gpu.toString(), "--backend", "opencl"));
        assertEquals(0, run.code(), run.err());
        // CI installs PoCL, so an OpenCL device exists and no CPU fallback happens
        String backend = JSON.readTree(gpu.resolve("trace.json").toFile())
                .at("/model/backend")
                .asText();
        assertTrue(backend.toLowerCase(java.util.Locale.ROOT).contains("opencl"), backend);
        List<GazeTrace> a = TraceJson.fromJson(
                JSON.readTree(cpu.resolve("trace.json").toFile()).get("trace").toString());
        List<GazeTrace> b = TraceJson.fromJson(
                JSON.readTree(gpu.resolve("trace.json").toFile()).get("trace").toString());
        for (int f = 0; f < 2; f++) {
            assertEquals(
                    a.get(0).frame(f).fixations().stream().map(Fixation::cell).toList(),
                    b.get(0).frame(f).fixations().stream().map(Fixation::cell).toList(),
                    "frame " + f);
        }
        assertEquals(
                2,
                Cli.run("--input", Cli.exampleVideo().toString(), "--backend", "cuda")
                        .code());
    }

    private static String[] concat(String[] a, String... b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    @Test
    void tiledImageFolderWithExplicitBudgetAndNoPng() throws IOException {
        Path frames = Files.createDirectory(out.resolve("frames-in"));
        for (int i = 0; i < 2; i++) {
            BufferedImage img = new BufferedImage(300, 200, BufferedImage.TYPE_INT_RGB);
            for (int y = 0; y < 200; y++) {
                for (int x = 0; x < 300; x++) {
                    img.setRGB(x, y, (x * 7 + y * 3 + i * 50) & 0xFFFFFF);
                }
            }
            ImageIO.write(img, "png", frames.resolve("f" + i + ".png").toFile());
        }
        Path dest = out.resolve("run");
        Cli run = Cli.run(
                "-i",
                frames.toString(),
                "-o",
                dest.toString(),
                "--tiles",
                "--no-png",
                "--gazing-ratio",
                "0.1",
                "--task-loss-requirement",
                "0.7",
                "--clip-length",
                "1");
        assertEquals(0, run.code(), run.err());
        assertFalse(Files.exists(dest.resolve("frames")));
        JsonNode root = JSON.readTree(dest.resolve("trace.json").toFile());
        assertEquals("image-folder", root.at("/input/kind").asText());
        assertEquals(1, root.at("/options/tiles/rows").asInt());
        assertEquals(2, root.at("/options/tiles/cols").asInt());
        assertEquals(0.7, root.at("/options/taskLossRequirement").asDouble());
        assertEquals(26, root.at("/options/tokensPerFrame").asInt());
        assertEquals(2, root.at("/timings/clips").size());
        List<GazeTrace> traces = TraceJson.fromJson(root.get("trace").toString());
        assertEquals(2, traces.size(), "one trace per clip");
        for (int i = 0; i < 2; i++) {
            JsonNode f = root.get("frames").get(i);
            assertTrue(f.get("png").isNull());
            // two tiles of at most 26 slots each (fewer when the requirement stops a tile early)
            int slots = f.get("slots").asInt(), padded = f.get("padded").asInt();
            assertTrue(slots > 0 && slots <= 2 * 26 && padded >= 0 && padded < slots, f.toString());
            List<Fixation> fixations = traces.get(i).frame(0).fixations();
            assertEquals(i, traces.get(i).frame(0).frame(), "frames are numbered across clips");
            assertEquals(fixations.size(), f.get("gazed").asInt());
            // cells wholly in the right tile's padding have no source rectangle and are left out
            assertTrue(fixations.size() <= slots - padded);
            assertEquals(2, traces.get(i).tiles().size());
            assertTrue(fixations.stream().allMatch(x -> x.tile() == 0 || x.tile() == 1));
            // the right tile reaches past the 300-px frame: its rectangles are clipped to it
            for (JsonNode px : f.get("pixels")) {
                assertTrue(px.get(2).asInt() <= 300 && px.get(3).asInt() <= 200, px.toString());
            }
        }
    }
}
