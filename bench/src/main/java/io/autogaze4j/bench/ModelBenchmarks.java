package io.autogaze4j.bench;

import io.autogaze4j.model.AutoGaze;
import io.autogaze4j.model.GazeOptions;
import io.autogaze4j.model.GazeResult;
import io.autogaze4j.model.VideoClip;
import io.autogaze4j.tensor.Backend;
import io.autogaze4j.tensor.Tensor;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Whole-model figures with the demo checkpoint ({@code model_k10}, K = 10): the vision encoder per
 * frame, one decoder step (a frame's prefill then its 19 decode steps, reported per frame of gazing),
 * and end-to-end gazing of one 16-frame 224x224 clip at ratio 0.75 with no task-loss stop (198 tokens
 * per frame), batch 1 and 8. The model directory comes from {@code -Dautogaze.model=DIR}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
@Fork(
        value = 1,
        jvmArgsAppend = {"--add-modules=jdk.incubator.vector"})
public class ModelBenchmarks {
    @Param({"1", "8"})
    public int batch;

    private Backend backend;
    private AutoGaze model;
    private VideoClip clip16;
    private VideoClip oneFrame;
    private VideoClip twoFrames;
    private final GazeOptions noStop = GazeOptions.builder().gazingRatio(0.75).build();

    @Setup(Level.Trial)
    public void setup() throws Exception {
        backend = Backend.cpu();
        model = AutoGaze.load(Path.of(System.getProperty("autogaze.model", "../shared/fixtures/model_k10")), backend);
        clip16 = SyntheticClip.normal(batch, 16, 224, 42);
        oneFrame = SyntheticClip.normal(batch, 1, 224, 43);
        twoFrames = SyntheticClip.normal(batch, 2, 224, 44);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        model.close();
        backend.close();
    }

    /** Vision encoder + connector for one frame of every row. */
    @Benchmark
    public Tensor visionEncoderPerFrame() {
        return model.embed(oneFrame);
    }

    /** One frame of gazing: its prefill and 19 decode steps of 10 tokens (198 tokens). */
    @Benchmark
    public GazeResult gazeOneFrame() {
        return model.gaze(oneFrame, noStop);
    }

    /** Two frames, so the second frame's prefill and steps run against a populated cache. */
    @Benchmark
    public GazeResult gazeTwoFrames() {
        return model.gaze(twoFrames, noStop);
    }

    /** The headline: one 16-frame 224x224 clip per row, 198 tokens per frame. */
    @Benchmark
    public GazeResult gazeClip16() {
        return model.gaze(clip16, noStop);
    }
}
