package io.autogaze4j.bench;

import io.autogaze4j.tensor.Backend;
import io.autogaze4j.tensor.KvCache;
import io.autogaze4j.tensor.LinearWeight;
import io.autogaze4j.tensor.Tensor;
import java.util.Arrays;
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
 * The CPU kernels at the model's real shapes: projections in prefill (196 rows) and decode (1-10 rows),
 * attention of a prefill (196 queries) and of a decode step (10 queries) over 196-7000 keys, the conv
 * stem (patch embedding + causal 3x3x3 trunk of one frame), and the bicubic squash of a 224x398 frame.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(
        value = 1,
        jvmArgsAppend = {"--add-modules=jdk.incubator.vector"})
public class KernelBenchmarks {
    @Param({"0"})
    public int threads;

    private Backend cpu;
    private final SplittableRandom random = new SplittableRandom(7);

    private float[] random(int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) random.nextDouble(-1, 1);
        }
        return a;
    }

    /** Projection shapes: rows x in x out. */
    @State(Scope.Benchmark)
    public static class MatmulShape {
        @Param({"196x192x192", "196x192x384", "196x192x576", "196x384x192", "10x192x192", "10x192x576", "1x192x2660"})
        public String shape;

        Tensor x;
        LinearWeight w;

        @Setup(Level.Trial)
        public void setup(KernelBenchmarks b) {
            int[] s =
                    Arrays.stream(shape.split("x")).mapToInt(Integer::parseInt).toArray();
            x = Tensor.wrap(b.random(s[0] * s[1]), s[0], s[1]);
            w = LinearWeight.fromTorch(b.random(s[2] * s[1]), s[2], s[1], null);
        }
    }

    /** Attention shapes: queries x visible keys. */
    @State(Scope.Benchmark)
    public static class AttentionShape {
        @Param({"196x196", "196x3000", "196x7000", "10x3000", "10x7000"})
        public String shape;

        Tensor q;
        KvCache cache;
        byte[] mask;
        int first;

        @Setup(Level.Trial)
        public void setup(KernelBenchmarks b) {
            int[] s =
                    Arrays.stream(shape.split("x")).mapToInt(Integer::parseInt).toArray();
            int queries = s[0], keys = s[1];
            first = keys - queries;
            cache = new KvCache(1, 6, 32, keys, keys);
            cache.write(0, 0, b.random(keys * 192), b.random(keys * 192), 0, keys);
            cache.setLength(keys);
            mask = new byte[keys];
            Arrays.fill(mask, (byte) 1);
            q = Tensor.wrap(b.random(queries * 192), queries, 192);
        }
    }

    private Tensor frame224;
    private Tensor frame398;
    private LinearWeight patchWeight;
    private LinearWeight trunkWeight;
    private Tensor[] trunkWindow;

    @Setup(Level.Trial)
    public void setup() {
        cpu = threads == 0 ? Backend.cpu() : Backend.cpu(threads);
        frame224 = Tensor.wrap(random(3 * 224 * 224), 3, 224, 224);
        frame398 = Tensor.wrap(random(3 * 224 * 398), 3, 224, 398);
        patchWeight = LinearWeight.fromTorch(random(192 * 768), 192, 768, random(192));
        trunkWeight = LinearWeight.fromTorch(random(192 * 5184), 192, 5184, random(192));
        trunkWindow = new Tensor[] {
            Tensor.wrap(random(196 * 192), 196, 192),
            Tensor.wrap(random(196 * 192), 196, 192),
            Tensor.wrap(random(196 * 192), 196, 192)
        };
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        cpu.close();
    }

    @Benchmark
    public Tensor matmul(MatmulShape s) {
        return cpu.linear(s.x, s.w);
    }

    @Benchmark
    public Tensor attention(AttentionShape s) {
        return cpu.attention(s.q, s.cache, 0, s.first, s.mask, 0.17677669f);
    }

    @Benchmark
    public Tensor convStemPatchEmbed() {
        return cpu.patchEmbed(frame224, patchWeight, 16);
    }

    @Benchmark
    public Tensor convStemTrunk() {
        return cpu.causalConv3d(trunkWindow, trunkWeight, 3, 14, 14);
    }

    @Benchmark
    public Tensor bicubicResize398to224() {
        return cpu.bicubicResize(frame398, 224, 224);
    }
}
