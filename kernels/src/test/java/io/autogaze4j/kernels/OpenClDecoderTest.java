package io.autogaze4j.kernels;

import static io.autogaze4j.kernels.OpenClOpsTest.assertClose;
import static io.autogaze4j.kernels.OpenClOpsTest.random;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.autogaze4j.kernels.ClDecoderSession.LargeRows;
import io.autogaze4j.tensor.Backend;
import io.autogaze4j.tensor.DecoderHeads;
import io.autogaze4j.tensor.DecoderLayerWeights;
import io.autogaze4j.tensor.DecoderSession;
import io.autogaze4j.tensor.DecoderWeights;
import io.autogaze4j.tensor.FrameSteps;
import io.autogaze4j.tensor.LinearWeight;
import io.autogaze4j.tensor.RopeTable;
import io.autogaze4j.tensor.Tensor;
import io.autogaze4j.tensor.TokenChoice;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The device-resident decoder against the host reference session, with random model-shaped weights. */
class OpenClDecoderTest {
    static final int H = 192, HEADS = 6, DIM = 32, INTER = 384, K = 10, V = 266, PAD = 265;
    /** The attention kernels a session can run: {tiled, streamed decode}: both, tiled alone, strided alone. */
    private static final boolean[][] KERNELS = {{true, true}, {true, false}, {false, false}};

    private static LinearWeight lin(Random r, int in, int out) {
        float[] w = random(r, in * out);
        for (int i = 0; i < w.length; i++) {
            w[i] *= (float) (1 / Math.sqrt(in));
        }
        return LinearWeight.fromTorch(w, out, in, null);
    }

    private static float[] norm(Random r) {
        float[] w = new float[H];
        for (int i = 0; i < H; i++) {
            w[i] = 1 + 0.1f * (float) r.nextGaussian();
        }
        return w;
    }

    static DecoderWeights weights(long seed) {
        Random r = new Random(seed);
        List<DecoderLayerWeights> layers = new ArrayList<>();
        for (int l = 0; l < 4; l++) {
            layers.add(new DecoderLayerWeights(
                    norm(r),
                    lin(r, H, H),
                    lin(r, H, H),
                    lin(r, H, H),
                    lin(r, H, H),
                    norm(r),
                    lin(r, H, INTER),
                    lin(r, H, INTER),
                    lin(r, INTER, H)));
        }
        RopeTable rope = RopeTable.llama3(DIM, 500000, 8, 1, 4, 8192);
        return new DecoderWeights(H, HEADS, DIM, 1e-5f, rope, layers, norm(r), lin(r, H, K * V), lin(r, H, K));
    }

    /** Three calls: a prefill, a decode step, and a step after an older entry was masked out. */
    private record Call(Tensor x, int perRow, int[][] positions, byte[][] masks) {}

    private static List<Call> calls(Random r, int batch) {
        return calls(r, batch, 64, 30, 10, 7);
    }

    private static List<Call> calls(Random r, int batch, int capacity, int... steps) {
        List<Call> calls = new ArrayList<>();
        byte[][] masks = new byte[batch][capacity];
        int length = 0;
        for (int perRow : steps) {
            int[][] pos = new int[batch][perRow];
            for (int b = 0; b < batch; b++) {
                for (int s = 0; s < perRow; s++) {
                    pos[b][s] = Math.max(0, length + s - b);
                    masks[b][length + s] = 1;
                }
            }
            if (length > 0) {
                masks[batch - 1][3] = 0;
            }
            byte[][] copy = new byte[batch][];
            for (int b = 0; b < batch; b++) {
                copy[b] = masks[b].clone();
            }
            calls.add(new Call(Tensor.wrap(random(r, batch * perRow * H), batch * perRow, H), perRow, pos, copy));
            length += perRow;
        }
        return calls;
    }

    @Test
    void deviceSessionMatchesHostSession() {
        DecoderWeights w = weights(11);
        for (boolean[] kernels : KERNELS) {
            try (DecoderSession dev = TestDevice.backend().openDecoder(w, 3, 64, 64, options(64, kernels))) {
                assertSessionsAgree(w, 3, 64, calls(new Random(12), 3), dev, true);
            }
        }
    }

    /** Few queries over a long cache: attention splits the keys over several work-groups and merges them. */
    @Test
    void keySplitAttentionOverALongCacheMatchesHostSession() {
        DecoderWeights w = weights(13);
        for (boolean[] kernels : KERNELS) {
            // split target 64: as on a device of 32 compute units
            try (ClDecoderSession dev = TestDevice.backend().openDecoder(w, 1, 640, 640, options(64, kernels))) {
                assertSessionsAgree(w, 1, 640, calls(new Random(14), 1, 640, 600, 1, 2), dev, true);
                assertTrue(
                        dev.lastKeySplits() > 1, "the last step split its keys (" + dev.lastKeySplits() + " splits)");
            }
        }
    }

    /**
     * The tiled kernels on the shapes at their edges: a prefill of several query blocks (the last one partial) over
     * several key chunks, the widest decode step (16 tokens) and the narrowest prefill (17), single tokens, an older
     * entry masked out, keys split over many work-groups (a large split target) and not split at all.
     */
    @Test
    void tiledAttentionMatchesHostSession() {
        DecoderWeights w = weights(17);
        for (int splitTarget : new int[] {1, 4096}) {
            DecoderSessionOptions tiled =
                    options(splitTarget).withTiledAttention(true).withStreamAttention(false);
            try (ClDecoderSession dev = TestDevice.backend().openDecoder(w, 2, 256, 256, tiled)) {
                assertSessionsAgree(w, 2, 256, calls(new Random(18), 2, 256, 70, 16, 17, 1, 10, 64), dev, true);
                assertEquals(
                        splitTarget == 1, dev.lastKeySplits() == 1, dev.lastKeySplits() + " splits at " + splitTarget);
            }
        }
    }

    /**
     * The tiled prefill kernel and register-prefill shapes at their edges against the host (the default shape: {@link
     * #tiledAttentionMatchesHostSession}): one query per work-item with blocks of 4 keys (two query blocks, one
     * partial), three queries per work-item of 32 work-items with chunks of 32 keys (the last work-item's rows partly
     * past the block); prefills of 110 and 70 tokens (the second over the first's keys, an older entry masked out)
     * around a decode step, with keys split over many work-groups (a large split target) and not split at all.
     */
    @Test
    void prefillShapesMatchHostSession() {
        DecoderWeights w = weights(57);
        List<PrefillShape> shapes = List.of(
                new PrefillShape(false, 128, 2, 8, 64),
                new PrefillShape(true, 100, 1, 4, 64),
                new PrefillShape(true, 32, 3, 4, 32));
        OpenClBackend cl = TestDevice.backend();
        for (PrefillShape shape : shapes) {
            for (int splitTarget : new int[] {1, 4096}) {
                DecoderSessionOptions options = options(splitTarget)
                        .withTiledAttention(true)
                        .withStreamShape(StreamShape.DEFAULT)
                        .withPrefillShape(shape);
                try (ClDecoderSession dev = cl.openDecoder(w, 2, 300, 300, options)) {
                    List<Call> calls = calls(new Random(58), 2, 300, 110, K, 70);
                    assertSessionsAgree(w, 2, 300, calls, dev, true);
                    assertEquals(
                            splitTarget == 1,
                            dev.lastKeySplits() == 1,
                            shape + ": " + dev.lastKeySplits() + " splits at " + splitTarget);
                }
            }
        }
    }

