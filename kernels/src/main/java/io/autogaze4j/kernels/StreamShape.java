package io.autogaze4j.kernels;

import java.util.OptionalInt;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;

/**
 * The shape of the streamed decode attention (decoder.cl {@code attend_stream}): its launch (key lanes, head dimensions
 * per work-item, key splits) and where it keeps the outputs (registers or local memory), read from system properties
 * when the backend opens ({@link #of}, through {@link DecoderSessionOptions#fromProperties}), so a device sweep needs no
 * new jars. Only the tiled attention build gets the compile-time constants ({@link #defines}): a sweep rebuilds that
 * program alone.
 *
 * <p>Bits: {@link #registerQueries}, {@link #sharedExp}, {@link #lastKernel}, {@link #prefetch} and {@link
 * #maxRegisters} keep every result's bits (the same operations in the same order). {@link #interleave} does on PoCL
 * but not on the H200 (a logit 1 ulp apart, 2026-11-30: the NVIDIA compiler contracts the interleaved chains
 * otherwise; it was also slower there, 321 against 306 us per launch). {@link #lanes}, {@link #dims}, {@link
 * #splitFactor} and {@link #maxSplits} change which keys a lane or a split sums, so the results change within float
 * rounding (as they already do between devices of other compute-unit counts), never beyond the parity tolerance.
 *
 * @param lanes           key lanes SL: work-items per dimension group, each chunk's keys coalesced over them; more than
 *                        {@code dims}, a multiple of 32 (a GPU warp) to keep the loads coalesced
 * @param dims            head dimensions SD of every query's output per work-item; must divide the head dimension
 * @param registerQueries queries SR whose output shares stay in registers, the others' in local memory ({@code
 *                        (K - SR) x lanes x headDim} floats: 4 KB per query at the defaults); empty: all K
 * @param sharedExp       each lane's probabilities (and max, correction, exp sum) computed once, by one of its
 *                        work-items, and shared through local memory, not by each of the lane's {@code headDim / dims}
 *                        work-items (fewer exps and registers, one more barrier per chunk of keys)
 * @param splitFactor     times more work-groups than the strided kernel wants before key splits stop
 * @param maxSplits       most key splits per batch row and head
 * @param lastKernel      the last layer's last-token attention runs {@code attention_stream_last} (built for one query:
 *                        its registers and local memory for one, not K); false: {@code attention_stream} with lastOnly
 * @param interleave      the per-chunk loops over queries run all K queries without branches (queries past the step's
 *                        score -inf): the queries' dot products and softmax chains interleave, each in its own order
 * @param prefetch        each chunk's values load while its keys are scored and the next chunk's keys while the values
 *                        are summed ({@code STREAM_PREFETCH}; ~32 more registers per work-item), not right before use
 * @param maxRegisters    the most registers per work-item the NVIDIA compiler may give the tiled attention build's
 *                        kernels ({@code -cl-nv-maxrregcount}): more work-groups per compute unit, perhaps spills;
 *                        empty: the compiler's choice. NVIDIA devices only ({@link #compilerOptions})
 */
