package io.autogaze4j.kernels;

import java.util.function.UnaryOperator;
import java.util.regex.Pattern;

/**
 * Which kernel runs the tiled prefill attention (steps of more than 16 new tokens per batch row) and its shape, read
 * from system properties when the backend opens ({@link DecoderSessionOptions#of}), so a device sweep needs no new jars. Only the
 * tiled attention build gets the compile-time constants ({@link #defines}): a sweep rebuilds that program alone.
 *
 * <p>{@link #registers} on runs decoder.cl {@code attention_prefill_reg} (each work-item keeps its queries and their
 * outputs in registers); off, {@code attention_prefill} ({@code attend_tiled}, 32 queries per work-group). The two sum
 * the same keys in other orders, and the shape knobs change which keys a block sums before a rescale, so results move
 * within float rounding (as they already do between devices), never beyond the parity tolerance.
 *
 * @param registers      {@code attention_prefill_reg} (else {@code attention_prefill})
 * @param items          work-items per work-group PW (one block of {@code items x queriesPerItem} query rows)
 * @param queriesPerItem queries PQI per work-item: each staged key row serves 4 x PQI multiply-adds per 16-byte load;
 *                       its queries and outputs take 64 x PQI registers (head dimension 32)
 * @param keyBlock       keys PB per block: scored in registers, then one max, rescale and exp pass; divides
 *                       {@code chunk}
 * @param chunk          keys PKC staged in local memory per chunk (2 x chunk x head dimension floats)
 */
record PrefillShape(boolean registers, int items, int queriesPerItem, int keyBlock, int chunk) {
    /** System property of {@link #registers} ({@code on}, the default, or {@code off}). */
    static final String REGISTERS_PROPERTY = "autogaze.opencl.registerPrefill";
    /** System property of {@link #items}. */
    static final String ITEMS_PROPERTY = "autogaze.opencl.prefillItems";
    /** System property of {@link #queriesPerItem}. */
    static final String QUERIES_PROPERTY = "autogaze.opencl.prefillQueriesPerItem";
    /** System property of {@link #keyBlock}. */
    static final String KEY_BLOCK_PROPERTY = "autogaze.opencl.prefillKeyBlock";
    /** System property of {@link #chunk}. */
    static final String CHUNK_PROPERTY = "autogaze.opencl.prefillChunk";

    /**
     * The defaults: 224 work-items of 1 query (one block for a frame's 206 prefill rows, 92 % of the work-items live;
     * 128 registers), blocks of 8 keys, chunks of 64 keys (16 KB of local memory at head dimension 32). Measured on the
     * H200 at batch 128 (docs/benchmarks.md, Prefill attention with the queries in registers): 3,206 us per launch
     * against 3,403 for {@code attention_prefill} and 3,483 for 128 x 2 (255 registers, spilling).
     */
    static final PrefillShape DEFAULT = new PrefillShape(true, 224, 1, 8, 64);

    /** Most work-items per work-group (NVIDIA's limit; the OpenCL minimum is lower, so larger fail on launch). */
    static final int MOST_ITEMS = 1024;
    /** Most queries per work-item (their outputs live in registers: 4 already take 256 at head dimension 32). */
    static final int MOST_QUERIES = 4;
    /** Most bytes of staged keys and values per work-group: OpenCL 1.2's minimum of local memory, 32 KB. */
    static final int MOST_STAGED_BYTES = 32 * 1024;

    /** A define of one of the constants this shape sets, in the compiler options property. */
    private static final Pattern SET_HERE = ClContext.defines("PW", "PQI", "PB", "PKC");

    PrefillShape {
        if (items < 1 || items > MOST_ITEMS || queriesPerItem < 1 || queriesPerItem > MOST_QUERIES) {
            throw new IllegalArgumentException("register prefill: " + items + " work-items x " + queriesPerItem
                    + " queries; needs 1.." + MOST_ITEMS + " work-items (-D" + ITEMS_PROPERTY + ") and 1.."
                    + MOST_QUERIES + " queries per work-item (-D" + QUERIES_PROPERTY + ")");
        }
        if (keyBlock < 1 || chunk < keyBlock || chunk % keyBlock != 0) {
            throw new IllegalArgumentException("register prefill: blocks of " + keyBlock + " keys, chunks of " + chunk
                    + "; the block must divide the chunk (-D" + KEY_BLOCK_PROPERTY + ", -D" + CHUNK_PROPERTY + ")");
        }
    }

    /**
     * The shape the properties {@code property} looks up give (each unset one: its default).
     *
     * @throws IllegalArgumentException for a value that is not a whole number (or on/off), a shape the kernel cannot
     *     take, or compiler options ({@link ClContext#OPTIONS_PROPERTY}) that define PW, PQI, PB or PKC themselves
     */
    static PrefillShape of(UnaryOperator<String> property) {
        ClContext.refuseDefines(
                property,
                SET_HERE,
                "the register prefill's launch",
                "use -D" + ITEMS_PROPERTY + ", -D" + QUERIES_PROPERTY + ", -D" + KEY_BLOCK_PROPERTY + " or -D"
                        + CHUNK_PROPERTY);
        return new PrefillShape(
                OnOffProperty.isOn(
                        REGISTERS_PROPERTY,
                        property.apply(REGISTERS_PROPERTY),
                        "the prefill attention with its queries in registers"),
                number(property, ITEMS_PROPERTY, DEFAULT.items, "work-items per prefill work-group"),
                number(property, QUERIES_PROPERTY, DEFAULT.queriesPerItem, "queries per prefill work-item"),
                number(property, KEY_BLOCK_PROPERTY, DEFAULT.keyBlock, "keys per prefill score block"),
                number(property, CHUNK_PROPERTY, DEFAULT.chunk, "keys per staged prefill chunk"));
    }

    private static int number(UnaryOperator<String> property, String name, int unset, String meaning) {
        String value = property.apply(name);
        return value == null ? unset : CountProperty.count(name, value, Integer.MAX_VALUE, meaning);
    }

    /** Query rows per work-group. */
    int queries() {
        return items * queriesPerItem;
    }

    /**
     * Checks this shape against heads of dimension {@code headDim}.
     *
     * @throws IllegalArgumentException when the staged chunk exceeds {@link #MOST_STAGED_BYTES}, naming the property
     */
    void check(int headDim) {
        long staged = 2L * chunk * headDim * Float.BYTES + chunk;
        if (registers && staged > MOST_STAGED_BYTES) {
            throw new IllegalArgumentException("-D" + CHUNK_PROPERTY + "=" + chunk + ": " + staged
                    + " bytes of staged keys and values per work-group at head dimension " + headDim + ", more than "
                    + MOST_STAGED_BYTES);
        }
    }

    /** The compile-time constants of decoder.cl's register prefill (none when {@link #registers} is off). */
    String defines() {
        return registers
                ? " -D PW=" + items + " -D PQI=" + queriesPerItem + " -D PB=" + keyBlock + " -D PKC=" + chunk
                : "";
    }

    /** The knobs that differ from {@link #DEFAULT}, for the backend's name (empty at the defaults). */
    String differences() {
        if (!registers) {
            return ", prefill on attention_prefill (tiled)";
        }
        if (equals(DEFAULT)) {
            return "";
        }
        return ", register prefill " + items + " x " + queriesPerItem + " queries, key blocks of " + keyBlock
                + ", chunks of " + chunk;
    }
}
