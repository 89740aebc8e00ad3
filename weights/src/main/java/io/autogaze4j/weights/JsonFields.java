package io.autogaze4j.weights;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;

/**
 * Typed, path-aware access to JSON config fields, so every error names the file and the key. The bounded
 * readers refuse a value outside its documented range (docs/checkpoints.md) before anything is sized by it.
 */
final class JsonFields {
    /**
     * A closed or half-open interval of numbers.
     *
     * @param min     lower bound
     * @param minOpen whether {@code min} itself is excluded
     * @param max     upper bound (included)
     */
    record Range(double min, boolean minOpen, double max) {
        static Range closed(double min, double max) {
            return new Range(min, false, max);
        }

        static Range aboveZero(double max) {
            return new Range(0, true, max);
        }

        boolean contains(double v) {
            return (minOpen ? v > min : v >= min) && v <= max;
        }

        @Override
        public String toString() {
            return (minOpen ? "(" : "[") + text(min) + ", " + text(max) + "]";
        }

        private static String text(double v) {
            return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
        }
    }

    private final Path file;

    JsonFields(Path file) {
        this.file = file;
    }

    JsonNode object(JsonNode parent, String path, String key) throws ConfigException {
        JsonNode n = parent.get(key);
        if (n == null || !n.isObject()) {
            throw new ConfigException(file, "'" + path + key + "' is missing or not an object");
        }
        return n;
    }

    int integer(JsonNode parent, String path, String key) throws ConfigException {
        JsonNode n = parent.get(key);
        if (n == null || !n.isIntegralNumber() || !n.canConvertToInt()) {
            throw new ConfigException(file, "'" + path + key + "' is missing or not an integer" + found(n));
        }
        return n.asInt();
    }

    int integer(JsonNode parent, String path, String key, int fallback) throws ConfigException {
        JsonNode n = parent.get(key);
        return n == null || n.isNull() ? fallback : integer(parent, path, key);
    }

    /** A required integer in {@code [min, max]}. */
    int integer(JsonNode parent, String path, String key, int min, int max) throws ConfigException {
        return inRange(path + key, integer(parent, path, key), min, max);
    }

    /** An optional integer in {@code [min, max]}. */
    int integer(JsonNode parent, String path, String key, int fallback, int min, int max) throws ConfigException {
        return inRange(path + key, integer(parent, path, key, fallback), min, max);
    }

    /** A required number in {@code range}. */
    double number(JsonNode parent, String path, String key, Range range) throws ConfigException {
        return inRange(path + key, number(parent, path, key), range);
    }

    /** An optional number in {@code range}. */
    double number(JsonNode parent, String path, String key, double fallback, Range range) throws ConfigException {
        return inRange(path + key, number(parent, path, key, fallback), range);
    }

    int inRange(String key, int value, int min, int max) throws ConfigException {
        if (value < min || value > max) {
            throw new ConfigException(
                    file, "'" + key + "' = " + value + " is outside its range [" + min + ", " + max + "]");
        }
        return value;
    }

    double inRange(String key, double value, Range range) throws ConfigException {
        if (!range.contains(value)) {
            throw new ConfigException(file, "'" + key + "' = " + value + " is outside its range " + range);
        }
        return value;
    }

    double number(JsonNode parent, String path, String key) throws ConfigException {
        JsonNode n = parent.get(key);
        if (n == null || !n.isNumber()) {
            throw new ConfigException(file, "'" + path + key + "' is missing or not a number" + found(n));
        }
        return n.asDouble();
    }

    double number(JsonNode parent, String path, String key, double fallback) throws ConfigException {
        JsonNode n = parent.get(key);
        return n == null || n.isNull() ? fallback : number(parent, path, key);
    }

    boolean bool(JsonNode parent, String path, String key, boolean fallback) throws ConfigException {
        JsonNode n = parent.get(key);
        if (n == null || n.isNull()) {
            return fallback;
        }
        if (!n.isBoolean()) {
            throw new ConfigException(file, "'" + path + key + "' is not a boolean" + found(n));
        }
        return n.asBoolean();
    }

    String text(JsonNode parent, String path, String key, String fallback) throws ConfigException {
        JsonNode n = parent.get(key);
        if (n == null || n.isNull()) {
            return fallback;
        }
        if (!n.isTextual()) {
            throw new ConfigException(file, "'" + path + key + "' is not a string" + found(n));
        }
        return n.asText();
    }

    float[] floats(JsonNode parent, String path, String key, int length) throws ConfigException {
        JsonNode n = parent.get(key);
        if (n == null || !n.isArray() || n.size() != length) {
            throw new ConfigException(
                    file, "'" + path + key + "' must be an array of " + length + " numbers" + found(n));
        }
        float[] out = new float[length];
        for (int i = 0; i < length; i++) {
            if (!n.get(i).isNumber()) {
                throw new ConfigException(file, "'" + path + key + "[" + i + "]' is not a number");
            }
            out[i] = (float) n.get(i).asDouble();
        }
        return out;
    }

    ConfigException invalid(String problem) {
        return new ConfigException(file, problem);
    }

    private static String found(JsonNode n) {
        return n == null ? "" : " (found " + n + ")";
    }
}