    /**
     * The stand-in row kernels (one row per work-group, one k chain) give the wide ones' bits on calls of {@link
     * DecoderBuilds#WIDE_FROM} rows or more, so a first clip that runs on them while the wide build finishes gets the
     * tokens of every later run: every layer's output, the logits and the task loss of two large prefills around a
     * decode step (on the narrow kernels either way), bit for bit.
     */
    @Test
    void standInRowKernelsGiveTheWideOnesBits() {
        DecoderWeights w = weights(51);
        int batch = 2, perRow = 150;
        assertTrue(batch * perRow >= DecoderBuilds.WIDE_FROM, "the prefill takes the large-row kernels");
        List<Call> calls = calls(new Random(52), batch, 512, perRow, K, 140);
        List<List<Tensor>> outputs = new ArrayList<>();
        List<List<String>> kernels = new ArrayList<>();
        OpenClBackend cl = TestDevice.backend();
        for (LargeRows pin : new LargeRows[] {LargeRows.STAND_IN, LargeRows.WIDE}) {
            List<Tensor> out = new ArrayList<>();
            List<String> used = new ArrayList<>();
            try (ClDecoderSession dev = cl.openDecoder(w, batch, 512, 512, options(64))) {
                dev.pinLargeRows(pin);
                for (Call call : calls) {
                    List<Tensor> layers = new ArrayList<>();
                    DecoderHeads heads = dev.forward(call.x, call.perRow, call.positions, call.masks, layers);
                    used.add(dev.lastRowKernels());
                    out.addAll(layers);
                    out.add(heads.logits());
                    out.add(heads.taskLoss());
                }
            }
            outputs.add(out);
            kernels.add(used);
        }
        assertEquals(List.of("stand-in", "narrow", "stand-in"), kernels.get(0), "row kernels pinned to the stand-in");
        assertEquals(List.of("wide", "narrow", "wide"), kernels.get(1), "row kernels pinned to the wide ones");
        for (int i = 0; i < outputs.get(0).size(); i++) {
            assertArrayEquals(
                    outputs.get(0).get(i).data(),
                    outputs.get(1).get(i).data(),
                    "output " + i + " (layers, final norm, logits, task loss per call), stand-in against wide");
        }
    }

    /**
     * The split row kernels (-Dautogaze.opencl.splitRows) give the narrow ones' bits, so switching them on changes no
     * token: at batches 1 and 2, a prefill above the split limit (narrow kernels), then decode steps of K, one and
     * seven tokens per row (split kernels) with one and three rows per work-group (the last group partial), with every
     * layer's output read back (all rows) and with the logits alone (the last layer for each row's last token only);
     * every layer's output, the logits and the task loss, bit for bit.
     */
    @Test
    void splitRowKernelsGiveTheNarrowOnesBits() {
        DecoderWeights w = weights(53);
        int splitRows = 2 * K;
        OpenClBackend cl = TestDevice.backend();
        for (int batch = 1; batch <= 2; batch++) {
            List<Call> calls = calls(new Random(54 + batch), batch, 128, splitRows + 1, K, 1, 7);
            for (int[] shape : new int[][] {{1, 1}, {1, 0}, {3, 1}}) { // rows per group, every layer
                boolean everyLayer = shape[1] == 1;
                List<List<Tensor>> outputs = new ArrayList<>();
                List<List<String>> kernels = new ArrayList<>();
                for (RowSplit split : new RowSplit[] {RowSplit.OFF, new RowSplit(splitRows, shape[0])}) {
                    List<Tensor> out = new ArrayList<>();
                    List<String> used = new ArrayList<>();
                    // the separate row kernels whatever -Dautogaze.opencl.persistent says (the device parity run sets
                    // it)
                    DecoderSessionOptions strided = options(64)
                            .withTiledAttention(false)
                            .withRowSplit(split)
                            .withPersistentSteps(PersistentSteps.OFF);
                    try (ClDecoderSession dev = cl.openDecoder(w, batch, 128, 128, strided)) {
                        for (Call call : calls) {
                            List<Tensor> layers = everyLayer ? new ArrayList<>() : null;
                            DecoderHeads heads = dev.forward(call.x, call.perRow, call.positions, call.masks, layers);
                            used.add(dev.lastRowKernels());
                            if (everyLayer) {
                                out.addAll(layers);
                            }
                            out.add(heads.logits());
                            out.add(heads.taskLoss());
                        }
                    }
                    outputs.add(out);
                    kernels.add(used);
                }
                assertEquals(List.of("narrow", "narrow", "narrow", "narrow"), kernels.get(0), "split kernels off");
                assertEquals(List.of("narrow", "split", "split", "split"), kernels.get(1), "split kernels on");
                for (int i = 0; i < outputs.get(0).size(); i++) {
                    assertArrayEquals(
                            outputs.get(0).get(i).data(),
                            outputs.get(1).get(i).data(),
                            "batch " + batch + ", " + shape[0] + " rows per group"
                                    + (everyLayer ? ", every layer" : ", logits alone") + ": output " + i
                                    + " (layers, final norm, logits, task loss per call), narrow against split");
                }
            }
        }
    }

    /**
     * A decoder step of few rows as one persistent launch (-Dautogaze.opencl.persistent; see testPersistent for its
     * work-groups) gives the separate kernels' bits, so
     * switching it on changes no token: at batches 1 and 2, a prefill above its limit (the narrow kernels), then steps of
     * K, one and seven tokens per row (the persistent kernel, the last layer for each row's last token only, the key
     * splits of a 64-group split target), through forward (logits and task loss) and forwardAndChoose (ids, margins,
     * probabilities, task loss), bit for bit; the strided attention on both sides.
     */
    @Test
    void persistentStepGivesTheSeparateKernelsBits() {
        DecoderWeights w = weights(57);
        int most = 2 * K;
        OpenClBackend cl = TestDevice.backend();
        for (int batch = 1; batch <= 2; batch++) {
            List<Call> calls = calls(new Random(58 + batch), batch, 128, most + 1, K, 1, 7);
            List<List<Tensor>> outputs = new ArrayList<>();
            List<List<TokenChoice>> choices = new ArrayList<>();
            List<List<String>> kernels = new ArrayList<>();
            for (PersistentSteps persistent : List.of(PersistentSteps.OFF, testPersistent(most))) {
                List<Tensor> out = new ArrayList<>();
                List<TokenChoice> chosen = new ArrayList<>();
                List<String> used = new ArrayList<>();
                try (ClDecoderSession logits = cl.openDecoder(w, batch, 128, 128, persistentOptions(persistent));
                        ClDecoderSession choice = cl.openDecoder(w, batch, 128, 128, persistentOptions(persistent))) {
                    for (int i = 0; i < calls.size(); i++) {
                        Call call = calls.get(i);
                        DecoderHeads heads = logits.forward(call.x, call.perRow, call.positions, call.masks, null);
                        used.add(logits.lastRowKernels());
                        out.add(heads.logits());
                        out.add(heads.taskLoss());
                        int[][] fed = i == 0 ? null : fedIds(batch, call.perRow);
                        chosen.add(choice.forwardAndChoose(call.x, call.perRow, call.positions, call.masks, fed, PAD));
                        used.add(choice.lastRowKernels());
                    }
                }
                outputs.add(out);
                choices.add(chosen);
                kernels.add(used);
            }
            assertEquals(Collections.nCopies(8, "narrow"), kernels.get(0), "persistent steps off");
            List<String> on = new ArrayList<>(Collections.nCopies(8, "persistent"));
            on.set(0, "narrow");
            on.set(1, "narrow");
            assertEquals(on, kernels.get(1), "persistent steps on (the prefill above the limit on the narrow kernels)");
            for (int i = 0; i < outputs.get(0).size(); i++) {
                assertArrayEquals(
                        outputs.get(0).get(i).data(),
                        outputs.get(1).get(i).data(),
                        "batch " + batch + ": output " + i
                                + " (logits, task loss per call), separate against persistent");
            }
            for (int i = 0; i < calls.size(); i++) {
                assertSameChoice(choices.get(0).get(i), choices.get(1).get(i), "batch " + batch + ", call " + i);
            }
        }
    }

