package io.autogaze4j.video;

import io.autogaze4j.model.preprocess.RgbFrame;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalInt;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.Frame;
import org.bytedeco.javacv.FrameGrabber;

/**
 * The video stream of a file decoded by FFmpeg through JavaCV's {@link FFmpegFrameGrabber}: any codec and container
 * FFmpeg reads, frames in display order with the container's timestamps, converted to RGB24 by FFmpeg's swscale (the
 * same conversion as {@code ffmpeg -pix_fmt rgb24}). A file that ends before the frame count its container declares
 * is reported ({@link #status()}, a WARNING) or, with strict read options, refused at its end.
 */
final class FfmpegFrameSource implements FrameSource {
    private static final System.Logger LOG = System.getLogger("io.autogaze4j.video");
    private static final double MICROS = 1e6;

    private final Path path;
    private final FFmpegFrameGrabber grabber;
    private final OptionalInt declared;
    private final boolean strict;
    private int decoded;
    private boolean ended;
    private boolean closed;

    private FfmpegFrameSource(Path path, FFmpegFrameGrabber grabber, OptionalInt declared, boolean strict) {
        this.path = path;
        this.grabber = grabber;
        this.declared = declared;
        this.strict = strict;
    }

    static FfmpegFrameSource open(Path path, VideoReadOptions read) throws VideoDecodeException {
        FFmpegFrameGrabber grabber = new FFmpegFrameGrabber(path.toFile());
        grabber.setPixelFormat(avutil.AV_PIX_FMT_RGB24);
        if (read.decoderThreads() > 0) {
            grabber.setVideoOption("threads", Integer.toString(read.decoderThreads()));
        }
        // no "err_detect=explode" for strict reads: JavaCV 1.5.14 then retries avcodec_receive_frame forever on a
        // damaged
        // frame (a hang, seen on a garbled H.264 file); damage is reported through the frame count instead
        try {
            grabber.start();
        } catch (FrameGrabber.Exception | RuntimeException e) {
            closeQuietly(grabber);
            throw new VideoDecodeException("cannot read " + path + " as a video (FFmpeg: " + e.getMessage() + ")", e);
        }
        if (grabber.getVideoStream() < 0 || grabber.getImageWidth() <= 0 || grabber.getImageHeight() <= 0) {
            closeQuietly(grabber);
            throw new VideoDecodeException(
                    path + " has no video stream FFmpeg can decode (format " + grabber.getFormat() + ")");
        }
        long frames =
                grabber.getFormatContext().streams(grabber.getVideoStream()).nb_frames();
        OptionalInt declared =
                frames > 0 && frames <= Integer.MAX_VALUE ? OptionalInt.of((int) frames) : OptionalInt.empty();
        return new FfmpegFrameSource(path, grabber, declared, read.strict());
    }

    @Override
    public Optional<VideoFrame> next() throws IOException {
        if (closed) {
            throw new IllegalStateException(path + " is closed");
        }
        if (ended) {
            return Optional.empty();
        }
        Frame frame;
        try {
            frame = grabber.grabImage();
        } catch (FrameGrabber.Exception | RuntimeException e) {
            throw new VideoDecodeException(
                    "decoding frame " + decoded + " of " + path + " failed (FFmpeg: " + e.getMessage() + ")", e);
        }
        if (frame == null) {
            ended = true;
            checkComplete();
            return Optional.empty();
        }
        RgbFrame rgb = copy(frame);
        double seconds = Math.max(0, frame.timestamp / MICROS);
        return Optional.of(new VideoFrame(decoded++, seconds, rgb));
    }

    /** At the end: a file with fewer frames than its container declares is refused (strict) or reported. */
    private void checkComplete() throws VideoDecodeException {
        DecodeStatus status = status();
        if (!status.truncated()) {
            return;
        }
        String problem = path + " ends after " + decoded + " of the " + declared.getAsInt()
                + " frames its container declares" + " (truncated or damaged): frame " + decoded + " cannot be read";
        if (strict) {
            throw new VideoDecodeException(problem);
        }
        LOG.log(Level.WARNING, problem + "; using the " + decoded + " frames that decode");
    }

    /** The RGB24 picture copied out of FFmpeg's buffer (which the next frame reuses), row padding dropped. */
    private RgbFrame copy(Frame frame) throws VideoDecodeException {
        int w = frame.imageWidth, h = frame.imageHeight;
        // RGB24 was asked for; JavaCV's imageChannels is the stride over the width, so padded rows read as 4 channels
        if (frame.imageDepth != Frame.DEPTH_UBYTE
                || frame.imageStride < 3 * w
                || !(frame.image[0] instanceof ByteBuffer)) {
            throw new VideoDecodeException("frame " + decoded + " of " + path + " came out as depth " + frame.imageDepth
                    + ", stride " + frame.imageStride + " for width " + w + ", not 8-bit RGB");
        }
        try {
            RgbFrame.checkSize(w, h);
        } catch (IllegalArgumentException e) {
            throw new VideoDecodeException("frame " + decoded + " of " + path + ": " + e.getMessage(), e);
        }
        ByteBuffer buffer = ((ByteBuffer) frame.image[0]).duplicate();
        byte[] rgb = new byte[w * h * 3];
        int row = w * 3;
        for (int y = 0; y < h; y++) {
            buffer.get(y * frame.imageStride, rgb, y * row, row);
        }
        return RgbFrame.of(w, h, rgb);
    }

    @Override
    public OptionalInt frameCount() {
        return declared;
    }

    @Override
    public DecodeStatus status() {
        return new DecodeStatus(declared, decoded, ended);
    }

    @Override
    public String description() {
        return path.toString();
    }

    @Override
    public void close() throws IOException {
        if (!closed) {
            closed = true;
            try {
                grabber.close();
            } catch (FrameGrabber.Exception e) {
                throw new IOException("cannot close " + path + ": " + e.getMessage(), e);
            }
        }
    }

    private static void closeQuietly(FFmpegFrameGrabber grabber) {
        try {
            grabber.close();
        } catch (FrameGrabber.Exception | RuntimeException ignored) {
            // already failing with the error that matters
        }
    }
}
