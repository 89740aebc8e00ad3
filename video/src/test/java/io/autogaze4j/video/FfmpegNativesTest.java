package io.autogaze4j.video;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import org.junit.jupiter.api.Test;

/** The FFmpeg load failure is reported with its whole cause chain (JavaCV's own message hides the reason). */
class FfmpegNativesTest {
    @Test
    void describeNamesEveryCause() {
        Throwable root = new UnsatisfiedLinkError("libavutil.so.60: cannot open shared object file");
        Throwable failure = new IllegalStateException("Failed to load class X", new IOException("extract", root));
        assertEquals(
                "java.lang.IllegalStateException: Failed to load class X <- java.io.IOException: extract"
                        + " <- java.lang.UnsatisfiedLinkError: libavutil.so.60: cannot open shared object file",
                FfmpegNatives.describe(failure));
    }
}
