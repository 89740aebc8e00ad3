package io.autogaze4j.video;

import java.util.Optional;
import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.ffmpeg.global.avformat;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.ffmpeg.global.swresample;
import org.bytedeco.ffmpeg.global.swscale;
import org.bytedeco.javacpp.Loader;

/**
 * Whether FFmpeg's native libraries for decoding files load on this machine; tried once per JVM, on first use, which
 * also sets FFmpeg's (process-wide) log level to errors only.
 *
 * <p>Only the libraries a file needs are loaded: containers, codecs, pixel and sample conversion. JavaCV's own
 * {@code FFmpegFrameGrabber.tryLoad()} also loads libavdevice (cameras and screen capture), which links against X11's
 * libxcb: on a headless server without it (seen on Ubuntu 24.04 GPU machines) that one library fails and JavaCV
 * reports all of FFmpeg as unusable, although decoding files works. The grabber's class swallows that failure itself.
 */
final class FfmpegNatives {
    private FfmpegNatives() {}

    private static final class Holder {
        static final Optional<Throwable> FAILURE = tryLoad();

        private static Optional<Throwable> tryLoad() {
            try {
                for (Class<?> library :
                        new Class<?>[] {avutil.class, swresample.class, avcodec.class, avformat.class, swscale.class}) {
                    Loader.load(library);
                }
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
