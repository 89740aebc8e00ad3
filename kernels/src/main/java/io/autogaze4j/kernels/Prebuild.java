package io.autogaze4j.kernels;

import java.util.Locale;

/**
 * When the OpenCL programs are built: the values of {@value ClContext#PREBUILD_PROPERTY}. Which programs a run needs,
 * and when it knows it, is {@link DecoderBuilds}' rule.
 */
enum Prebuild {
    /**
     * The default: in the background, each program as soon as the run shows it needs it (a model load the vision and
     * decode-step programs, a session of two batch rows or more the tiled attention, a call of many rows the wide row
     * kernels), so a batch-1 run never builds what only large batches run.
     */
    ON,
    /** Each program on the thread that first uses it, one at a time (no background thread). */
    OFF,
    /** In the background, every program a model may run, as soon as the model loads (servers that want all of it ready). */
    ALL;

    /**
     * The mode a property value names: unset, {@code on}, {@code off} or {@code all}, in any case, spaces around.
     *
     * @throws IllegalArgumentException for any other value, naming the property
     */
    static Prebuild of(String value) {
        if (value == null) {
            return ON;
        }
        return switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "on" -> ON;
            case "off" -> OFF;
            case "all" -> ALL;
            default ->
                throw new IllegalArgumentException("-D" + ClContext.PREBUILD_PROPERTY + "=" + value
                        + ": expected on, off or all (when the OpenCL programs are built)");
        };
    }
}
