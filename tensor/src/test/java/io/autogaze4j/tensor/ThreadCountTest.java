package io.autogaze4j.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The CPU backend's task splits depend on shapes only: a batch of several rows gives the same bits on 1, 2 and 16
 * threads (more threads than this machine's cores: the pool still claims tasks in any order), through prefill and decode
 * steps whose keys span several softmax segments, and the products whose tasks build their own im2col rows give the bits
 * of the plain product of an explicit im2col matrix.
 */
class ThreadCountTest {
    private static final int[] THREADS = {1, 2, 16};

    private static float[] random(Random r, int n) {
        return DecoderSessionTest.random(r, n, 1);
    }

    @Test
    void decoderGivesTheSameBitsOnOneTwoAndSixteenThreads() {
        // Per call: tokens per row. Two "frames" of 206 tokens with decode steps of 10 between them, and a last token
        // alone: up to 680 keys (three softmax segments), so attention splits rows' keys and grows its partial buffers.
        int[] steps = {206, 10, 10, 1, 206, 10, 10, 206, 10};
        // Batch 5: 50 decode rows, chunks of four spanning two batch rows and a ragged last one, each stage its own
        // region; batch 7: 70 decode rows, 18 chunks, every layer's stages in one region (LayerStages).
        for (int batch : new int[] {5, 7}) {
            List<float[]> first = null;
            for (int threads : THREADS) {
                List<float[]> outputs = decoderOutputs(threads, batch, steps);
                if (first == null) {
                    first = outputs;
                    continue;
                }
                assertEquals(first.size(), outputs.size());
                for (int i = 0; i < outputs.size(); i++) {
                    assertArrayEquals(
                            first.get(i),
                            outputs.get(i),
                            "output " + i + " on " + threads + " threads vs 1, batch " + batch);
                }
            }
        }
    }

    /** Logits, task losses and (every other call) each layer's output of every call, on a fresh session. */
    private static List<float[]> decoderOutputs(int threads, int batch, int[] steps) {
        Random r = new Random(21);
        DecoderWeights w = DecoderSessionTest.weights(r, 3, 6, 10, 384); // the model's widths
        List<float[]> out = new ArrayList<>();
        try (Backend cpu = Backend.cpu(threads);
                DecoderSession session = cpu.openDecoder(w, batch, 16, 1000)) {
            byte[][] masks = new byte[batch][1000];
            for (int b = 0; b < batch; b++) {
                Arrays.fill(masks[b], (byte) 1);
                masks[b][7 * b + 3] = 0;
                masks[b][300 + b] = 0;
            }
            int at = 0;
            for (int s = 0; s < steps.length; s++) {
                int perRow = steps[s];
                Tensor x = Tensor.wrap(random(r, batch * perRow * w.hidden()), batch * perRow, w.hidden());
                int[][] pos = new int[batch][perRow];
                for (int[] p : pos) {
                    int from = at;
                    Arrays.setAll(p, i -> from + i);
                }
                at += perRow;
                List<Tensor> layers = s % 2 == 1 ? new ArrayList<>() : null;
                DecoderHeads heads = session.forward(x, perRow, pos, masks, layers);
                out.add(heads.logits().data());
                out.add(heads.taskLoss().data());
                if (layers != null) {
                    layers.forEach(t -> out.add(t.data()));
                }
            }
        }
        return out;
    }

    @Test
    void productsThatBuildTheirRowsMatchTheProductOfAnIm2colMatrixOnAnyThreadCount() {
        Random r = new Random(22);
        int cin = 16, side = 7, ks = 3, kt = 2, tokens = side * side;
        int in = kt * ks * ks * cin, out = 96; // two register blocks of columns: one frame's tasks split them
        LinearWeight trunk = LinearWeight.fromTorch(random(r, out * in), out, in, random(r, out));
        List<Tensor[]> windows = new ArrayList<>();
        for (int f = 0; f < 3; f++) { // the first window has no history frame yet
            Tensor history = f == 0 ? null : Tensor.wrap(random(r, tokens * cin), tokens, cin);
            windows.add(new Tensor[] {history, Tensor.wrap(random(r, tokens * cin), tokens, cin)});
        }
        int patch = 4, channels = 3, size = side * patch;
        LinearWeight embed = LinearWeight.fromTorch(
                random(r, 24 * channels * patch * patch), 24, channels * patch * patch, random(r, 24));
        List<Tensor> images = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            images.add(Tensor.wrap(random(r, channels * size * size), channels, size, size));
        }
        float[] convColumns = new float[windows.size() * tokens * trunk.in()];
        float[] patchColumns = new float[images.size() * tokens * embed.in()];
        for (int f = 0; f < windows.size(); f++) {
            for (int t = 0; t < tokens; t++) {
                int o = (f * tokens + t) * trunk.in();
                for (Tensor frame : windows.get(f)) {
                    for (int dy = -1; dy <= 1; dy++) {
                        for (int dx = -1; dx <= 1; dx++, o += cin) {
                            int y = t / side + dy, x = t % side + dx;
                            if (frame != null && y >= 0 && y < side && x >= 0 && x < side) {
                                System.arraycopy(frame.data(), (y * side + x) * cin, convColumns, o, cin);
                            }
                        }
                    }
                }
                o = (f * tokens + t) * embed.in();
                for (int c = 0; c < channels; c++) {
                    for (int y = 0; y < patch; y++, o += patch) {
                        int src = (c * size + t / side * patch + y) * size + t % side * patch;
                        System.arraycopy(images.get(f).data(), src, patchColumns, o, patch);
                    }
                }
            }
        }
        float[] conv, patches;
        try (Backend one = Backend.cpu(1)) {
            conv = one.linear(Tensor.wrap(convColumns, windows.size() * tokens, trunk.in()), trunk)
                    .data();
            patches = one.linear(Tensor.wrap(patchColumns, images.size() * tokens, embed.in()), embed)
                    .data();
        }
        for (int threads : THREADS) {
            try (Backend cpu = Backend.cpu(threads)) {
                assertArrayEquals(
                        conv,
                        cpu.causalConv3d(windows, trunk, ks, side, side).data(),
                        "trunk on " + threads + " threads");
                assertArrayEquals(
                        Arrays.copyOf(conv, tokens * trunk.out()),
                        cpu.causalConv3d(windows.get(0), trunk, ks, side, side).data(),
                        "one frame's trunk on " + threads + " threads");
                assertArrayEquals(
                        patches, cpu.patchEmbed(images, embed, patch).data(), "patches on " + threads + " threads");
            }
        }
    }
}
