package io.autogaze4j.weights;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;

/** Typed, path-aware access to JSON config fields, so every error names the file and the key. */
final class JsonFields {
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
            throw new ConfigException(file, "'" + path + key + "' must be an array of " + length + " numbers" + found(n));
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
