package io.autogaze4j.video;

import java.io.IOException;

/** A video or image file that cannot be read or decoded; the message names the file and the problem. */
public class VideoDecodeException extends IOException {
    public VideoDecodeException(String message) {
        super(message);
    }

    public VideoDecodeException(String message, Throwable cause) {
        super(message, cause);
    }
}
