package io.autogaze4j.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.autogaze4j.kernels.ClContext.ProgramBuilds;
import io.autogaze4j.kernels.ClContext.ProgramSource;
import io.autogaze4j.tensor.DecoderSession;
import io.autogaze4j.tensor.DecoderWeights;
import io.autogaze4j.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Which programs a run starts building, and when ({@link DecoderBuilds}, {@link Prebuild}): a batch-1 run starts only
 * what every run needs and its close waits for nothing else; a session of two rows starts the tiled attention, a call of
 * {@link DecoderBuilds#WIDE_FROM} rows the stand-in and wide row kernels; {@code all} starts every program when the
 * model loads, {@code off} none.
 */
class DecoderBuildsTest {
    private static final int CAP = 512;

    @TempDir
    Path dir;

    private static int device() {
        return TestDevice.backend().device().index();
    }

    /** Feeds {@code perRow} new random tokens to every row of {@code s}, after its cache entries, all visible. */
    private static void feed(DecoderSession s, DecoderWeights w, int perRow, Random r) {
        int batch = s.batch(), length = s.length();
        int[][] positions = new int[batch][perRow];
        byte[][] masks = new byte[batch][CAP];
        for (int b = 0; b < batch; b++) {
            Arrays.setAll(positions[b], i -> length + i);
            Arrays.fill(masks[b], 0, length + perRow, (byte) 1);
        }
        Tensor x = Tensor.wrap(OpenClOpsTest.random(r, batch * perRow * w.hidden()), batch * perRow, w.hidden());
        s.forward(x, perRow, positions, masks, null);
    }

    /** A batch-1 session as a model runs it: a prefill just under {@link DecoderBuilds#WIDE_FROM} rows, two decode steps. */
    private static void batchOneRun(OpenClBackend cl, DecoderWeights w) {
        try (DecoderSession s = cl.openDecoder(w, 1, 16, CAP)) {
            Random r = new Random(72);
            feed(s, w, DecoderBuilds.WIDE_FROM - 1, r);
            feed(s, w, 10, r);
            feed(s, w, 10, r);
        }
    }

    private static void assertNotStarted(OpenClBackend cl, List<ProgramSource> builds, String when) {
        Set<ProgramSource> started = cl.startedBuilds();
        for (ProgramSource b : builds) {
            assertFalse(started.contains(b), b.variant() + " started " + when + "; started: " + variants(started));
        }
    }

    private static void assertStarted(OpenClBackend cl, List<ProgramSource> builds, String when) {
        Set<ProgramSource> started = cl.startedBuilds();
        for (ProgramSource b : builds) {
            assertTrue(started.contains(b), b.variant() + " not started " + when + "; started: " + variants(started));
        }
    }

    private static List<String> variants(Set<ProgramSource> builds) {
        return builds.stream().map(ProgramSource::variant).sorted().toList();
    }

    /**
     * A batch-1 run (strided attention, every call under {@link DecoderBuilds#WIDE_FROM} rows) starts ops.cl, the step
     * and the narrow row kernels only; closing after it builds nothing more: three programs built, three in the cache.
     */
    @Test
    void batchOneRunBuildsOnlyWhatEveryRunNeeds() throws IOException {
        DecoderWeights w = OpenClDecoderTest.weights(71);
        OpenClBackend cl = OpenClBackend.open(device(), ProgramCache.at(dir), Prebuild.ON);
        try (cl) {
            cl.prepareFor(w);
            DecoderBuilds builds = cl.decoderBuilds(w);
            assertEquals(
                    Set.of(OpenClBackend.opsSource(cl.device()), builds.step(), builds.narrow()),
                    cl.startedBuilds(),
                    "started when the model loads");
            batchOneRun(cl, w);
            assertNotStarted(cl, List.of(builds.tiled(), builds.standIn(), builds.wide()), "by a batch-1 run");
        }
        assertEquals(new ProgramBuilds(3, 0), cl.programBuilds(), "programs built from source / loaded, after closing");
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(3, files.count(), "programs in the cache after closing");
        }
    }

    /**
     * After a batch-1 run, a session of two rows starts the tiled attention when it opens, and its first call of
     * {@link DecoderBuilds#WIDE_FROM} rows or more the stand-in and wide row kernels (on which that call runs); its
     * smaller calls start neither.
     */
    @Test
    void largerRunsStartTheirBuildsWhenTheyShowTheyNeedThem() {
        DecoderWeights w = OpenClDecoderTest.weights(73);
        try (OpenClBackend cl = OpenClBackend.open(device(), ProgramCache.configured(), Prebuild.ON)) {
            cl.prepareFor(w);
            DecoderBuilds builds = cl.decoderBuilds(w);
            batchOneRun(cl, w);
            List<ProgramSource> largeRows = List.of(builds.standIn(), builds.wide());
            assertNotStarted(cl, List.of(builds.tiled(), builds.standIn(), builds.wide()), "by a batch-1 run");
            DecoderSessionOptions options =
                    cl.decoderOptions().withSplitTarget(64).withDecodesFrames(true);
            try (ClDecoderSession s = cl.openDecoder(w, 2, CAP, CAP, options)) {
                assertStarted(cl, List.of(builds.tiled()), "when a session of two rows opens");
                Random r = new Random(74);
                feed(s, w, 12, r);
                feed(s, w, 10, r);
                assertNotStarted(cl, largeRows, "by calls of 24 and 20 rows");
                feed(s, w, DecoderBuilds.WIDE_FROM / 2, r);
                assertStarted(cl, largeRows, "by a call of " + DecoderBuilds.WIDE_FROM + " rows");
                assertTrue(
                        Set.of("stand-in", "wide").contains(s.lastRowKernels()),
                        "the large call ran on " + s.lastRowKernels());
            }
        }
    }

    /** {@code all} starts every program a model may run when it loads; {@code off} starts none (each built on first use). */
    @Test
    void prebuildAllStartsEverythingAtLoadAndOffNothing() {
        DecoderWeights w = OpenClDecoderTest.weights(75);
        try (OpenClBackend cl = OpenClBackend.open(device(), ProgramCache.configured(), Prebuild.ALL)) {
            cl.prepareFor(w);
            DecoderBuilds builds = cl.decoderBuilds(w);
            assertEquals(
                    6, cl.startedBuilds().size(), "ops.cl and five decoder builds: " + variants(cl.startedBuilds()));
            assertStarted(cl, builds.all(), "by prebuild=all");
        }
        try (OpenClBackend cl = OpenClBackend.open(device(), ProgramCache.configured(), Prebuild.OFF)) {
            cl.prepareFor(w);
            assertEquals(Set.of(), cl.startedBuilds(), "started by prebuild=off");
        }
    }

    /** The rule itself: what a load, a session and a call of R rows start. */
    @Test
    void buildsByLoadSessionAndRows() {
        DecoderBuilds b =
                new DecoderBuilds(build("step"), build("narrow"), build("tiled"), build("stand-in"), build("wide"));
        assertEquals(List.of(b.step(), b.narrow()), b.atOpen(false, false), "a load, or a strided session");
        assertEquals(List.of(b.step(), b.narrow(), b.tiled()), b.atOpen(true, false), "a tiled session");
        assertEquals(b.all(), b.atOpen(false, true), "prebuild=all");
        assertEquals(List.of(b.step(), b.narrow(), b.tiled(), b.standIn(), b.wide()), b.all(), "queue order");
        assertEquals(List.of(), b.forCall(DecoderBuilds.WIDE_FROM - 1), "a call just under the wide rows");
        assertEquals(List.of(b.standIn(), b.wide()), b.forCall(DecoderBuilds.WIDE_FROM), "a call of the wide rows");
        DecoderBuilds oneSlice = new DecoderBuilds(b.step(), b.narrow(), b.tiled(), b.narrow(), b.wide());
        assertEquals(List.of(b.narrow(), b.wide()), oneSlice.forCall(DecoderBuilds.WIDE_FROM), "narrow as stand-in");
        assertEquals(4, oneSlice.all().size(), "each build once: " + oneSlice.all());
    }

    private static ProgramSource build(String variant) {
        return new ProgramSource(
                "decoder.cl", variant, "-D " + variant.toUpperCase().replace('-', '_'));
    }

    @Test
    void prebuildTakesOnOffOrAll() {
        assertEquals(Prebuild.ON, Prebuild.of(null));
        assertEquals(Prebuild.ON, Prebuild.of(" ON "));
        assertEquals(Prebuild.OFF, Prebuild.of("off"));
        assertEquals(Prebuild.ALL, Prebuild.of("All"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Prebuild.of("later"));
        assertTrue(e.getMessage().contains(ClContext.PREBUILD_PROPERTY + "=later"), e.getMessage());
    }
}