    /**
     * Persistent steps of at most {@code most} rows for tests: on a CPU device one work-group (PoCL need not run several
     * at once, and one takes every phase's work-groups in turn), on a GPU one per compute unit (the grid barriers, and
     * the choice with fewer work-items than lanes, as the switch runs them). (On a CPU device the build has
     * -cl-opt-disable: PoCL 3.1 built it in 5.5 s so, in more than 15 minutes without; see ClDecoderSession.persistentBuild.)
     */
    private static PersistentSteps testPersistent(int most) {
        return testPersistent(most, false);
    }

    /** {@link #testPersistent(int)}, with {@code frames}: a frame's persistent steps in one launch. */
    private static PersistentSteps testPersistent(int most, boolean frames) {
        OpenClDevice device = TestDevice.backend().device();
        return new PersistentSteps(most, device.cpu() ? 1 : device.computeUnits(), false, frames);
    }

    /** Fed ids of a decode call of {@code perRow} tokens per row: any ids in the vocabulary. */
    private static int[][] fedIds(int batch, int perRow) {
        int[][] ids = new int[batch][perRow];
        for (int b = 0; b < batch; b++) {
            for (int j = 0; j < perRow; j++) {
                ids[b][j] = (31 * b + 7 * j + perRow) % V;
            }
        }
        return ids;
    }

    /**
     * The streamed decode kernel on the shapes at its edges: steps of K, one and seven new tokens per row over a cache
     * of several chunks, split over many work-groups (a large split target) or not at all, an older entry masked out,
     * a step past K between them (the tiled decode kernel); with every layer's output read back, and with the logits
     * alone, where the last layer's last-token attention runs the streamed kernel too (after the prefill with the
     * prefill's split count).
     */
    @Test
    void streamAttentionMatchesHostSession() {
        DecoderWeights w = weights(19);
        for (int splitTarget : new int[] {1, 4096}) {
            for (boolean everyLayer : new boolean[] {true, false}) {
                DecoderSessionOptions streamed =
                        options(splitTarget).withTiledAttention(true).withStreamAttention(true);
                try (ClDecoderSession dev = TestDevice.backend().openDecoder(w, 2, 700, 700, streamed)) {
                    assertSessionsAgree(w, 2, 700, calls(new Random(20), 2, 700, 600, K, 1, 7, 16, K), dev, everyLayer);
                    assertEquals(
                            splitTarget == 1,
                            dev.lastKeySplits() == 1,
                            dev.lastKeySplits() + " splits at " + splitTarget);
                }
            }
        }
    }

    /**
     * The streamed attention's variants give the bits of today's kernels (every output in registers, the last token on
     * {@code attention_stream} with lastOnly): output shares of all queries but two (SR 2: 45.7 KB of local memory,
     * within NVIDIA's 48 KB) or three (with SE, probabilities computed once per lane) in local memory, the one-query
     * last-token kernel; two batch rows, keys split over many work-groups, steps of K, one and seven tokens
     * after a 300-token prefill (three chunks of keys), an older entry masked out; every layer's output, the logits and
     * the task loss bit for bit, read with every layer's output (the decode kernel in every layer) and with the logits
     * alone (the last layer on the last-token kernel).
     */
    @Test
    void streamVariantsGiveTheDefaultBits() {
        DecoderWeights w = weights(53);
        OptionalInt all = OptionalInt.empty();
        StreamShape today = new StreamShape(32, 8, all, false, 6, 16, false, false, false, all);
        List<StreamShape> variants = List.of(
                StreamShape.DEFAULT,
                new StreamShape(32, 8, OptionalInt.of(2), false, 6, 16, false, false, true, all),
                new StreamShape(32, 8, OptionalInt.of(3), true, 6, 16, true, false, false, all));
        // interleaved queries (SI) are not here: on the H200 (2026-11-30) a logit of SI with SE and prefetch came out
        // 1 ulp from today's (the NVIDIA compiler contracts the interleaved chains differently); PoCL gave the same
        // bits. SI is a rounding-level variant (StreamShape), checked within the parity tolerance by the model's tests.
        assertEquals(OptionalInt.empty(), StreamShape.DEFAULT.registerQueries(), "the default keeps all in registers");
        try (ClContext ctx = ClContext.open(OpenClBackend.preferredDevice(), ProgramCache.off())) {
            String options = ClDecoderSession.builds(ctx, w, variants.get(1), PrefillShape.DEFAULT)
                    .tiled()
                    .options();
            assertTrue(options.contains(" -D SR=2 "), "the tiled build takes the shape's constants: " + options);
        }
        for (boolean everyLayer : new boolean[] {true, false}) {
            List<float[]> expected = streamOutputs(w, today, everyLayer);
            for (StreamShape variant : variants) {
                List<float[]> got = streamOutputs(w, variant, everyLayer);
                for (int i = 0; i < expected.size(); i++) {
                    assertArrayEquals(
                            expected.get(i),
                            got.get(i),
                            "output " + i + " (per call: layers, final norm, logits, task loss) of " + variant
                                    + (everyLayer ? "" : ", logits alone"));
                }
            }
        }
    }

    /** Every output of {@link #streamVariantsGiveTheDefaultBits}'s calls on a session of {@code shape}. */
    private static List<float[]> streamOutputs(DecoderWeights w, StreamShape shape, boolean everyLayer) {
        List<float[]> out = new ArrayList<>();
        DecoderSessionOptions streamed = options(4096)
                .withTiledAttention(true)
                .withStreamAttention(true)
                .withRowSplit(RowSplit.OFF)
                .withStreamShape(shape);
        try (ClDecoderSession dev = TestDevice.backend().openDecoder(w, 2, 400, 400, streamed)) {
            for (Call call : calls(new Random(54), 2, 400, 300, K, 1, 7, K)) {
                List<Tensor> layers = everyLayer ? new ArrayList<>() : null;
                DecoderHeads heads = dev.forward(call.x, call.perRow, call.positions, call.masks, layers);
                for (int l = 0; everyLayer && l < layers.size(); l++) {
                    out.add(layers.get(l).data());
                }
                out.add(heads.logits().data());
                out.add(heads.taskLoss().data());
            }
            assertTrue(dev.lastKeySplits() > 1, "the last step split its keys (" + dev.lastKeySplits() + " splits)");
        }
        return out;
    }

    /**
     * The test backend's decoder session switches with the decode loop on the device and attention split target
     * {@code splitTarget} in place of the device's (its compute units x 2), so that the key splits a test runs do not
     * depend on the test device.
     */
    static DecoderSessionOptions options(int splitTarget) {
        return TestDevice.backend()
                .decoderOptions()
                .withSplitTarget(splitTarget)
                .withDecodesFrames(true);
    }

    /** {@link #options(int)} with the attention kernels {@code kernels}, one of {@link #KERNELS}. */
    /** Options of a 64-group split target with the strided attention and {@code persistent}'s steps as one launch. */
    private static DecoderSessionOptions persistentOptions(PersistentSteps persistent) {
        return options(64).withTiledAttention(false).withStreamAttention(false).withPersistentSteps(persistent);
    }

    private static DecoderSessionOptions options(int splitTarget, boolean[] kernels) {
        return options(splitTarget).withTiledAttention(kernels[0]).withStreamAttention(kernels[1]);
    }

