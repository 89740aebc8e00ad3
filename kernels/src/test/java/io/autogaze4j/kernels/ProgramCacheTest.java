package io.autogaze4j.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.autogaze4j.kernels.ClContext.ProgramBuilds;
import io.autogaze4j.tensor.DecoderHeads;
import io.autogaze4j.tensor.DecoderSession;
import io.autogaze4j.tensor.DecoderWeights;
import io.autogaze4j.tensor.LinearWeight;
import io.autogaze4j.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Program binaries kept between backend opens: loaded the second time, rebuilt when damaged, same results either way. */
class ProgramCacheTest {
    private static final Random R = new Random(5);
    private static final LinearWeight W =
            LinearWeight.fromTorch(OpenClOpsTest.random(R, 192 * 64), 64, 192, OpenClOpsTest.random(R, 64));
    private static final Tensor X = Tensor.wrap(OpenClOpsTest.random(R, 7 * 192), 7, 192);

    @TempDir
    Path dir;

    private static int device() {
        return TestDevice.backend().device().index();
    }

    /** One matrix product on a fresh backend with {@code cache}; the builds it made must be {@code expected}. */
    private static Tensor linearOnFreshBackend(ProgramCache cache, ProgramBuilds expected, String when) {
        try (OpenClBackend cl = OpenClBackend.open(device(), cache)) {
            assertEquals(
                    new ProgramBuilds(0, 0), cl.programBuilds(), "opening a backend builds nothing (" + when + ")");
            Tensor y = cl.linear(X, W);
            assertEquals(expected, cl.programBuilds(), "programs built from source / loaded from the cache " + when);
            return y;
        }
    }

    /** Positions 0 .. perRow - 1 in each of {@code batch} rows (a first prefill). */
    private static int[][] firstPositions(int batch, int perRow) {
        int[][] positions = new int[batch][perRow];
        for (int[] row : positions) {
            Arrays.setAll(row, s -> s);
        }
        return positions;
    }

    /** Masks of {@code cap} entries per row with the first {@code perRow} visible. */
    private static byte[][] firstMasks(int batch, int perRow, int cap) {
        byte[][] masks = new byte[batch][cap];
        for (byte[] row : masks) {
            Arrays.fill(row, 0, perRow, (byte) 1);
        }
        return masks;
    }

    private List<Path> entries() throws IOException {
        return entries(dir);
    }

    private static List<Path> entries(Path cache) throws IOException {
        try (Stream<Path> files = Files.list(cache)) {
            return files.toList();
        }
    }

    @Test
    void secondOpenLoadsTheBinaryAndComputesTheSame() throws IOException {
        ProgramCache cache = ProgramCache.at(dir);
        Tensor built = linearOnFreshBackend(cache, new ProgramBuilds(1, 0), "on an empty cache");
        assertEquals(1, entries().size(), "one entry (ops.cl) in " + entries());
        Tensor loaded = linearOnFreshBackend(cache, new ProgramBuilds(0, 1), "on the second open");
        assertArrayEquals(built.data(), loaded.data(), "the loaded binary computes what the source build computed");
    }

    @Test
    void damagedEntryIsRebuiltAndReplaced() throws IOException {
        ProgramCache cache = ProgramCache.at(dir);
        Tensor built = linearOnFreshBackend(cache, new ProgramBuilds(1, 0), "on an empty cache");
        Path entry = entries().get(0);
        byte[] bytes = Files.readAllBytes(entry);
        bytes[bytes.length / 2] ^= 0x5a;
        Files.write(entry, bytes);
        assertArrayEquals(
                built.data(),
                linearOnFreshBackend(cache, new ProgramBuilds(1, 0), "after a flipped byte")
                        .data());
        Files.write(entry, new byte[] {1, 2, 3});
        assertArrayEquals(
                built.data(),
                linearOnFreshBackend(cache, new ProgramBuilds(1, 0), "after truncation")
                        .data());
        assertArrayEquals(
                built.data(),
                linearOnFreshBackend(cache, new ProgramBuilds(0, 1), "after the rebuild replaced it")
                        .data());
    }

