package io.autogaze4j.kernels;

import static java.util.Map.entry;

import io.autogaze4j.tensor.TokenChoice;
import java.nio.ByteBuffer;
import java.nio.IntBuffer;
import java.util.List;
import java.util.Map;

/**
 * The host-device contract of one decoder step in {@code decoder.cl}, written once here: the slots of the int
 * parameter buffer {@code st} and the sections of the results buffer. The kernel source does not define these
 * numbers itself; {@link #defines()} passes them to the compiler as {@code -D} constants of the same names, so
 * the two sides cannot drift apart. {@link #pack} is the one method that writes a step's parameters.
 *
 * <p>Parameter buffer, ints: the header slots {@code P_*}, then positions {@code [rows]}, fed ids {@code [rows]},
 * mask entries {@code [batch][span]} (one byte value per int), then, from slot {@code P_INPUT} (16-byte aligned),
 * the new embeddings {@code [rows][hidden]} as float bits.
 *
 * <p>Results buffer, 32-bit words: per step ({@link #P_STEP}; one step outside frames) {@link #R_SECTIONS} sections of
 * {@code [batch][K]} each, section {@code R_*} starting at word {@code R_* * batch * K} of the step's; the chosen ids
 * are ints, everything else floats.
 */
final class StepLayout {
    /** New tokens per batch row. */
    static final int P_PER_ROW = 0;
    /** Cache index of the first new token. */
    static final int P_FIRST = 1;
    /** First mask entry uploaded this step. */
    static final int P_MASK_LO = 2;
    /** Mask entries uploaded per row. */
    static final int P_MASK_SPAN = 3;
    /** 1: a frame's first step (forget the forbidden ids); 0: forbid the fed ids. */
    static final int P_RESET = 4;
    /** Batch rows times new tokens per row. */
    static final int P_ROWS = 5;
    /** Batch rows. */
    static final int P_BATCH = 6;
    /** Key splits per attention query block. */
    static final int P_SPLITS = 7;
    /** Int index of the new embeddings in the parameter buffer. */
    static final int P_INPUT = 8;
    /**
     * Index of the step in its frame (0 outside frames): the heads write its results to word
     * {@code P_STEP * R_SECTIONS * batch * K} of the results buffer, and a decode step's fed ids are step
     * {@code P_STEP - 1}'s choices there.
     */
    static final int P_STEP = 9;
    /** Header slots; the per-row arrays start here. */
    static final int P_HEADER = 10;

    /** Task-loss value of each head (float). */
    static final int R_TASK_LOSS = 0;
    /** Best minus second-best processed logit of each head (float; NaN when no id was allowed). */
    static final int R_MARGIN = 1;
    /** Chosen id of each head (int; -1 when every id was forbidden). */
    static final int R_ID = 2;
    /** Softmax probability of the chosen id (float; NaN when no id was allowed). */
    static final int R_PROBABILITY = 3;
    /** Sections of the results buffer. */
    static final int R_SECTIONS = 4;

    private StepLayout() {}

    /** Every constant of the contract by name, as {@code decoder.cl} reads it. */
    private static final List<Map.Entry<String, Integer>> CONSTANTS = List.of(
            entry("P_PER_ROW", P_PER_ROW),
            entry("P_FIRST", P_FIRST),
            entry("P_MASK_LO", P_MASK_LO),
            entry("P_MASK_SPAN", P_MASK_SPAN),
            entry("P_RESET", P_RESET),
            entry("P_ROWS", P_ROWS),
            entry("P_BATCH", P_BATCH),
            entry("P_SPLITS", P_SPLITS),
            entry("P_INPUT", P_INPUT),
            entry("P_STEP", P_STEP),
            entry("P_HEADER", P_HEADER),
            entry("R_TASK_LOSS", R_TASK_LOSS),
            entry("R_MARGIN", R_MARGIN),
            entry("R_ID", R_ID),
            entry("R_PROBABILITY", R_PROBABILITY),
            entry("R_SECTIONS", R_SECTIONS));

    /** The slot and section constants as compiler options ({@code -D P_PER_ROW=0 ...}) for {@code decoder.cl}. */
    static String defines() {
        StringBuilder out = new StringBuilder();
        for (Map.Entry<String, Integer> c : CONSTANTS) {
            out.append(" -D ").append(c.getKey()).append('=').append(c.getValue());
        }
        return out.toString();
    }