    /**
     * Runs the calls on a host session and on {@code dev}, comparing the logits and task loss and, with
     * {@code everyLayer}, every layer's output (without it the device runs the last layer for each row's last token).
     */
    private static void assertSessionsAgree(
            DecoderWeights w, int batch, int capacity, List<Call> calls, DecoderSession dev, boolean everyLayer) {
        try (Backend cpu = Backend.cpu(2);
                DecoderSession host = cpu.openDecoder(w, batch, 16, capacity)) {
            for (int c = 0; c < calls.size(); c++) {
                Call call = calls.get(c);
                List<Tensor> hostLayers = everyLayer ? new ArrayList<>() : null;
                List<Tensor> devLayers = everyLayer ? new ArrayList<>() : null;
                DecoderHeads a = host.forward(call.x, call.perRow, call.positions, call.masks, hostLayers);
                DecoderHeads b = dev.forward(call.x, call.perRow, call.positions, call.masks, devLayers);
                assertEquals(host.length(), dev.length());
                for (int l = 0; everyLayer && l < hostLayers.size(); l++) {
                    assertClose(hostLayers.get(l), devLayers.get(l), 1e-5f, "call " + c + " layer output " + l);
                }
                assertClose(a.logits(), b.logits(), 1e-5f, "call " + c + " logits");
                assertClose(a.taskLoss(), b.taskLoss(), 1e-5f, "call " + c + " task loss");
            }
            int over = capacity - host.length() + 1;
            assertThrows(
                    IllegalStateException.class,
                    () -> dev.forward(
                            Tensor.zeros(batch * over, H), over, new int[batch][over], calls.get(2).masks, null),
                    "cache overflow is refused");
        }
    }

    /**
     * The device's choice on its own logits equals the greedy rule applied to them on the host: the ids, the margins
     * bit for bit (the same float subtraction), the probabilities within float rounding (the host sums in double);
     * with random weights, and with head weights that tie ids at the top (the lower id wins, margin 0) over calls that
     * forbid all but a few ids (the later heads find none: id -1, margin and probability NaN). Batch 5: the logits
     * kernel's groups of 4 rows, the last one partial.
     */
    @Test
    void deviceChoiceEqualsHostChoiceOnTheSameLogits() {
        assertDeviceChoiceEqualsHostChoice(weights(21), calls(new Random(22), 5));
        int[] edgeCases = assertDeviceChoiceEqualsHostChoice(
                tiedAtTheTop(weights(23)), calls(new Random(24), 5, 320, 30, 10, 260));
        assertTrue(edgeCases[0] > 0, "some heads tied at the top");
        assertTrue(edgeCases[1] > 0, "some heads found every id forbidden");
    }

    /**
     * Runs the calls on two sessions, one returning logits and one choosing, each call feeding ids that become
     * forbidden; returns how many heads tied at the top and how many found no id.
     */
    private static int[] assertDeviceChoiceEqualsHostChoice(DecoderWeights w, List<Call> calls) {
        int batch = calls.get(0).positions.length;
        int[] edgeCases = new int[2];
        OpenClBackend cl = TestDevice.backend();
        int capacity = calls.get(0).masks[0].length;
        try (DecoderSession logitsOnly = cl.openDecoder(w, batch, 16, capacity);
                DecoderSession choosing = cl.openDecoder(w, batch, 16, capacity)) {
            List<Integer>[] fedSoFar = newLists(batch);
            int[][] fed = null;
            for (int c = 0; c < calls.size(); c++) {
                Call call = calls.get(c);
                if (c > 0) {
                    fed = choiceFeeds(c, batch, call.perRow);
                    for (int b = 0; b < batch; b++) {
                        for (int id : fed[b]) {
                            fedSoFar[b].add(id);
                        }
                    }
                }
                DecoderHeads heads = logitsOnly.forward(call.x, call.perRow, call.positions, call.masks, null);
                TokenChoice got = choosing.forwardAndChoose(call.x, call.perRow, call.positions, call.masks, fed, PAD);
                assertArrayEquals(heads.taskLoss().data(), got.taskLoss(), "task loss of call " + c);
                for (int b = 0; b < batch; b++) {
                    float[] s = Arrays.copyOfRange(heads.logits().data(), b * K * V, (b + 1) * K * V);
                    for (int v = 0; v < V; v++) {
                        if (v == PAD || fedSoFar[b].contains(v)) {
                            forbid(s, 0, v);
                        }
                    }
                    for (int i = 0; i < K; i++) {
                        String where = "head " + i + " of row " + b + ", call " + c;
                        float[] row = Arrays.copyOfRange(s, i * V, (i + 1) * V);
                        int best = -1;
                        float second = Float.NEGATIVE_INFINITY;
                        for (int v = 0; v < V; v++) {
                            if (best < 0 ? row[v] > Float.NEGATIVE_INFINITY : row[v] > row[best]) {
                                second = best < 0 ? second : row[best];
                                best = v;
                            } else if (row[v] > second) {
                                second = row[v];
                            }
                        }
                        assertEquals(best, got.tokens()[b][i], "id of " + where);
                        if (best < 0) {
                            edgeCases[1]++;
                            assertEquals(Float.NaN, got.margins()[b][i], "margin of " + where);
                            assertEquals(Float.NaN, got.probabilities()[b][i], "probability of " + where);
                            continue;
                        }
                        edgeCases[0] += row[best] == second ? 1 : 0;
                        assertEquals(row[best] - second, got.margins()[b][i], "margin of " + where);
                        double sum = 0;
                        for (float l : row) {
                            sum += l > Float.NEGATIVE_INFINITY ? Math.exp((double) l - row[best]) : 0;
                        }
                        assertEquals(1 / sum, got.probabilities()[b][i], 1e-5 / sum, "probability of " + where);
                        forbid(s, i + 1, best);
                    }
                }
            }
        }
        return edgeCases;
    }

    /** The ids call {@code c} (from 1) feeds: distinct over a row's calls until they cover every cell id. */
    private static int[][] choiceFeeds(int c, int batch, int perRow) {
        int[][] fed = new int[batch][perRow];
        for (int b = 0; b < batch; b++) {
            for (int s = 0; s < perRow; s++) {
                fed[b][s] = (7 * s + 3 * b + c) % PAD;
            }
        }
        return fed;
    }

    /**
     * The parallel choice (decoder.cl choose_row_parallel, the default) gives the head-after-head choice's
     * ({@code -D SEQUENTIAL_CHOICE}, choose_row) ids, margins and probabilities bit for bit, on logits made hard for
     * it: random heads; heads tied at the top (the runner-up equal to the best); every head the same (head i takes the
     * (i+1)-th best id, so it needs its best i + 2), with ties across heads; calls that forbid all ids but a few, then
     * all of them (id -1, NaN).
     */
    @Test
    void parallelChoiceGivesTheSequentialChoicesBits() {
        int device = TestDevice.backend().device().index();
        int[] edgeCases = new int[2];
        try (OpenClBackend sequential = OpenClBackend.open(device, "-D SEQUENTIAL_CHOICE");
                OpenClBackend parallel = OpenClBackend.open(device, "")) {
            for (DecoderWeights w :
                    List.of(weights(61), tiedAtTheTop(weights(62)), sameHeads(tiedAtTheTop(weights(63))))) {
                List<Call> calls = calls(new Random(64), 5, 320, 30, 10, 260);
                List<TokenChoice> expected = choices(sequential, w, calls);
                List<TokenChoice> got = choices(parallel, w, calls);
                for (int c = 0; c < calls.size(); c++) {
                    TokenChoice e = expected.get(c), g = got.get(c);
                    for (int b = 0; b < e.tokens().length; b++) {
                        String where = "row " + b + " of call " + c;
                        assertArrayEquals(e.tokens()[b], g.tokens()[b], "ids of " + where);
                        assertArrayEquals(e.margins()[b], g.margins()[b], "margins of " + where);
                        assertArrayEquals(e.probabilities()[b], g.probabilities()[b], "probabilities of " + where);
                        for (int i = 0; i < K; i++) {
                            edgeCases[0] += e.margins()[b][i] == 0 ? 1 : 0;
                            edgeCases[1] += e.tokens()[b][i] < 0 ? 1 : 0;
                        }
                    }
                }
            }
        }
        assertTrue(edgeCases[0] > 0, "some heads tied at the top");
        assertTrue(edgeCases[1] > 0, "some heads found every id forbidden");
    }

