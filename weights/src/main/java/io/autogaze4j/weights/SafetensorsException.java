package io.autogaze4j.weights;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A safetensors file is malformed or a tensor in it cannot be read as asked.
 * The message names the file, the tensor (when one is concerned) and the problem.
 */
public final class SafetensorsException extends IOException {
    private final transient Path file;
    private final String tensor;

    public SafetensorsException(Path file, String tensor, String problem) {
        super(format(file, tensor, problem));
        this.file = file;
        this.tensor = tensor;
    }

    public SafetensorsException(Path file, String tensor, String problem, Throwable cause) {
        super(format(file, tensor, problem), cause);
        this.file = file;
        this.tensor = tensor;
    }

    private static String format(Path file, String tensor, String problem) {
        String where = file == null ? "safetensors data" : "safetensors file " + file;
        return tensor == null ? where + ": " + problem : where + ", tensor '" + tensor + "': " + problem;
    }

    /** The file concerned, or null for in-memory data. */
    public Path file() {
        return file;
    }

    /** The tensor concerned, or null when the problem is with the file as a whole. */
    public String tensor() {
        return tensor;
    }
}
