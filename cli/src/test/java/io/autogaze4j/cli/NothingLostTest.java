package io.autogaze4j.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.autogaze4j.weights.SafetensorsFile;
import io.autogaze4j.weights.SafetensorsWriter;
import io.autogaze4j.weights.TensorInfo;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 15: bad input never ends in a silent wrong answer, an internal error, or lost results. Each test
 * names the case of the issue it pins down.
 */
class NothingLostTest {
    @TempDir
    Path dir;

    // case 2: output is atomic and an earlier run's output is never destroyed

    @Test
    void aRunThatFailsMidwayLeavesTheEarlierOutputIntact() throws IOException {
        Path frames = imageFolder("frames", 4);
        Path out = dir.resolve("out");
        Cli first = Cli.run(args(frames, out, "--clip-length", "1"));
        assertEquals(0, first.code(), first.err());
        Map<Path, byte[]> before = snapshot(out);
        assertTrue(before.size() == 5, "trace.json and 4 PNGs: " + before.keySet());

        // the same folder with its last picture damaged: the run gazes and draws frames 0-2, then fails reading frame 3
        Files.write(frames.resolve("frame_3.png"), "not a picture".getBytes(StandardCharsets.US_ASCII));
        Cli failed = Cli.run(args(frames, out, "--clip-length", "1", "--overwrite"));
        failed.assertFails(ExitCode.INPUT, "frame_3.png");
        assertSnapshotEquals(before, snapshot(out));
        assertNoStagingLeft();
    }

    @Test
    void aNonEmptyOutputIsRefusedUnlessOverwriteAndThenReplacedWhole() throws IOException {
        Path frames = imageFolder("frames", 2);
        Path out = dir.resolve("out");
        assertEquals(0, Cli.run(args(frames, out)).code());
        Files.writeString(out.resolve("frames").resolve("frame_000099.png"), "stale");
        Map<Path, byte[]> before = snapshot(out);

        Cli.run(args(frames, out)).assertFails(ExitCode.OUTPUT, "not empty", "--overwrite");
        assertSnapshotEquals(before, snapshot(out));

        Cli replaced = Cli.run(args(frames, out, "--overwrite"));
        assertEquals(0, replaced.code(), replaced.err());
        assertFalse(
                Files.exists(out.resolve("frames").resolve("frame_000099.png")),
                "the old output is replaced as a whole");
        assertTrue(replaced.out().contains("trace:    " + out.resolve("trace.json")), replaced.out());
        assertNoStagingLeft();
    }

    @Test
    void theDefaultOutputIsTheMainJobsOwnAndIsReplacedOnEveryRun() throws IOException {
        Path frames = imageFolder("frames", 1);
        String before = System.getProperty("autogaze.home");
        System.setProperty("autogaze.home", dir.toString());
        try {
            String[] noOut = {"--input", frames.toString(), "--no-progress", "--gazing-ratio", "0.05"};
            assertEquals(0, Cli.run(noOut).code());
            Cli again = Cli.run(noOut);
            assertEquals(0, again.code(), again.err());
            assertTrue(Files.isRegularFile(dir.resolve("runs/example/trace.json")));
        } finally {
            if (before == null) {
                System.clearProperty("autogaze.home");
            } else {
                System.setProperty("autogaze.home", before);
            }
        }
    }

    @Test
    void aFolderHoldingOtherFilesIsNeverReplaced() throws IOException {
        Path out = Files.createDirectories(dir.resolve("home"));
        Files.writeString(out.resolve("thesis.tex"), "years of work");
        Cli.run(args(imageFolder("frames", 1), out, "--overwrite"))
                .assertFails(ExitCode.OUTPUT, "thesis.tex", "not replaced");
        assertEquals("years of work", Files.readString(out.resolve("thesis.tex")));
    }

    @Test
    void anEmptyOutputPathIsRefused() throws IOException {
        Cli.run(args(imageFolder("frames", 1), Path.of(""))).assertFails(ExitCode.USAGE, "--out", "empty");
    }

