package io.autogaze4j.kernels;

/** The rule of the backend's on/off system properties: unset or {@code on} (any case, spaces around) is on. */
final class OnOffProperty {
    private OnOffProperty() {}

    /**
     * Whether {@code value}, the value of system property {@code property}, turns {@code meaning} on.
     *
     * @throws IllegalArgumentException for a value other than on or off, naming the property and what it switches
     */
    static boolean isOn(String property, String value, String meaning) {
        if (value == null || value.trim().equalsIgnoreCase("on")) {
            return true;
        }
        if (value.trim().equalsIgnoreCase("off")) {
            return false;
        }
        throw new IllegalArgumentException("-D" + property + "=" + value + ": expected on or off (" + meaning + ")");
    }
}
