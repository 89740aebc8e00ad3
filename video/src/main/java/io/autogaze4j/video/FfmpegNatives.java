package io.autogaze4j.video;

import java.util.Optional;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameGrabber;

/**
 * Whether FFmpeg's native libraries load on this machine; tried once per JVM, on first use, which also sets FFmpeg's
 * (process-wide) log level to errors only.
 */
final class FfmpegNatives {
    private FfmpegNatives() {}

    private static final class Holder {
        static final Optional<Throwable> FAILURE = tryLoad();

        private static Optional<Throwable> tryLoad() {
            try {
                FFmpegFrameGrabber.tryLoad();
                // FFmpeg logs to stderr process-wide; errors only (opening a file would print its whole format at INFO)
                avutil.av_log_set_level(avutil.AV_LOG_ERROR);
                return Optional.empty();
            } catch (Exception | LinkageError e) {
                return Optional.of(e);
            }
        }
    }

    /** Why the natives cannot load, or empty when they do. */
    static Optional<Throwable> loadFailure() {
        return Holder.FAILURE;
    }

    /**
     * A load failure with its whole cause chain on one line: JavaCV wraps the real reason (a missing library, a
     * symbol, an unwritable cache folder) in "Failed to load class ...", which alone says nothing.
     */
    static String describe(Throwable failure) {
        StringBuilder line = new StringBuilder(failure.toString());
        for (Throwable c = failure.getCause(); c != null && c != c.getCause(); c = c.getCause()) {
            line.append(" <- ").append(c);
        }
        return line.toString();
    }
}