    @Test
    void outputStagedBesideTheTargetIsRemovedWhenTheRunFails() throws Exception {
        Path target = dir.resolve("target");
        Path staged;
        try (OutputDirectory output = OutputDirectory.open(target, false)) {
            staged = output.path();
            assertEquals(
                    target.getParent(),
                    staged.getParent(),
                    "staged beside the target, so the final move is one rename");
            Files.writeString(staged.resolve("trace.json"), "{\"partial\":");
            // no commit: the run failed here
        }
        assertFalse(Files.exists(staged));
        assertFalse(Files.exists(target), "nothing appears at the target of a failed run");
    }

    // cases 1, 4 and 6: checkpoint values that used to gaze garbage, hang or be clamped silently

    @Test
    void absurdOrSilentlyWrongCheckpointsFailAtOnceWithTheModelExitCode() throws IOException {
        Path frames = imageFolder("frames", 1);
        String[][] configEdits = {
            {"\"num_hidden_layers\": 4", "\"num_hidden_layers\": 1000000000", "num_hidden_layers"},
            {"\"depth\": 1", "\"depth\": 1000000000", "depth"},
            {"\"rope_theta\": 500000.0", "\"rope_theta\": 0", "rope_theta"},
            {"\"factor\": 8.0", "\"factor\": 0", "factor"},
            {"\"gazing_ratio\": 0.5", "\"gazing_ratio\": 5", "gazing_ratio"},
            {"\"gazing_ratio\": 0.5", "\"gazing_ratio\": -1", "gazing_ratio"},
            {"\"num_hidden_layers\": 4", "\"num_hidden_layers\": 3", "num_hidden_layers = 3 but the weights hold 4"}
        };
        for (String[] edit : configEdits) {
            Path model = modelCopy("config.json", edit[0], edit[1]);
            assertTimeoutPreemptively(
                    Duration.ofSeconds(20),
                    () -> Cli.run(args(frames, dir.resolve("out"), "--model", model.toString()))
                            .assertFails(ExitCode.MODEL, edit[2]));
        }
        Path tinyStd = modelCopy("preprocessor_config.json", "0.229", "1e-38");
        Cli.run(args(frames, dir.resolve("out"), "--model", tinyStd.toString()))
                .assertFails(ExitCode.MODEL, "image_std");
        Path longEdge = modelCopy("preprocessor_config.json", "\"shortest_edge\": 224", "\"shortest_edge\": 100000");
        Cli.run(args(frames, dir.resolve("out"), "--model", longEdge.toString()))
                .assertFails(ExitCode.MODEL, "shortest_edge");
        assertFalse(Files.exists(dir.resolve("out")));
    }

    @Test
    void aNanWeightIsAModelError() throws IOException {
        Path model = modelCopy("config.json", "", "");
        SafetensorsWriter w = new SafetensorsWriter();
        try (SafetensorsFile src = SafetensorsFile.open(model.resolve("model.safetensors"))) {
            for (Map.Entry<String, TensorInfo> e : src.tensors().entrySet()) {
                float[] values = src.floats(e.getKey());
                if (e.getKey().endsWith("lm_head.weight")) {
                    values[12] = Float.POSITIVE_INFINITY;
                }
                w.addFloats(e.getKey(), e.getValue().shape(), values);
            }
        }
        w.write(model.resolve("model.safetensors"));
        Cli.run(args(imageFolder("frames", 1), dir.resolve("out"), "--model", model.toString()))
                .assertFails(ExitCode.MODEL, "lm_head.weight", "Infinity", "finite");
    }

    // case 5: frame sizes the processor cannot take are input errors, not internal ones

    @Test
    void anExtremeAspectRatioIsAnInputError() throws IOException {
        Path folder = Files.createDirectories(dir.resolve("strip"));
        ImageIO.write(
                new BufferedImage(10000, 10, BufferedImage.TYPE_INT_RGB),
                "png",
                folder.resolve("strip.png").toFile());
        Cli run = Cli.run(args(folder, dir.resolve("out")));
        assertEquals(ExitCode.INPUT, run.code(), run.err());
        assertFalse(run.err().contains("internal error"), run.err());
    }