record StreamShape(
        int lanes,
        int dims,
        OptionalInt registerQueries,
        boolean sharedExp,
        int splitFactor,
        int maxSplits,
        boolean lastKernel,
        boolean interleave,
        boolean prefetch,
        OptionalInt maxRegisters) {
    /** System property of {@link #lanes}. */
    static final String LANES_PROPERTY = "autogaze.opencl.streamLanes";
    /** System property of {@link #dims}. */
    static final String DIMS_PROPERTY = "autogaze.opencl.streamDims";
    /** System property of {@link #registerQueries}. */
    static final String REGISTER_QUERIES_PROPERTY = "autogaze.opencl.streamRegisterQueries";
    /** System property of {@link #sharedExp} ({@code on}, the default, or {@code off}). */
    static final String SHARED_EXP_PROPERTY = "autogaze.opencl.streamSharedExp";
    /** System property of {@link #splitFactor}. */
    static final String SPLIT_FACTOR_PROPERTY = "autogaze.opencl.streamSplitFactor";
    /** System property of {@link #maxSplits}. */
    static final String MAX_SPLITS_PROPERTY = "autogaze.opencl.streamMaxSplits";
    /** System property of {@link #lastKernel} ({@code on} or {@code off}). */
    static final String LAST_KERNEL_PROPERTY = "autogaze.opencl.streamLastKernel";
    /** System property of {@link #interleave} ({@code on} or {@code off}, the default). */
    static final String INTERLEAVE_PROPERTY = "autogaze.opencl.streamInterleave";
    /** System property of {@link #prefetch} ({@code on} or {@code off}, the default). */
    static final String PREFETCH_PROPERTY = "autogaze.opencl.streamPrefetch";
    /** System property of {@link #maxRegisters}. */
    static final String MAX_REGISTERS_PROPERTY = "autogaze.opencl.streamMaxRegisters";
    /** The range of {@link #maxRegisters}: NVIDIA's compiler takes 16 to 255 registers per thread. */
    private static final int FEWEST_REGISTERS = 16, MOST_REGISTERS = 255;

    /**
     * The defaults: 32 lanes x 4 groups of 8 dimensions (128 work-items), every output in registers, up to 6x the
     * strided kernel's work-groups (its work-items hold ~150 registers, so a GPU compute unit keeps only a few groups in
     * flight; more groups than fit at once even out the rows' uneven ends), at most 16 splits, the one-query kernel for
     * the last token, each lane's probabilities computed once (H200, batch 128: 406 -> 306 us per launch).
     */
    static final StreamShape DEFAULT =
            new StreamShape(32, 8, OptionalInt.empty(), true, 6, 16, true, false, false, OptionalInt.empty());

    /** A define of one of the constants this shape sets, in the compiler options property. */
    private static final Pattern SET_HERE = ClContext.defines("SQ", "SL", "SD", "SR", "SE", "SI", "STREAM_PREFETCH");

    StreamShape {
        if (dims < 1 || lanes <= dims) {
            throw new IllegalArgumentException("streamed attention: " + lanes + " lanes x " + dims
                    + " dimensions per work-item; needs dims >= 1 and lanes > dims (-D" + LANES_PROPERTY + ", -D"
                    + DIMS_PROPERTY + ")");
        }
        if (maxRegisters.isPresent()
                && (maxRegisters.getAsInt() < FEWEST_REGISTERS || maxRegisters.getAsInt() > MOST_REGISTERS)) {
            throw new IllegalArgumentException("-D" + MAX_REGISTERS_PROPERTY + "=" + maxRegisters.getAsInt()
                    + ": expected " + FEWEST_REGISTERS + " to " + MOST_REGISTERS + " registers per work-item");
        }
        if (registerQueries.isPresent() && registerQueries.getAsInt() < 0) {
            throw new IllegalArgumentException(
                    "-D" + REGISTER_QUERIES_PROPERTY + "=" + registerQueries.getAsInt() + ": expected 0 or more");
        }
        if (splitFactor < 1 || maxSplits < 1) {
            throw new IllegalArgumentException(
                    "streamed attention: split factor " + splitFactor + ", max splits " + maxSplits
                            + "; both must be >= 1 (-D" + SPLIT_FACTOR_PROPERTY + ", -D" + MAX_SPLITS_PROPERTY + ")");
        }
    }

    /**
     * The shape the properties {@code property} looks up give (each unset one: its default).
     *
     * @throws IllegalArgumentException for a value that is not a whole number (or on/off), a shape the kernel cannot
     *     take, or compiler options ({@link ClContext#OPTIONS_PROPERTY}) that define SQ, SL, SD, SR, SE, SI or STREAM_PREFETCH
     *     themselves
     *     (the host would launch another shape than the kernel's)
     */
    static StreamShape of(UnaryOperator<String> property) {
        ClContext.refuseDefines(
                property,
                SET_HERE,
                "the streamed attention's launch",
                "use -D" + LANES_PROPERTY + ", -D" + DIMS_PROPERTY + ", -D" + REGISTER_QUERIES_PROPERTY + ", -D"
                        + SHARED_EXP_PROPERTY + ", -D" + INTERLEAVE_PROPERTY + " or -D" + PREFETCH_PROPERTY
                        + " (SQ is the model's K)");
        String registers = property.apply(REGISTER_QUERIES_PROPERTY);
        String shared = property.apply(SHARED_EXP_PROPERTY);
        String interleave = property.apply(INTERLEAVE_PROPERTY);
        String prefetch = property.apply(PREFETCH_PROPERTY);
        String maxRegisters = property.apply(MAX_REGISTERS_PROPERTY);
        return new StreamShape(
                number(property, LANES_PROPERTY, DEFAULT.lanes),
                number(property, DIMS_PROPERTY, DEFAULT.dims),
                registers == null
                        ? OptionalInt.empty()
                        : OptionalInt.of(number(property, REGISTER_QUERIES_PROPERTY, 0)),
                shared == null
                        ? DEFAULT.sharedExp
                        : OnOffProperty.isOn(SHARED_EXP_PROPERTY, shared, "shared probabilities"),
                number(property, SPLIT_FACTOR_PROPERTY, DEFAULT.splitFactor),
                number(property, MAX_SPLITS_PROPERTY, DEFAULT.maxSplits),
                OnOffProperty.isOn(
                        LAST_KERNEL_PROPERTY,
                        property.apply(LAST_KERNEL_PROPERTY),
                        "the streamed last-token attention built for one query"),
                interleave == null
                        ? DEFAULT.interleave
                        : OnOffProperty.isOn(INTERLEAVE_PROPERTY, interleave, "queries interleaved"),
                prefetch == null
                        ? DEFAULT.prefetch
                        : OnOffProperty.isOn(PREFETCH_PROPERTY, prefetch, "keys and values loaded a phase ahead"),
                maxRegisters == null
                        ? OptionalInt.empty()
                        : OptionalInt.of(number(property, MAX_REGISTERS_PROPERTY, 0)));
    }

    private static int number(UnaryOperator<String> property, String name, int unset) {
        String value = property.apply(name);
        if (value == null) {
            return unset;
        }
        try {
            return Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("-D" + name + "=" + value + ": expected a whole number", e);
        }
    }

    /** Work-items per work-group (and keys per chunk) for heads of {@code headDim}: {@link #lanes} per dimension group. */
    int groupSize(int headDim) {
        return lanes * (headDim / dims);
    }

    /** Whether decoder.cl builds the streamed kernels for heads of {@code headDim} (its guard). */
    boolean fits(int headDim) {
        return headDim % dims == 0 && headDim % 4 == 0;
    }

    /**
     * Checks this shape against a model of {@code k} heads (queries per decode step) and head dimension {@code headDim}.
     *
     * @throws IllegalArgumentException when the kernel cannot take it, naming the property to change
     */
    void check(int k, int headDim) {
        if (!fits(headDim)) {
            throw new IllegalArgumentException(
                    "-D" + DIMS_PROPERTY + "=" + dims + " does not divide the head dimension " + headDim
                            + " (or that is not a multiple of 4): the streamed attention cannot run");
        }
        if (registerQueries.orElse(k) > k) {
            throw new IllegalArgumentException("-D" + REGISTER_QUERIES_PROPERTY + "=" + registerQueries.getAsInt()
                    + " exceeds the model's " + k + " queries per decode step");
        }
    }

    /** The launch of the defaults' kernels ({@link #lanes} and {@link #dims}), whatever the other knobs. */
    boolean defaultLaunch() {
        return lanes == DEFAULT.lanes && dims == DEFAULT.dims;
    }

    /** The compile-time constants of decoder.cl's streamed attention for a model of {@code k} heads. */
    String defines(int k) {
        return " -D SQ=" + k + " -D SL=" + lanes + " -D SD=" + dims + " -D SR=" + registerQueries.orElse(k) + " -D SE="
                + (sharedExp ? 1 : 0) + " -D SI=" + (interleave ? 1 : 0)
                + " -D STREAM_PREFETCH=" + (prefetch ? 1 : 0);
    }

    /**
     * Compiler options of the tiled attention build beyond {@link #defines}: {@link #maxRegisters} as NVIDIA's
     * {@code -cl-nv-maxrregcount} (it bounds every kernel of that build: the prefill and tiled decode kernels too).
     *
     * @throws IllegalArgumentException when {@link #maxRegisters} is set for a device of another platform (its compiler
     *     would refuse the option)
     */
    String compilerOptions(OpenClDevice device) {
        if (maxRegisters.isEmpty()) {
            return "";
        }
        if (!device.platform().contains("NVIDIA")) {
            throw new IllegalArgumentException("-D" + MAX_REGISTERS_PROPERTY + "=" + maxRegisters.getAsInt()
                    + " is an option of NVIDIA's OpenCL compiler; device " + device.name() + " is on platform '"
                    + device.platform() + "'");
        }
        return " -cl-nv-maxrregcount=" + maxRegisters.getAsInt();
    }

    /** The knobs that differ from {@link #DEFAULT}, for the backend's name (empty at the defaults). */
    String differences() {
        StringBuilder s = new StringBuilder();
        if (lanes != DEFAULT.lanes || dims != DEFAULT.dims) {
            s.append(", streamed attention ")
                    .append(lanes)
                    .append(" lanes x ")
                    .append(dims)
                    .append(" dims");
        }
        registerQueries.ifPresent(r -> s.append(", ").append(r).append(" streamed queries in registers"));
        if (!sharedExp) {
            s.append(", probabilities per work-item (not shared)");
        }
        if (splitFactor != DEFAULT.splitFactor || maxSplits != DEFAULT.maxSplits) {
            s.append(", stream splits x")
                    .append(splitFactor)
                    .append(" (at most ")
                    .append(maxSplits)
                    .append(')');
        }
        if (!lastKernel) {
            s.append(", last token on attention_stream");
        }
        if (interleave) {
            s.append(", streamed queries interleaved");
        }
        if (prefetch) {
            s.append(", streamed keys and values prefetched");
        }
        maxRegisters.ifPresent(
                r -> s.append(", tiled attention build at most ").append(r).append(" registers"));
        return s.toString();
    }
}
