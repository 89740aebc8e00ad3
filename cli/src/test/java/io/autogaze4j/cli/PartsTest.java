package io.autogaze4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.autogaze4j.weights.AutoGazeConfig;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command's parts on their own: budget rules, overlay drawing, progress text, snapshot lookup. */
class PartsTest {
    private static final OptionalDouble NONE = OptionalDouble.empty();

    @TempDir
    Path dir;

    /** The demo config with its inference defaults set as the official checkpoint's (0.75, requirement 0.7). */
    private static AutoGazeConfig officialDefaults() throws IOException {
        Path file = Cli.fixtures().resolve("model_k10").resolve("config.json");
        ObjectNode root = (ObjectNode) new ObjectMapper().readTree(file.toFile());
        root.put("has_task_loss_requirement_during_inference", true);
        ((ObjectNode) root.at("/gazing_ratio_config/fixed")).put("gazing_ratio", 0.75);
        return AutoGazeConfig.parse(file, root);
    }

    @Test
    void budgetFollowsTheOfficialRules() throws IOException {
        AutoGazeConfig official = officialDefaults();
        assertEquals(new GazeBudget(0.75, OptionalDouble.of(0.7)), GazeBudget.resolve(NONE, false, NONE, official));
        assertEquals(new GazeBudget(0.3, NONE), GazeBudget.resolve(OptionalDouble.of(0.3), false, NONE, official));
        assertEquals(
                new GazeBudget(0.3, OptionalDouble.of(0.5)),
                GazeBudget.resolve(OptionalDouble.of(0.3), true, OptionalDouble.of(0.5), official));
        assertEquals(
                new GazeBudget(1.0, OptionalDouble.of(0.5)),
                GazeBudget.resolve(NONE, true, OptionalDouble.of(0.5), official));
        assertEquals(
                new GazeBudget(0.75, NONE),
                GazeBudget.resolve(NONE, true, NONE, official),
                "'none' keeps the config ratio");
        AutoGazeConfig demo =
                AutoGazeConfig.load(Cli.fixtures().resolve("model_k10").resolve("config.json"));
        assertEquals(new GazeBudget(0.5, NONE), GazeBudget.resolve(NONE, false, NONE, demo));
        assertEquals(198, new GazeBudget(0.75, NONE).tokensPerFrame(265));
        assertEquals(185, new GazeBudget(0.7, NONE).tokensPerFrame(265));
        assertEquals(1, new GazeBudget(0.001, NONE).tokensPerFrame(265));
    }

    @Test
    void progressLine() {
        StringWriter text = new StringWriter();
        ProgressBar bar = new ProgressBar(new PrintWriter(text), true, OptionalInt.of(64));
        assertEquals(
                "gazing [######################--------] 48/64 frames, 3 clips, 12.0 frames/s", bar.line(48, 3, 4.0));
        assertEquals(
                "gazing: 5 frames, 1 clip, 2.5 frames/s",
                new ProgressBar(new PrintWriter(text), true, OptionalInt.empty()).line(5, 1, 2));
        bar.update(16, 1);
        bar.finish(64, 4);
        assertTrue(
                text.toString().startsWith("\rgazing [#######")
                        && text.toString().endsWith(System.lineSeparator()),
                text.toString());
        StringWriter quiet = new StringWriter();
        ProgressBar off = new ProgressBar(new PrintWriter(quiet), false, OptionalInt.of(64));
        off.update(16, 1);
        off.finish(64, 4);
        StringWriter oneGo = new StringWriter();
        ProgressBar single = new ProgressBar(new PrintWriter(oneGo), true, OptionalInt.of(3));
        single.update(3, 1);
        single.finish(3, 1);
        assertEquals("", quiet.toString() + oneGo.toString(), "disabled, or done in one clip: nothing drawn");
    }

    @Test
    void hubCacheFolderLeadsToItsSnapshot() throws IOException, CliException {
        Path cache = dir.resolve("models--nvidia--AutoGaze");
        Path snap = Files.createDirectories(cache.resolve("snapshots").resolve("abc123"));
        Files.createDirectories(cache.resolve("snapshots").resolve("old999"));
        Files.createDirectories(cache.resolve("refs"));
        Files.writeString(cache.resolve("refs").resolve("main"), "abc123\n");
        assertEquals(snap, ModelLoader.snapshotOf(cache));
        assertEquals(snap, ModelLoader.snapshotOf(snap));
        Files.delete(cache.resolve("refs").resolve("main"));
        CliException two =
                org.junit.jupiter.api.Assertions.assertThrows(CliException.class, () -> ModelLoader.snapshotOf(cache));
        assertEquals(ExitCode.MODEL, two.exitCode());
        assertTrue(two.getMessage().contains("2 snapshots"), two.getMessage());
    }
}
