package io.autogaze4j.kernels;

import java.util.Locale;

/**
 * Which attention kernels a decoder session runs, from {@link OpenClBackend#ATTENTION_PROPERTY}. On the H200 the tiled
 * kernels took 24% less time per call than the strided one at 128 rows and 12% more at a single row (docs/benchmarks.md,
 * Tiled attention kernels), so {@link #AUTO}, the default, tiles from two rows on.
 */
enum AttentionChoice {
    /** Tiled kernels from two batch rows on, the strided kernel for a single row. */
    AUTO,
    /** Tiled kernels at every batch size. */
    TILED,
    /** The strided kernel at every batch size. */
    STRIDED;

    /**
     * The choice a property value names: unset, {@code auto}, {@code tiled} or {@code strided}, in any case.
     *
     * @throws IllegalArgumentException for any other value, naming the property
     */
    static AttentionChoice of(String value) {
        if (value == null) {
            return AUTO;
        }
        return switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "auto" -> AUTO;
            case "tiled" -> TILED;
            case "strided" -> STRIDED;
            default ->
                throw new IllegalArgumentException("-D" + OpenClBackend.ATTENTION_PROPERTY + "=" + value
                        + ": expected auto, tiled or strided (the decoder's attention kernels)");
        };
    }

    /** Whether a session of {@code batch} rows runs the tiled kernels. */
    boolean tiledFor(int batch) {
        return switch (this) {
            case AUTO -> batch > 1;
            case TILED -> true;
            case STRIDED -> false;
        };
    }
}