    /** An entry that verifies but holds no binary the driver takes (another driver's, say) is rebuilt too. */
    @Test
    void binaryTheDriverRejectsIsRebuilt() throws IOException {
        ProgramCache cache = ProgramCache.at(dir);
        Tensor built = linearOnFreshBackend(cache, new ProgramBuilds(1, 0), "on an empty cache");
        String key = entries().get(0).getFileName().toString().replace(".bin", "");
        cache.store(key, "not a device binary".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        assertArrayEquals(
                built.data(),
                linearOnFreshBackend(cache, new ProgramBuilds(1, 0), "after a foreign binary")
                        .data());
        assertArrayEquals(
                built.data(),
                linearOnFreshBackend(cache, new ProgramBuilds(0, 1), "after the rebuild replaced it")
                        .data());
    }

    @Test
    void unwritableCacheOnlyCostsTheBuild() throws IOException {
        Path file = Files.writeString(dir.resolve("a-file"), "not a directory");
        ProgramCache cache = ProgramCache.at(file.resolve("opencl"));
        Tensor first = linearOnFreshBackend(cache, new ProgramBuilds(1, 0), "with an unwritable cache");
        assertArrayEquals(
                first.data(),
                linearOnFreshBackend(cache, new ProgramBuilds(1, 0), "again").data());
    }

    /**
     * The decoder programs (step kernels; narrow rows; tiled attention, for two rows; stand-in and wide rows, for a call
     * of 256+ rows) come from the cache on the second open, same logits. The counts are taken after the backend closed:
     * a call waits only for the builds it needs, and closing waits for the rest of those started.
     */
    @Test
    void decoderProgramsLoadFromTheCache() {
        ProgramCache cache = ProgramCache.at(dir);
        DecoderWeights w = OpenClDecoderTest.weights(31);
        int batch = 2, perRow = 130;
        Tensor x = Tensor.wrap(
                OpenClOpsTest.random(new Random(32), batch * perRow * w.hidden()), batch * perRow, w.hidden());
        int[][] positions = firstPositions(batch, perRow);
        byte[][] masks = firstMasks(batch, perRow, 256);
        float[][] logits = new float[2][];
        for (int open = 0; open < 2; open++) {
            OpenClBackend cl = OpenClBackend.open(device(), cache);
            try (cl;
                    DecoderSession s = cl.openDecoder(w, batch, 16, 256)) {
                DecoderHeads heads = s.forward(x, perRow, positions, masks, null);
                logits[open] = heads.logits().data();
            }
            assertEquals(
                    open == 0 ? new ProgramBuilds(5, 0) : new ProgramBuilds(0, 5),
                    cl.programBuilds(),
                    "decoder programs built from source / loaded, open " + open);
        }
        assertArrayEquals(logits[0], logits[1], "logits from the loaded binaries");
    }

    /**
     * {@code prepareFor} starts in the background what every run of the model needs (ops.cl, the step and narrow row
     * kernels; with {@code prebuild=all} every program it may run): closing the backend waits for them and leaves their
     * binaries in the cache; a batch-1 run after {@code prepareFor} builds nothing twice, nothing more, and computes the
     * same.
     */
    @Test
    void preparedBuildsRunInTheBackgroundAndAreTheOnesUsed() throws IOException {
        DecoderWeights w = OpenClDecoderTest.weights(33);
        for (Prebuild prebuild : new Prebuild[] {Prebuild.ON, Prebuild.ALL}) {
            Path cache = dir.resolve(prebuild.name());
            try (OpenClBackend cl = OpenClBackend.open(device(), ProgramCache.at(cache), prebuild)) {
                cl.prepareFor(w);
            }
            assertEquals(
                    prebuild == Prebuild.ALL ? 6 : 3,
                    entries(cache).size(),
                    "programs stored by the background builds of prebuild=" + prebuild);
        }
        Path fresh = dir.resolve("fresh");
        Tensor x = Tensor.wrap(OpenClOpsTest.random(new Random(34), 5 * w.hidden()), 5, w.hidden());
        int[][] positions = {{0, 1, 2, 3, 4}};
        byte[][] masks = {{1, 1, 1, 1, 1, 0, 0, 0}};
        float[][] logits = new float[2][];
        for (int prepared = 0; prepared < 2; prepared++) {
            OpenClBackend cl = OpenClBackend.open(device(), ProgramCache.at(fresh.resolve("" + prepared)));
            try (cl) {
                if (prepared == 1) {
                    cl.prepareFor(w);
                }
                cl.linear(X, W);
                try (DecoderSession s = cl.openDecoder(w, 1, 8, 8)) {
                    logits[prepared] =
                            s.forward(x, 5, positions, masks, null).logits().data();
                }
            }
            assertEquals(new ProgramBuilds(3, 0), cl.programBuilds(), "builds after closing, prepared: " + prepared);
        }
        assertArrayEquals(logits[0], logits[1], "logits with and without prepareFor");
    }

    /**
     * A session waits only for the decoder.cl builds its steps run (background builds off: each is built on first use):
     * with the strided attention (a single batch row, by default) the step and narrow row kernels, with the tiled
     * attention the tiled build as well.
     */
    @Test
    void sessionsBuildOnlyTheProgramsTheyRun() {
        String old = System.getProperty(ClContext.PREBUILD_PROPERTY);
        System.setProperty(ClContext.PREBUILD_PROPERTY, "off");
        try {
            DecoderWeights w = OpenClDecoderTest.weights(35);
            int batch = 2, perRow = 20;
            Tensor x = Tensor.wrap(
                    OpenClOpsTest.random(new Random(36), batch * perRow * w.hidden()), batch * perRow, w.hidden());
            int[][] positions = firstPositions(batch, perRow);
            byte[][] masks = firstMasks(batch, perRow, 32);
            for (boolean tiled : new boolean[] {false, true}) {
                try (OpenClBackend cl = OpenClBackend.open(device(), ProgramCache.off());
                        DecoderSession s = cl.openDecoder(w, batch, 32, 32, stepByStep(cl, tiled))) {
                    s.forward(x, perRow, positions, masks, null);
                    assertEquals(
                            new ProgramBuilds(tiled ? 3 : 2, 0),
                            cl.programBuilds(),
                            "builds of a session with tiled attention " + tiled);
                }
            }
        } finally {
            if (old == null) {
                System.clearProperty(ClContext.PREBUILD_PROPERTY);
            } else {
                System.setProperty(ClContext.PREBUILD_PROPERTY, old);
            }
        }
    }

    /** {@code cl}'s decoder switches with every step a host round trip and the tiled (else the strided) attention. */
    private static DecoderSessionOptions stepByStep(OpenClBackend cl, boolean tiled) {
        return cl.decoderOptions()
                .withSplitTarget(64)
                .withDecodesFrames(false)
                .withTiledAttention(tiled)
                .withStreamAttention(true);
    }

    /** A build that fails in the background is reported, with the compiler's log, when the program is asked for. */
    @Test
    void failedBackgroundBuildIsReportedWhenUsed() {
        ClContext.ProgramSource broken = new ClContext.ProgramSource("decoder.cl", "no layout", "-cl-std=CL1.2");
        try (ClContext ctx = ClContext.open(device(), ProgramCache.off())) {
            ctx.prebuild(broken);
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> ctx.program(broken));
            assertTrue(e.getMessage().contains("OpenCL build of decoder.cl failed"), e.getMessage());
            assertTrue(e.getMessage().contains("StepLayout.defines()"), "the build log: " + e.getMessage());
            assertThrows(IllegalStateException.class, () -> ctx.program(broken), "asked again");
            IllegalStateException again = assertThrows(
                    IllegalStateException.class, () -> ctx.programIfBuilt(broken), "asked without waiting");
            assertTrue(again.getMessage().contains("StepLayout.defines()"), "the build log: " + again.getMessage());
        }
    }