    // case 8: option bounds and one-line errors

    @Test
    void moreThreadsThanProcessorsIsABadCommandLine() throws IOException {
        int processors = Runtime.getRuntime().availableProcessors();
        Cli.run(args(imageFolder("frames", 1), dir.resolve("out"), "--threads", String.valueOf(processors + 1)))
                .assertFails(ExitCode.USAGE, "--threads", "1.." + processors);
    }

    @Test
    void aMalformedJsonConfigIsReportedOnOneLine() throws IOException {
        Path model = modelCopy("config.json", "", "");
        Files.writeString(model.resolve("config.json"), "{ \"scales\": \"32+64\",\n  \"max_num_frames\": 16 16 }");
        Cli run = Cli.run(args(imageFolder("frames", 1), dir.resolve("out"), "--model", model.toString()))
                .assertFails(ExitCode.MODEL, "config.json", "line 2");
        assertEquals(1, run.err().lines().count(), "exactly one line:\n" + run.err());
    }

    @Test
    void oneLineJoinsMultiLineMessages() {
        assertEquals("a b c", Main.oneLine("a\n  b\r\nc\n"));
    }

    private String[] args(Path input, Path out, String... more) {
        List<String> all = new ArrayList<>(List.of(
                "--input", input.toString(), "--out", out.toString(), "--no-progress", "--gazing-ratio", "0.05"));
        all.addAll(Arrays.asList(more));
        return all.toArray(String[]::new);
    }

    /** {@code count} 32 x 32 random pictures named frame_0.png .. (seeded). */
    private Path imageFolder(String name, int count) throws IOException {
        Path folder = Files.createDirectories(dir.resolve(name));
        Random random = new Random(15);
        for (int i = 0; i < count; i++) {
            BufferedImage img = new BufferedImage(32, 32, BufferedImage.TYPE_INT_RGB);
            for (int y = 0; y < 32; y++) {
                for (int x = 0; x < 32; x++) {
                    img.setRGB(x, y, random.nextInt(1 << 24));
                }
            }
            ImageIO.write(img, "png", folder.resolve("frame_" + i + ".png").toFile());
        }
        return folder;
    }

    /** A copy of the K = 10 test checkpoint with {@code from} replaced by {@code to} in {@code file}. */
    private Path modelCopy(String file, String from, String to) throws IOException {
        Path model = Files.createTempDirectory(dir, "model");
        for (String f : new String[] {"config.json", "model.safetensors", "preprocessor_config.json"}) {
            Files.copy(Cli.fixtures().resolve("model_k10").resolve(f), model.resolve(f));
        }
        String text = Files.readString(model.resolve(file));
        assertTrue(text.contains(from), file + " lacks " + from);
        Files.writeString(model.resolve(file), text.replace(from, to));
        return model;
    }

    private static Map<Path, byte[]> snapshot(Path root) throws IOException {
        Map<Path, byte[]> files = new java.util.TreeMap<>();
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : s.filter(Files::isRegularFile).toList()) {
                files.put(root.relativize(p), Files.readAllBytes(p));
            }
        }
        return files;
    }

    private static void assertSnapshotEquals(Map<Path, byte[]> expected, Map<Path, byte[]> actual) {
        assertEquals(expected.keySet(), actual.keySet(), "the same files");
        expected.forEach((p, bytes) -> assertArrayEquals(bytes, actual.get(p), "unchanged " + p));
    }

    private void assertNoStagingLeft() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            List<Path> left = s.filter(p -> p.getFileName().toString().startsWith(".autogaze-staging-"))
                    .toList();
            assertTrue(left.isEmpty(), "staging folders left: " + left);
        }
    }

    @Test
    void outputDirectoryRefusesAFileTarget() throws IOException {
        Path file = Files.writeString(dir.resolve("file"), "x");
        CliException e = assertThrows(CliException.class, () -> OutputDirectory.open(file, true));
        assertEquals(ExitCode.OUTPUT, e.exitCode());
    }
}
