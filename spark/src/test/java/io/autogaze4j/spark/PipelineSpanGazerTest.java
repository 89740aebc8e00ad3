package io.autogaze4j.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.autogaze4j.model.Budget;
import io.autogaze4j.weights.AutoGazeConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The gazer of one task, without Spark: spans in, one outcome per clip out, failures kept to their span. */
class PipelineSpanGazerTest {
    @TempDir
    Path dir;

    @Test
    void requirementNoneKeepsTheCheckpointRatioWithoutItsStop() throws Exception {
        AutoGazeConfig config = AutoGazeConfig.load(SparkSessions.model().resolve("config.json"));
        String model = SparkSessions.model().toString();
        Budget none = Budget.resolve(
                PipelineSpanGazer.gazeOptions(
                        GazeJobOptions.builder(model).noTaskLossRequirement().build()),
                config);
        assertEquals(List.of(config.defaultGazingRatio()), none.ratios());
        assertTrue(none.taskLossRequirement().isEmpty());
        Budget ratioAndNone = Budget.resolve(
                PipelineSpanGazer.gazeOptions(GazeJobOptions.builder(model)
                        .gazingRatio(0.25)
                        .noTaskLossRequirement()
                        .build()),
                config);
        assertEquals(List.of(0.25), ratioAndNone.ratios());
        assertTrue(ratioAndNone.taskLossRequirement().isEmpty());
        Budget defaults = Budget.resolve(
                PipelineSpanGazer.gazeOptions(GazeJobOptions.builder(model).build()), config);
        assertEquals(List.of(config.defaultGazingRatio()), defaults.ratios());
        assertEquals(
                config.hasTaskLossRequirement(), defaults.taskLossRequirement().isPresent());
    }

    @Test
    void aSpanEndsAtItsLastPlannedClipEvenWhenALaterVideoFailsAndTheRunRestarts() throws IOException {
        Path good = CorpusJobTest.imageFolder(dir.resolve("good"), 12);
        Path broken = CorpusJobTest.imageFolder(dir.resolve("broken"), 8);
        Files.write(broken.resolve("frame_005.png"), new byte[] {1, 2, 3});
        GazeJobOptions options = GazeJobOptions.builder(SparkSessions.model().toString())
                .clipLength(4)
                .gazingRatio(0.1)
                .backend(GazeJobOptions.BackendChoice.CPU)
                .build();
        // the task owns clip 1 of "good" only (clips 0 and 2 belong to other tasks), then all of "broken"
        List<VideoSpan> spans =
                List.of(new VideoSpan(good.toString(), 1, 1, false), new VideoSpan(broken.toString(), 0, 2, true));
        List<ClipOutcome> outcomes = new ArrayList<>();
        try (PipelineSpanGazer gazer = new PipelineSpanGazer(
                ModelHolder.model(options.model(), options.backend(), OptionalInt.empty()), options, 1)) {
            gazer.gaze(spans.iterator()).forEachRemaining(outcomes::add);
        }
        List<ClipOutcome> ofGood =
                outcomes.stream().filter(o -> o.video().equals(good.toString())).toList();
        assertEquals(1, ofGood.size(), "clip 1 of good, once: " + ofGood);
        assertEquals(1, ofGood.get(0).clip());
        assertTrue(ofGood.get(0).error().isEmpty(), ofGood.toString());
        assertEquals(
                List.of(4, 5, 6, 7),
                ofGood.get(0).frames().stream().map(g -> g.facts().frame()).toList());
        assertEquals(
                List.of(4, 5, 6, 7),
                ofGood.get(0).frames().stream()
                        .map(g -> g.facts().sourceIndex())
                        .toList());

        List<ClipOutcome> ofBroken = outcomes.stream()
                .filter(o -> o.video().equals(broken.toString()))
                .toList();
        assertEquals(
                List.of(0, 1),
                ofBroken.stream().map(ClipOutcome::clip).toList(),
                "each clip of broken once: " + ofBroken);
        assertTrue(ofBroken.get(1).error().isPresent(), "clip 1 holds the broken frame: " + ofBroken);
    }
}