    /** The device's choices of each call on {@code cl}, each call after the first feeding {@link #choiceFeeds}. */
    private static List<TokenChoice> choices(OpenClBackend cl, DecoderWeights w, List<Call> calls) {
        int batch = calls.get(0).positions.length;
        List<TokenChoice> out = new ArrayList<>();
        try (DecoderSession session = cl.openDecoder(w, batch, 16, calls.get(0).masks[0].length)) {
            for (int c = 0; c < calls.size(); c++) {
                Call call = calls.get(c);
                int[][] fed = c == 0 ? null : choiceFeeds(c, batch, call.perRow);
                out.add(session.forwardAndChoose(call.x, call.perRow, call.positions, call.masks, fed, PAD));
            }
        }
        return out;
    }

    /** {@code w} with every head's lm head columns those of head 0: the heads' logits the same. */
    private static DecoderWeights sameHeads(DecoderWeights w) {
        float[] lm = w.lmHead().transposed().clone(); // [H][K * V]
        for (int i = 0; i < H; i++) {
            for (int h = 1; h < K; h++) {
                System.arraycopy(lm, i * K * V, lm, i * K * V + h * V, V);
            }
        }
        return withLmHead(w, lm);
    }

    /** Sets id {@code v} to -inf in heads {@code from..K-1} of one row's logits {@code [K][V]}. */
    private static void forbid(float[] s, int from, int v) {
        for (int h = from; h < K; h++) {
            s[h * V + v] = Float.NEGATIVE_INFINITY;
        }
    }

    /**
     * {@code w} with the lm head changed so that in every head ids 5 and 7 score 4x id 5's old logit and ids 3 and 100
     * minus that: one of the two pairs ties at the top unless an earlier head took one of them.
     */
    private static DecoderWeights tiedAtTheTop(DecoderWeights w) {
        float[] lm = w.lmHead().transposed().clone(); // [H][K * V]
        for (int i = 0; i < H; i++) {
            for (int h = 0; h < K; h++) {
                int at = i * K * V + h * V;
                float big = 4 * lm[at + 5];
                lm[at + 5] = big;
                lm[at + 7] = big;
                lm[at + 3] = -big;
                lm[at + 100] = -big;
            }
        }
        return withLmHead(w, lm);
    }

    /** {@code w} with the lm head {@code lm} [H][K * V]. */
    private static DecoderWeights withLmHead(DecoderWeights w, float[] lm) {
        return new DecoderWeights(
                w.hidden(),
                w.heads(),
                w.headDim(),
                w.rmsNormEps(),
                w.rope(),
                w.layers(),
                w.finalNorm(),
                LinearWeight.fromInOut(lm, H, K * V, null),
                w.taskLossHead());
    }

    /**
     * A frame decoded on the device (each step's ids and embeddings gathered there) equals the same frame run step by
     * step with forwardAndChoose, the host feeding each step's ids: every id, margin, probability and task loss bit for
     * bit; without a task-loss stop, with one that finishes row 0 after the first step (its later ids fed as pads), and
     * with one that finishes every row there (the session stops after its first round trip of two steps); each with the
     * ids gathered in layer 0 (feed_qkv_rope) and by feed_step before qkv_rope. Also with the frame's decode steps on the
     * split row kernels (-Dautogaze.opencl.splitRows; the strided attention on both sides; feed_step, since split_input
     * reads the fed embeddings).
     */
    @Test
    void frameOnDeviceEqualsStepByStep() {
        for (boolean fused : new boolean[] {true, false}) {
            frameOnDeviceEqualsStepByStep(Stop.NONE, RowSplit.OFF, PersistentSteps.OFF, 2, fused);
            frameOnDeviceEqualsStepByStep(Stop.ROW_0, RowSplit.OFF, PersistentSteps.OFF, 2, fused);
            frameOnDeviceEqualsStepByStep(Stop.EVERY_ROW, RowSplit.OFF, PersistentSteps.OFF, 2, fused);
        }
        frameOnDeviceEqualsStepByStep(Stop.NONE, new RowSplit(2 * K, 1), PersistentSteps.OFF, 2, true);
        frameOnDeviceEqualsStepByStep(Stop.ROW_0, new RowSplit(2 * K, 3), PersistentSteps.OFF, 2, true);
    }

    /**
     * frameOnDeviceEqualsStepByStep with the frame's steps as persistent launches (-Dautogaze.opencl.persistent,
     * testPersistent's work-groups; each decode step's ids and embeddings fed inside its launch), one per step and one
     * per frame (-Dautogaze.opencl.persistentFrames: the decode steps in one launch, or one per round trip with a
     * task-loss stop): batch 2 without and with a task-loss stop (its prefill above the limit on the narrow kernels),
     * batch 1 (its prefill persistent too).
     */
    @Test
    void persistentFrameOnDeviceEqualsStepByStep() {
        for (boolean frames : new boolean[] {false, true}) {
            PersistentSteps persistent = testPersistent(2 * K, frames);
            frameOnDeviceEqualsStepByStep(Stop.NONE, RowSplit.OFF, persistent, 2, true);
            frameOnDeviceEqualsStepByStep(Stop.ROW_0, RowSplit.OFF, persistent, 2, true);
            frameOnDeviceEqualsStepByStep(Stop.EVERY_ROW, RowSplit.OFF, persistent, 2, true);
            frameOnDeviceEqualsStepByStep(Stop.NONE, RowSplit.OFF, persistent, 1, true);
        }
    }

    private enum Stop {
        NONE,
        ROW_0,
        EVERY_ROW
    }

    /**
     * A session of 64 cache entries with the switches {@code options}, or, {@code strided}, those with the strided
     * kernel, {@code split}'s calls on the split row kernels and {@code persistent}'s steps as one launch.
     */
    private static ClDecoderSession openFrameTest(
            DecoderWeights w,
            int batch,
            DecoderSessionOptions options,
            boolean strided,
            RowSplit split,
            PersistentSteps persistent) {
        DecoderSessionOptions chosen = strided
                ? options.withTiledAttention(false).withRowSplit(split).withPersistentSteps(persistent)
                : options;
        return TestDevice.backend().openDecoder(w, batch, 64, 64, chosen);
    }

