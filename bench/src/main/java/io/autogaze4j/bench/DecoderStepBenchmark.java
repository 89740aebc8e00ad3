package io.autogaze4j.bench;

import io.autogaze4j.tensor.Backend;
import io.autogaze4j.tensor.DecoderHeads;
import io.autogaze4j.tensor.DecoderLayerWeights;
import io.autogaze4j.tensor.DecoderSession;
import io.autogaze4j.tensor.DecoderWeights;
import io.autogaze4j.tensor.LinearWeight;
import io.autogaze4j.tensor.RopeTable;
import io.autogaze4j.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
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
 * One decode step of the gaze decoder at the official sizes (4 layers, width 192, 6 heads, MLP 384,
 * K = 10 heads of 266 logits): 10 new tokens per row against a cache already holding {@code keys}
 * entries, batch 1 and 8. Each invocation gets a freshly filled cache (not timed).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 2)
@Fork(
        value = 1,
        jvmArgsAppend = {"--add-modules=jdk.incubator.vector"})
public class DecoderStepBenchmark {
    @Param({"1", "8"})
    public int batch;

    @Param({"196", "3000"})
    public int keys;

    private Backend cpu;
    private DecoderWeights weights;
    private DecoderSession session;
    private Tensor step;
    private int[][] positions;
    private byte[][] masks;

    @Setup(Level.Trial)
    public void setup() {
        cpu = Backend.cpu();
        weights = randomWeights(new SplittableRandom(3));
        step = Tensor.wrap(random(new SplittableRandom(4), batch * 10 * 192), batch * 10, 192);
        positions = new int[batch][10];
        masks = new byte[batch][keys + 10];
        for (byte[] m : masks) {
            Arrays.fill(m, (byte) 1);
        }
    }

    @Setup(Level.Invocation)
    public void fillCache() {
        session = cpu.openDecoder(weights, batch, keys + 10, keys + 10);
        int[][] pos = new int[batch][keys];
        for (int[] p : pos) {
            Arrays.setAll(p, i -> i);
        }
        session.forward(
                Tensor.wrap(random(new SplittableRandom(5), batch * keys * 192), batch * keys, 192),
                keys,
                pos,
                masks,
                null);
    }

    @TearDown(Level.Invocation)
    public void closeSession() {
        session.close();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        cpu.close();
    }

    @Benchmark
    public DecoderHeads decodeStep() {
        return session.forward(step, 10, positions, masks, null);
    }

    private static float[] random(SplittableRandom r, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) r.nextDouble(-0.1, 0.1);
        }
        return a;
    }

    static DecoderWeights randomWeights(SplittableRandom r) {
        List<DecoderLayerWeights> layers = new ArrayList<>();
        for (int l = 0; l < 4; l++) {
            layers.add(new DecoderLayerWeights(
                    random(r, 192),
                    linear(r, 192, 192),
                    linear(r, 192, 192),
                    linear(r, 192, 192),
                    linear(r, 192, 192),
                    random(r, 192),
                    linear(r, 384, 192),
                    linear(r, 384, 192),
                    linear(r, 192, 384)));
        }
        return new DecoderWeights(
                192,
                6,
                32,
                1e-5f,
                RopeTable.llama3(32, 500000, 8, 1, 4, 8192),
                layers,
                random(r, 192),
                linear(r, 2660, 192),
                linear(r, 10, 192));
    }

    private static LinearWeight linear(SplittableRandom r, int out, int in) {
        return LinearWeight.fromTorch(random(r, out * in), out, in, null);
    }
}
