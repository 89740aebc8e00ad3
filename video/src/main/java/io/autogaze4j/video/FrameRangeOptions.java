package io.autogaze4j.video;

import java.util.OptionalInt;
import picocli.CommandLine.Option;

/**
 * The {@code --frames}, {@code --every}, {@code --start} and {@code --end} options of {@link FrameSampling},
 * declared once for the commands that offer them ({@code autogaze}, {@code autogaze-spark}) as a picocli
 * {@code @Mixin}. Each command checks the values itself, with its own error messages. picocli is an optional
 * dependency of this module: only the commands that use this class need it.
 */
public final class FrameRangeOptions {
    @Option(
            names = {"-n", "--frames"},
            paramLabel = "N",
            description = "Gaze at most N frames of each input (after --start/--every). Default: all.")
    private Integer frames;

    @Option(names = "--every", paramLabel = "K", description = "Gaze every K-th frame. Default: ${DEFAULT-VALUE}")
    private int every = 1;

    @Option(
            names = "--start",
            paramLabel = "SECONDS",
            description = "Skip frames shown before this time. Default: ${DEFAULT-VALUE}")
    private double start;

    @Option(
            names = "--end",
            paramLabel = "SECONDS",
            description = "Stop at frames shown at or after this time. Default: the end.")
    private Double end;

    /** Most frames to take of each input; empty when {@code --frames} is not given. */
    public OptionalInt frames() {
        return frames != null ? OptionalInt.of(frames) : OptionalInt.empty();
    }

    /** Take every {@code every()}-th frame of the range (1 = all). */
    public int every() {
        return every;
    }

    /** Start of the time range in seconds (inclusive). */
    public double start() {
        return start;
    }

    /** End of the time range in seconds (exclusive), {@code +infinity} when {@code --end} is not given. */
    public double end() {
        return end != null ? end : Double.POSITIVE_INFINITY;
    }
}
