package io.autogaze4j.weights;

import java.io.IOException;
import java.nio.file.Path;

/** A configuration file is missing, malformed, or describes an inconsistent model. */
public final class ConfigException extends IOException {
    public ConfigException(Path file, String problem) {
        super((file == null ? "config" : file.toString()) + ": " + problem);
    }

    public ConfigException(Path file, String problem, Throwable cause) {
        super((file == null ? "config" : file.toString()) + ": " + problem, cause);
    }
}
