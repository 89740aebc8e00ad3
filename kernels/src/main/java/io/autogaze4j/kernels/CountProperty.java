package io.autogaze4j.kernels;

/**
 * The rule of the backend's count system properties (rows, frames, commands): a whole number from 1 to a bound, spaces
 * around allowed; some also take {@code off} (any case) for 0. Unset values are the caller's default.
 */
final class CountProperty {
    private CountProperty() {}

    /**
     * {@code value}, the value of system property {@code property}, as a count from 1 to {@code most}.
     *
     * @param meaning what the count counts, for the error message
     * @throws IllegalArgumentException for anything else, naming the property, the range and the meaning
     */
    static int count(String property, String value, int most, String meaning) {
        return parse(property, value, most, meaning, false);
    }

    /** As {@link #count}, with {@code off} 0. */
    static int countOrOff(String property, String value, int most, String meaning) {
        return parse(property, value, most, meaning, true);
    }

    private static int parse(String property, String value, int most, String meaning, boolean off) {
        if (off && value.trim().equalsIgnoreCase("off")) {
            return 0;
        }
        try {
            int n = Integer.parseInt(value.trim());
            if (n >= 1 && n <= most) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        String range = most == Integer.MAX_VALUE ? "a whole number >= 1" : "a whole number from 1 to " + most;
        throw new IllegalArgumentException(
                "-D" + property + "=" + value + ": expected " + (off ? "off or " : "") + range + " (" + meaning + ")");
    }
}
