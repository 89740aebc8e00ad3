package io.autogaze4j.video;

import java.util.OptionalInt;

/**
 * How far a source got: frames decoded so far against the count its container declares. A source that
 * reached its end with fewer frames than declared is {@link #truncated()} (a cut or damaged file).
 *
 * @param declared the container's frame count, when it states one
 * @param decoded  frames decoded so far (before any sampling)
 * @param ended    whether the source has reached its end
 */
public record DecodeStatus(OptionalInt declared, int decoded, boolean ended) {

    /** Status of a source that knows no declared count. */
    public static DecodeStatus unknown(int decoded, boolean ended) {
        return new DecodeStatus(OptionalInt.empty(), decoded, ended);
    }

    /** Frames declared but not decoded, once the source has ended (0 while it runs or when no count is declared). */
    public int missing() {
        return ended && declared.isPresent() ? Math.max(0, declared.getAsInt() - decoded) : 0;
    }

    /** Whether the source ended before its declared frame count. */
    public boolean truncated() {
        return missing() > 0;
    }
}