    private static void frameOnDeviceEqualsStepByStep(
            Stop which, RowSplit split, PersistentSteps persistent, int batch, boolean fused) {
        DecoderWeights w = weights(41);
        int prefill = 20, tailLength = K;
        Random r = new Random(42);
        Tensor x = Tensor.wrap(random(r, batch * prefill * H), batch * prefill, H);
        Tensor table = Tensor.wrap(random(r, V * H), V, H);
        int[][] positions = new int[batch][prefill];
        int[][] tail = new int[batch][tailLength];
        byte[][] masks = new byte[batch][prefill];
        for (int b = 0; b < batch; b++) {
            for (int s = 0; s < prefill; s++) {
                positions[b][s] = s;
                masks[b][s] = (byte) (s == 3 && b == 1 ? 0 : 1);
            }
            for (int j = 0; j < tailLength; j++) {
                tail[b][j] = prefill - tailLength + j;
            }
        }
        List<Integer> sizes = List.of(K, K, 7, 3);
        boolean strided = split.most() > 0 || persistent.most() > 0;
        try (ClDecoderSession frame =
                        openFrameTest(w, batch, options(64).withFuseFeed(fused), strided, split, persistent);
                DecoderSession steps = openFrameTest(
                        w, batch, options(64).withDecodesFrames(false), strided, RowSplit.OFF, PersistentSteps.OFF)) {
            String what = which + (strided ? ", strided" : "") + (split.most() > 0 ? ", split rows" : "")
                    + (persistent.most() > 0 ? ", persistent" : "") + (persistent.frames() ? " frames" : "")
                    + (fused ? ", fused" : ", feed_step") + ", batch "
                    + batch;
            TokenChoice expected = steps.forwardAndChoose(x, prefill, positions, masks, null, PAD);
            // ROW_0: a threshold that row 0's lowest task loss of the first step (head 0 aside) meets
            float threshold = Float.POSITIVE_INFINITY;
            for (int i = 1; i < K; i++) {
                threshold = Math.min(threshold, expected.taskLoss()[i]);
            }
            OptionalDouble stop = switch (which) {
                case NONE -> OptionalDouble.empty();
                case ROW_0 -> OptionalDouble.of(threshold);
                case EVERY_ROW -> OptionalDouble.of(Double.POSITIVE_INFINITY);
            };
            List<TokenChoice> got =
                    frame.forwardFrame(new FrameSteps(x, prefill, positions, masks, tail, sizes, table, PAD, stop));
            if (persistent.most() > 0) {
                assertEquals("persistent", frame.lastRowKernels(), what + ": the last decode step");
            }
            boolean[] finished = new boolean[batch];
            int pads = 0;
            byte[][] grown = masks;
            for (int s = 0; ; s++) {
                assertSameChoice(expected, got.get(s), what + ", step " + s);
                if (s + 1 == got.size()) {
                    break;
                }
                int n = sizes.get(s);
                int[][] fed = new int[batch][n];
                int[][] at = new int[batch][n];
                float[] embeddings = new float[batch * n * H];
                int length = steps.length();
                grown = Arrays.stream(grown)
                        .map(m -> Arrays.copyOf(m, length + n))
                        .toArray(byte[][]::new);
                boolean[] meets = new boolean[batch];
                for (int b = 0; b < batch; b++) {
                    for (int j = 0; j < n; j++) {
                        boolean meet = stop.isPresent()
                                && !(s == 0 && j == 0)
                                && expected.taskLoss()[b * K + j] <= (float) stop.getAsDouble();
                        meets[b] |= meet;
                        fed[b][j] = finished[b] || meet ? PAD : Math.max(0, expected.tokens()[b][j]);
                        pads += fed[b][j] == PAD ? 1 : 0;
                        at[b][j] = tail[b][j % tailLength];
                        grown[b][length + j] = 1;
                        System.arraycopy(table.data(), fed[b][j] * H, embeddings, (b * n + j) * H, H);
                    }
                }
                for (int b = 0; b < batch; b++) {
                    finished[b] |= meets[b];
                }
                expected = steps.forwardAndChoose(Tensor.wrap(embeddings, batch * n, H), n, at, grown, fed, PAD);
            }
            assertEquals(which == Stop.EVERY_ROW ? 2 : sizes.size(), got.size(), "steps run");
            assertEquals(steps.length(), frame.length(), "cache entries after the frame");
            assertEquals(which != Stop.NONE, pads > 0, "pads fed (" + pads + ")");
            assertEquals(which != Stop.NONE, finished[0], "row 0 finished by the stop");
            assertThrows(IllegalArgumentException.class, () -> frame.rewind(frame.length() + 1));
            frame.rewind(prefill);
            assertEquals(prefill, frame.length(), "rewound");
        }
    }