    @Test
    void keyCoversEveryPartWithoutRunningThemTogether() {
        String key = ProgramCache.key("device", "decoder.cl", "-D A=1", "source");
        assertEquals(64, key.length());
        assertEquals(key, ProgramCache.key("device", "decoder.cl", "-D A=1", "source"));
        assertNotEquals(key, ProgramCache.key("device 2", "decoder.cl", "-D A=1", "source"), "device or driver");
        assertNotEquals(key, ProgramCache.key("device", "ops.cl", "-D A=1", "source"), "program");
        assertNotEquals(key, ProgramCache.key("device", "decoder.cl", "-D A=2", "source"), "options");
        assertNotEquals(key, ProgramCache.key("device", "decoder.cl", "-D A=1", "source 2"), "source");
        assertNotEquals(ProgramCache.key("ab", "c", "", ""), ProgramCache.key("a", "bc", "", ""), "part boundaries");
    }

    @Test
    void configuredCacheCanBeTurnedOff() {
        String old = System.getProperty(ProgramCache.DIRECTORY_PROPERTY);
        try {
            System.setProperty(ProgramCache.DIRECTORY_PROPERTY, "off");
            assertTrue(
                    ProgramCache.configured().describe().contains("off"),
                    ProgramCache.configured().describe());
            System.setProperty(ProgramCache.DIRECTORY_PROPERTY, dir.toString());
            assertEquals(dir.toString(), ProgramCache.configured().describe());
        } finally {
            if (old == null) {
                System.clearProperty(ProgramCache.DIRECTORY_PROPERTY);
            } else {
                System.setProperty(ProgramCache.DIRECTORY_PROPERTY, old);
            }
        }
    }
}
