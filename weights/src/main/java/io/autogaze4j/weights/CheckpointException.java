package io.autogaze4j.weights;

import java.io.IOException;

/** A checkpoint directory is incomplete or its tensors do not match its configuration. */
public final class CheckpointException extends IOException {
    public CheckpointException(String message) {
        super(message);
    }

    public CheckpointException(String message, Throwable cause) {
        super(message, cause);
    }
}