    /** The names of the constants. */
    static List<String> names() {
        return CONSTANTS.stream().map(Map.Entry::getKey).toList();
    }

    /**
     * The header of one step.
     *
     * @param perRow   new tokens per batch row
     * @param first    cache index of the first new token
     * @param maskLo   first mask entry uploaded
     * @param maskSpan mask entries uploaded per row
     * @param reset    a frame's first step: forget the forbidden ids instead of forbidding fed ids
     * @param batch    batch rows
     * @param splits   key splits per attention query block
     * @param step     index of the step in its frame, 0 outside frames ({@link #P_STEP})
     */
    record Header(int perRow, int first, int maskLo, int maskSpan, boolean reset, int batch, int splits, int step) {
        int rows() {
            return batch * perRow;
        }

        /** Int index of the new embeddings: after the header and the per-row arrays, 16-byte aligned. */
        int inputAt() {
            return (P_HEADER + 2 * rows() + batch * maskSpan + 3) / 4 * 4;
        }

        /** Ints of the whole parameter buffer with {@code hidden} floats per new embedding. */
        int ints(int hidden) {
            return inputAt() + rows() * hidden;
        }
    }

    /**
     * Writes a step into {@code stage} (at least {@code header.ints(hidden)} ints): the header, positions, fed ids
     * (zeros on a reset step), mask entries {@code [maskLo, maskLo + maskSpan)} of each row and the embeddings (null:
     * left as the stage holds them, for a step whose embeddings the device writes). Values are checked by the caller.
     */
    static void pack(
            ByteBuffer stage,
            Header header,
            int[][] positions,
            int[][] fedIds,
            byte[][] masks,
            float[] embeddings,
            int hidden) {
        IntBuffer ints = stage.asIntBuffer();
        int[] slots = new int[P_HEADER];
        slots[P_PER_ROW] = header.perRow();
        slots[P_FIRST] = header.first();
        slots[P_MASK_LO] = header.maskLo();
        slots[P_MASK_SPAN] = header.maskSpan();
        slots[P_RESET] = header.reset() ? 1 : 0;
        slots[P_ROWS] = header.rows();
        slots[P_BATCH] = header.batch();
        slots[P_SPLITS] = header.splits();
        slots[P_INPUT] = header.inputAt();
        slots[P_STEP] = header.step();
        ints.put(slots);
        int batch = header.batch();
        int perRow = header.perRow();
        for (int b = 0; b < batch; b++) {
            ints.put(positions[b], 0, perRow);
        }
        for (int b = 0; b < batch; b++) {
            if (header.reset()) {
                ints.put(new int[perRow]);
            } else {
                ints.put(fedIds[b], 0, perRow);
            }
        }
        int lo = header.maskLo();
        for (int b = 0; b < batch; b++) {
            for (int j = lo; j < lo + header.maskSpan(); j++) {
                ints.put(masks[b][j]);
            }
        }
        if (embeddings != null) {
            stage.asFloatBuffer().put(header.inputAt(), embeddings, 0, header.rows() * hidden);
        }
    }

    /**
     * The results of one step, read back as bytes in device order (see the class comment).
     *
     * @param words {@code [R_SECTIONS][batch][k]} 32-bit words
     */
    record Results(ByteBuffer words, int batch, int k) {
        /** Bytes of the results buffer. */
        static long bytes(int batch, int k) {
            return 4L * R_SECTIONS * batch * k;
        }

        /** The choice these results hold, as {@link io.autogaze4j.tensor.DecoderSession#forwardAndChoose} returns it. */
        TokenChoice choice() {
            int[][] tokens = new int[batch][k];
            float[][] margins = new float[batch][k];
            float[][] probabilities = new float[batch][k];
            float[] taskLoss = new float[batch * k];
            for (int b = 0; b < batch; b++) {
                for (int i = 0; i < k; i++) {
                    taskLoss[b * k + i] = value(R_TASK_LOSS, b, i);
                    margins[b][i] = value(R_MARGIN, b, i);
                    tokens[b][i] = id(b, i);
                    probabilities[b][i] = value(R_PROBABILITY, b, i);
                }
            }
            return new TokenChoice(tokens, margins, probabilities, taskLoss);
        }

        float value(int section, int b, int i) {
            return words.getFloat(4 * at(section, b, i));
        }

        int id(int b, int i) {
            return words.getInt(4 * at(R_ID, b, i));
        }

        private int at(int section, int b, int i) {
            return section * batch * k + b * k + i;
        }
    }
}
