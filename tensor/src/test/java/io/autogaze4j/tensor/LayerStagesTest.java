package io.autogaze4j.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link LayerStages} runs every stage task once, and only after the tasks whose results it reads: chunks of rows that
 * span two batch rows, a ragged last chunk, layers with different attention task counts, and a last layer whose outputs
 * are each batch row's last token's or each chunk's. A failing task ends the region with its exception instead of
 * leaving the others waiting.
 */
class LayerStagesTest {
    private static final int ROWS = 50, PER_ROW = 10, CHUNK = 4, CHUNKS = 13, BATCH = 5;
    private static final int[] ATTENTION_PER_ROW = {3, 1, 2};
    private static final int LAYERS = ATTENTION_PER_ROW.length;

    @Test
    @Timeout(60)
    void everyTaskRunsOnceAfterTheTasksItReads() {
        for (int threads : new int[] {1, 4, 16}) {
            for (boolean lastTokensOnly : new boolean[] {false, true}) {
                String what = threads + " threads, last layer's outputs " + (lastTokensOnly ? "by row" : "by chunk");
                LayerStages stages = new LayerStages(ROWS, PER_ROW, CHUNK, ATTENTION_PER_ROW, lastTokensOnly);
                int chunkOutputLayers = lastTokensOnly ? LAYERS - 1 : LAYERS;
                int attentionTasks = 0;
                for (int a : ATTENTION_PER_ROW) {
                    attentionTasks += a * BATCH;
                }
                int lastTokenTasks = lastTokensOnly ? BATCH : 0;
                assertEquals(
                        LAYERS * CHUNKS + attentionTasks + chunkOutputLayers * CHUNKS + lastTokenTasks,
                        stages.tasks(),
                        what);
                // Runs of each task: [layer][chunk] for inputs and outputs, [layer][task] for attention.
                AtomicIntegerArray inputs = new AtomicIntegerArray(LAYERS * CHUNKS);
                AtomicIntegerArray outputs = new AtomicIntegerArray(LAYERS * CHUNKS);
                AtomicIntegerArray attention = new AtomicIntegerArray(LAYERS * 3 * BATCH);
                AtomicIntegerArray lastTokens = new AtomicIntegerArray(BATCH);
                List<String> violations = new CopyOnWriteArrayList<>();
                LayerStages.Stage in = (l, worker, c) -> {
                    if (l > 0 && outputs.get((l - 1) * CHUNKS + c) != 1) {
                        violations.add("inputs " + l + "/" + c + " before outputs of layer " + (l - 1));
                    }
                    pause();
                    inputs.incrementAndGet(l * CHUNKS + c);
                };
                LayerStages.Stage attend = (l, worker, i) -> {
                    int b = i / ATTENTION_PER_ROW[l];
                    for (int c = b * PER_ROW / CHUNK; c <= ((b + 1) * PER_ROW - 1) / CHUNK; c++) {
                        if (inputs.get(l * CHUNKS + c) != 1) {
                            violations.add("attention " + l + "/" + i + " before inputs of chunk " + c);
                        }
                    }
                    pause();
                    attention.incrementAndGet(l * 3 * BATCH + i);
                };
                LayerStages.Stage out = (l, worker, c) -> {
                    for (int b = c * CHUNK / PER_ROW; b <= (Math.min(ROWS, (c + 1) * CHUNK) - 1) / PER_ROW; b++) {
                        for (int i = 0; i < ATTENTION_PER_ROW[l]; i++) {
                            if (attention.get(l * 3 * BATCH + b * ATTENTION_PER_ROW[l] + i) != 1) {
                                violations.add("outputs " + l + "/" + c + " before attention of row " + b);
                            }
                        }
                    }
                    pause();
                    outputs.incrementAndGet(l * CHUNKS + c);
                };
                LayerStages.Stage last = (l, worker, b) -> {
                    for (int i = 0; i < ATTENTION_PER_ROW[l]; i++) {
                        if (l != LAYERS - 1 || attention.get(l * 3 * BATCH + b * ATTENTION_PER_ROW[l] + i) != 1) {
                            violations.add("last-token outputs " + l + "/" + b + " before attention of their row");
                        }
                    }
                    pause();
                    lastTokens.incrementAndGet(b);
                };
                try (Parallel par = Parallel.withThreads(threads)) {
                    par.forEach(stages.tasks(), (worker, t) -> stages.runNext(worker, in, attend, out, last));
                }
                assertEquals(List.of(), violations, what);
                for (int l = 0; l < LAYERS; l++) {
                    for (int c = 0; c < CHUNKS; c++) {
                        assertEquals(1, inputs.get(l * CHUNKS + c), "inputs " + l + "/" + c + ", " + what);
                        int expected = l < chunkOutputLayers ? 1 : 0;
                        assertEquals(expected, outputs.get(l * CHUNKS + c), "outputs " + l + "/" + c + ", " + what);
                    }
                    for (int i = 0; i < ATTENTION_PER_ROW[l] * BATCH; i++) {
                        assertEquals(1, attention.get(l * 3 * BATCH + i), "attention " + l + "/" + i + ", " + what);
                    }
                }
                for (int b = 0; b < BATCH; b++) {
                    assertEquals(
                            lastTokenTasks / BATCH, lastTokens.get(b), "last-token outputs of row " + b + ", " + what);
                }
            }
        }
    }

    @Test
    @Timeout(60)
    void aFailingTaskEndsTheRegionWithItsException() {
        IllegalStateException failure = new IllegalStateException("attention failed");
        for (int threads : new int[] {1, 4}) {
            LayerStages stages = new LayerStages(ROWS, PER_ROW, CHUNK, ATTENTION_PER_ROW, true);
            AtomicReference<String> after = new AtomicReference<>();
            LayerStages.Stage in = (l, worker, c) -> {};
            LayerStages.Stage attend = (l, worker, i) -> {
                if (l == 1 && i == 2) { // batch row 2: rows 20..29, chunks 5..7
                    throw failure;
                }
            };
            LayerStages.Stage out = (l, worker, c) -> {
                if (l == 1 && c >= 5 && c <= 7) {
                    after.set("outputs of chunk " + c + " ran though its row's attention failed");
                }
            };
            try (Parallel par = Parallel.withThreads(threads)) {
                RuntimeException thrown = assertThrows(
                        RuntimeException.class,
                        () -> par.forEach(stages.tasks(), (worker, t) -> stages.runNext(worker, in, attend, out, out)));
                assertSame(failure, thrown, threads + " threads");
            }
            assertTrue(after.get() == null, after.get());
        }
    }

    /** A short random pause, so that threads finish tasks in shuffled orders. */
    private static void pause() {
        long until = System.nanoTime() + ThreadLocalRandom.current().nextInt(20_000);
        while (System.nanoTime() < until) {
            Thread.onSpinWait();
        }
    }
}