    /**
     * Attention is tiled from two batch rows on and strided for one unless {@code -Dautogaze.opencl.attention} says
     * tiled or strided; any other value is an error naming the property.
     */
    @Test
    void attentionSwitch() {
        assertEquals(AttentionChoice.AUTO, AttentionChoice.of(null));
        assertEquals(AttentionChoice.AUTO, AttentionChoice.of(" Auto "));
        assertEquals(AttentionChoice.TILED, AttentionChoice.of(" Tiled "));
        assertEquals(AttentionChoice.STRIDED, AttentionChoice.of("STRIDED"));
        assertFalse(AttentionChoice.AUTO.tiledFor(1));
        assertTrue(AttentionChoice.AUTO.tiledFor(2));
        assertTrue(AttentionChoice.TILED.tiledFor(1));
        assertFalse(AttentionChoice.STRIDED.tiledFor(128));
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class, () -> AttentionChoice.of("flash"));
        assertTrue(bad.getMessage().contains(OpenClBackend.ATTENTION_PROPERTY), bad.getMessage());
    }

    /**
     * The loop is on unless {@code -Dautogaze.opencl.frameLoop=off}; a session opened without it refuses whole frames,
     * and a value other than on or off is an error naming the property. A frame with a step wider than K or a tail
     * position outside the cache is refused before anything reaches the device.
     */
    @Test
    void frameLoopSwitch() {
        assertTrue(DecoderSessionOptions.frameLoop(null));
        assertTrue(DecoderSessionOptions.frameLoop(" On "));
        assertFalse(DecoderSessionOptions.frameLoop(" OFF "));
        IllegalArgumentException bad =
                assertThrows(IllegalArgumentException.class, () -> DecoderSessionOptions.frameLoop("false"));
        assertTrue(bad.getMessage().contains(OpenClBackend.FRAME_LOOP_PROPERTY), bad.getMessage());
        DecoderWeights w = weights(41);
        int batch = 1, prefill = 4;
        Tensor x = Tensor.wrap(random(new Random(43), prefill * H), prefill, H);
        Tensor table = Tensor.wrap(new float[V * H], V, H);
        int[][] positions = {{0, 1, 2, 3}};
        byte[][] masks = {{1, 1, 1, 1}};
        FrameSteps plan =
                new FrameSteps(x, prefill, positions, masks, positions, List.of(K), table, PAD, OptionalDouble.empty());
        try (DecoderSession off =
                TestDevice.backend().openDecoder(w, batch, 64, 64, options(64).withDecodesFrames(false))) {
            assertFalse(off.decodesFrames());
            assertThrows(UnsupportedOperationException.class, () -> off.forwardFrame(plan));
            assertThrows(UnsupportedOperationException.class, () -> off.rewind(0));
        }
        try (DecoderSession on = TestDevice.backend().openDecoder(w, batch, 64, 64, options(64))) {
            assertTrue(on.decodesFrames());
            FrameSteps tooWide = new FrameSteps(
                    x, prefill, positions, masks, positions, List.of(K, K + 1), table, PAD, OptionalDouble.empty());
            assertThrows(IllegalArgumentException.class, () -> on.forwardFrame(tooWide));
            FrameSteps farTail = new FrameSteps(
                    x,
                    prefill,
                    positions,
                    masks,
                    new int[][] {{64}},
                    List.of(K, K),
                    table,
                    PAD,
                    OptionalDouble.empty());
            assertThrows(IllegalArgumentException.class, () -> on.forwardFrame(farTail));
            assertEquals(0, on.length(), "a refused frame leaves the session as it was");
            assertEquals(1, on.forwardFrame(plan).size());
            assertEquals(prefill, on.length());
        }
    }

    /**
     * Two frames submitted back to back, the second carrying the ids of the first's last step (7 of K: gathered on the
     * device, its embeddings left zero by the caller), give bit for bit the choices of the same frames run in turn with
     * those embeddings given by the host; both choices are read after both frames were enqueued. A carry after anything
     * but such a frame, and a submitted frame with a task-loss stop, are refused.
     */
    @Test
    void carriedTokensEqualTheHostsEmbeddings() {
        DecoderWeights w = weights(41);
        int batch = 2, prefill = 20, vision = 12, carried = 7;
        Random r = new Random(44);
        Tensor table = Tensor.wrap(random(r, V * H), V, H);
        byte[][] masks = new byte[batch][64];
        Arrays.stream(masks).forEach(m -> Arrays.fill(m, (byte) 1));
        FrameSteps first = framePlan(Tensor.wrap(random(r, batch * prefill * H), batch * prefill, H), 0, masks, table);
        float[] second = random(r, batch * (carried + vision) * H);
        int secondAt = prefill + K;
        OpenClBackend cl = TestDevice.backend();
        try (DecoderSession inTurn = cl.openDecoder(w, batch, 64, 64, options(64));
                DecoderSession ahead = cl.openDecoder(w, batch, 64, 64, options(64))) {
            assertTrue(ahead.pipelinesFrames());
            List<TokenChoice> expected1 = inTurn.forwardFrame(first);
            float[] given = second.clone();
            float[] zeroed = second.clone();
            for (int b = 0; b < batch; b++) {
                for (int j = 0; j < carried; j++) {
                    int id = Math.max(0, expected1.get(1).tokens()[b][j]);
                    int row = (b * (carried + vision) + j) * H;
                    System.arraycopy(table.data(), id * H, given, row, H);
                    Arrays.fill(zeroed, row, row + H, 0f);
                }
            }
            List<TokenChoice> expected2 = inTurn.forwardFrame(
                    framePlan(Tensor.wrap(given, batch * (carried + vision), H), secondAt, masks, table));
            FrameSteps carrying = framePlan(Tensor.wrap(zeroed, batch * (carried + vision), H), secondAt, masks, table)
                    .carrying(carried);
            try (DecoderSession fresh = cl.openDecoder(w, batch, 64, 64, options(64))) {
                assertThrows(IllegalArgumentException.class, () -> fresh.submitFrame(carrying));
            }
            var got1 = ahead.submitFrame(first);
            var got2 = ahead.submitFrame(carrying);
            assertEquals(inTurn.length(), ahead.length(), "cache entries after both frames");
            List<TokenChoice> c1 = got1.choices(), c2 = got2.choices();
            for (int s = 0; s < 2; s++) {
                assertSameChoice(expected1.get(s), c1.get(s), "frame 1, step " + s);
                assertSameChoice(expected2.get(s), c2.get(s), "frame 2 (carried), step " + s);
            }
            FrameSteps stop = new FrameSteps(
                    first.prefill(),
                    prefill,
                    first.prefillPositions(),
                    masks,
                    first.tail(),
                    first.stepSizes(),
                    table,
                    PAD,
                    OptionalDouble.of(0));
            assertThrows(IllegalArgumentException.class, () -> ahead.submitFrame(stop));
        }
    }

    /**
     * A frame of two steps (K ids, then 7 or 3) whose prefill {@code x} ({@code [batch * perRow, hidden]}, the per-row
     * count from its size) starts at cache entry {@code at}, positions counting on from there.
     */
    static FrameSteps framePlan(Tensor x, int at, byte[][] masks, Tensor table) {
        int batch = masks.length;
        int perRow = x.dim(0) / batch;
        int[][] positions = new int[batch][perRow];
        int[][] tail = new int[batch][K];
        for (int b = 0; b < batch; b++) {
            for (int s = 0; s < perRow; s++) {
                positions[b][s] = at + s;
            }
            for (int j = 0; j < K; j++) {
                tail[b][j] = at + perRow - K + j;
            }
        }
        return new FrameSteps(
                x, perRow, positions, masks, tail, List.of(K, at == 0 ? 7 : 3), table, PAD, OptionalDouble.empty());
    }

    /**
     * A frame's decode step launches feed_qkv_rope: one launch less than feed_step and qkv_rope (the fusion off), the
     * same choices. Kernel profiling, which moves the work to a profiling-enabled queue and back, counts the launches
     * and changes no choice either.
     */
    @Test
    void fusedFeedSavesALaunchPerDecodeStep() {
        DecoderWeights w = weights(41);
        Random r = new Random(45);
        Tensor table = Tensor.wrap(random(r, V * H), V, H);
        byte[][] masks = new byte[1][64];
        Arrays.fill(masks[0], (byte) 1);
        FrameSteps plan = framePlan(Tensor.wrap(random(r, 20 * H), 20, H), 0, masks, table); // a prefill, a decode step
        OpenClBackend cl = TestDevice.backend();
        List<TokenChoice> expected;
        try (ClDecoderSession plain = cl.openDecoder(w, 1, 64, 64, options(64))) {
            expected = plain.forwardFrame(plan);
        }
        for (boolean fused : new boolean[] {true, false}) {
            // the separate kernels whatever -Dautogaze.opencl.persistent says (the device parity run sets it)
            DecoderSessionOptions separate = options(64).withFuseFeed(fused).withPersistentSteps(PersistentSteps.OFF);
            try (ClDecoderSession s = cl.openDecoder(w, 1, 64, 64, separate)) {
                List<TokenChoice> got;
                Map<String, long[]> profile;
                assertFalse(cl.queueProfiles(), "a plain queue unless kernel times are collected");
                cl.profiling(Backend.Profiling.KERNELS);
                try {
                    assertTrue(cl.queueProfiles(), "a profiling queue while kernel times are collected");
                    got = s.forwardFrame(plan);
                    profile = cl.profile();
                } finally {
                    cl.profiling(Backend.Profiling.OFF);
                }
                assertFalse(cl.queueProfiles(), "the plain queue again");
                String what = fused ? "fused" : "feed_step";
                assertEquals(fused ? 1 : 0, launches(profile, "feed_qkv_rope/next"), what + ": " + profile.keySet());
                assertEquals(fused ? 0 : 1, launches(profile, "feed_step"), what);
                assertEquals(fused ? 0 : 1, launches(profile, "qkv_rope/next"), what);
                assertEquals(1, launches(profile, "qkv_rope/first"), what);
                assertEquals(expected.size(), got.size(), what);
                for (int i = 0; i < got.size(); i++) {
                    assertSameChoice(expected.get(i), got.get(i), what + ", step " + i);
                }
                s.rewind(0);
                assertSameChoice(expected.get(1), s.forwardFrame(plan).get(1), what + ", again after profiling");
            }
        }
    }

    /**
     * feed_qkv_rope of the large-row builds (decode steps of {@link DecoderBuilds#WIDE_FROM} rows or more: 8 rows per
     * work-group in the wide one, one in the stand-in) gives the bits of feed_step before qkv_rope: every choice of a
     * frame at batch 26 (260 rows per decode step), fused and not, on either.
     */
    @Test
    void fusedFeedOnTheLargeRowKernels() {
        DecoderWeights w = weights(41);
        int batch = 26;
        Random r = new Random(46);
        Tensor table = Tensor.wrap(random(r, V * H), V, H);
        byte[][] masks = new byte[batch][64];
        Arrays.stream(masks).forEach(m -> Arrays.fill(m, (byte) 1));
        FrameSteps plan = framePlan(Tensor.wrap(random(r, batch * 12 * H), batch * 12, H), 0, masks, table);
        assertTrue(batch * K >= DecoderBuilds.WIDE_FROM, "the decode step takes the large-row kernels");
        OpenClBackend cl = TestDevice.backend();
        List<TokenChoice> expected = null;
        for (LargeRows pin : new LargeRows[] {LargeRows.WIDE, LargeRows.STAND_IN}) {
            for (boolean fused : new boolean[] {false, true}) {
                try (ClDecoderSession s =
                        cl.openDecoder(w, batch, 64, 64, options(64).withFuseFeed(fused))) {
                    s.pinLargeRows(pin);
                    List<TokenChoice> got = s.forwardFrame(plan);
                    String what = pin + (fused ? ", fused" : ", feed_step");
                    assertEquals(pin == LargeRows.WIDE ? "wide" : "stand-in", s.lastRowKernels(), what);
                    if (expected == null) {
                        expected = got;
                    }
                    for (int i = 0; i < got.size(); i++) {
                        assertSameChoice(expected.get(i), got.get(i), what + ", step " + i);
                    }
                }
            }
        }
    }

    private static long launches(Map<String, long[]> profile, String label) {
        long[] entry = profile.get(label);
        return entry == null ? 0 : entry[1];
    }

    /**
     * The fused feed is on unless {@code -Dautogaze.opencl.fuseFeed=off}; commands between flushes are 1 unless
     * {@code -Dautogaze.opencl.flushEvery} says a positive count. Other values name the property.
     */
    @Test
    void fuseFeedAndFlushSwitches() {
        assertTrue(DecoderSessionOptions.fuseFeed(null));
        assertFalse(DecoderSessionOptions.fuseFeed(" Off"));
        IllegalArgumentException bad =
                assertThrows(IllegalArgumentException.class, () -> DecoderSessionOptions.fuseFeed("no"));
        assertTrue(bad.getMessage().contains(OpenClBackend.FUSE_FEED_PROPERTY), bad.getMessage());
        assertEquals(1, ClContext.flushEvery(null));
        assertEquals(14, ClContext.flushEvery(" 14 "));
        for (String wrong : new String[] {"0", "-2", "x"}) {
            IllegalArgumentException e =
                    assertThrows(IllegalArgumentException.class, () -> ClContext.flushEvery(wrong), wrong);
            assertTrue(e.getMessage().contains(ClContext.FLUSH_PROPERTY), e.getMessage());
        }
    }

    /**
     * The split row kernels are off unless {@code -Dautogaze.opencl.splitRows=N}, with one row per work-group unless
     * {@code -Dautogaze.opencl.splitGroupRows=R}; other values name the property.
     */
    @Test
    void splitRowsSwitch() {
        assertEquals(0, DecoderSessionOptions.splitRows(null));
        assertEquals(0, DecoderSessionOptions.splitRows(" Off "));
        assertEquals(40, DecoderSessionOptions.splitRows(" 40"));
        assertEquals(DecoderBuilds.WIDE_FROM - 1, DecoderSessionOptions.splitRows("" + (DecoderBuilds.WIDE_FROM - 1)));
        for (String bad : new String[] {"on", "0", "-3", "" + DecoderBuilds.WIDE_FROM, "4O"}) {
            IllegalArgumentException e =
                    assertThrows(IllegalArgumentException.class, () -> DecoderSessionOptions.splitRows(bad), bad);
            assertTrue(e.getMessage().contains(OpenClBackend.SPLIT_ROWS_PROPERTY + "=" + bad), e.getMessage());
        }
        assertEquals(1, DecoderSessionOptions.splitGroupRows(null));
        assertEquals(RowSplit.MAX_PER_GROUP, DecoderSessionOptions.splitGroupRows(" " + RowSplit.MAX_PER_GROUP));
        for (String bad : new String[] {"off", "0", "" + (RowSplit.MAX_PER_GROUP + 1)}) {
            IllegalArgumentException e =
                    assertThrows(IllegalArgumentException.class, () -> DecoderSessionOptions.splitGroupRows(bad), bad);
            assertTrue(e.getMessage().contains(OpenClBackend.SPLIT_GROUP_ROWS_PROPERTY + "=" + bad), e.getMessage());
        }
    }

    /**
     * Decoder steps run as one persistent launch only with {@code -Dautogaze.opencl.persistent=on} and on a GPU (steps of
     * at most {@link PersistentSteps#MOST_ROWS} rows, one work-group per compute unit), with a phase clock only with
     * {@code -Dautogaze.opencl.phaseClock=on}; other values name the property.
     */
    @Test
    void persistentSwitch() {
        OpenClDevice gpu = new OpenClDevice(0, "NVIDIA CUDA", "NVIDIA H200", false, "OpenCL 3.0 CUDA", 1L << 37, 132);
        OpenClDevice cpu =
                new OpenClDevice(0, "Portable Computing Language", "pthread", true, "OpenCL 3.0 PoCL", 1L << 34, 2);
        assertEquals(PersistentSteps.OFF, DecoderSessionOptions.persistentSteps(null, null, null, gpu));
        assertEquals(PersistentSteps.OFF, DecoderSessionOptions.persistentSteps(" Off ", "on", null, gpu));
        assertEquals(
                new PersistentSteps(PersistentSteps.MOST_ROWS, 132, false, false),
                DecoderSessionOptions.persistentSteps(" on", null, null, gpu));
        assertEquals(
                new PersistentSteps(PersistentSteps.MOST_ROWS, 132, true, false),
                DecoderSessionOptions.persistentSteps("on", " ON", null, gpu));
        assertEquals(PersistentSteps.OFF, DecoderSessionOptions.persistentSteps("on", null, null, cpu));
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class, () -> DecoderSessionOptions.persistentSteps("yes", null, null, gpu));
        assertTrue(e.getMessage().contains(OpenClBackend.PERSISTENT_PROPERTY), e.getMessage());
        e = assertThrows(
                IllegalArgumentException.class, () -> DecoderSessionOptions.persistentSteps("on", "1", null, gpu));
        assertTrue(e.getMessage().contains(OpenClBackend.PHASE_CLOCK_PROPERTY), e.getMessage());
        assertEquals(
                new PersistentSteps(PersistentSteps.MOST_ROWS, 132, false, true),
                DecoderSessionOptions.persistentSteps("on", "off", "on", gpu));
        e = assertThrows(
                IllegalArgumentException.class, () -> DecoderSessionOptions.persistentSteps("on", null, "2", gpu));
        assertTrue(e.getMessage().contains(OpenClBackend.PERSISTENT_FRAMES_PROPERTY), e.getMessage());
    }

    /** The overlap of frames is on unless {@code -Dautogaze.opencl.overlap=off}; other values name the property. */
    @Test
    void overlapSwitch() {
        assertTrue(DecoderSessionOptions.overlap(null));
        assertTrue(DecoderSessionOptions.overlap(" ON"));
        assertFalse(DecoderSessionOptions.overlap("off"));
        IllegalArgumentException bad =
                assertThrows(IllegalArgumentException.class, () -> DecoderSessionOptions.overlap("1"));
        assertTrue(bad.getMessage().contains(OpenClBackend.OVERLAP_PROPERTY), bad.getMessage());
        try (DecoderSession off = TestDevice.backend()
                .openDecoder(weights(41), 1, 64, 64, options(64).withDecodesFrames(false))) {
            assertFalse(off.pipelinesFrames(), "no overlap without the decode loop on the device");
        }
    }

    static void assertSameChoice(TokenChoice expected, TokenChoice actual, String what) {
        assertArrayEquals(expected.taskLoss(), actual.taskLoss(), what + ": task loss");
        for (int b = 0; b < expected.tokens().length; b++) {
            assertArrayEquals(expected.tokens()[b], actual.tokens()[b], what + ": ids of row " + b);
            assertArrayEquals(expected.margins()[b], actual.margins()[b], what + ": margins of row " + b);
            assertArrayEquals(
                    expected.probabilities()[b], actual.probabilities()[b], what + ": probabilities of row " + b);
        }
    }

    @SuppressWarnings("unchecked")
    private static List<Integer>[] newLists(int n) {
        List<Integer>[] l = new List[n];
        for (int i = 0; i < n; i++) {
            l[i] = new ArrayList<>();
        }
        return l;
    }
}
