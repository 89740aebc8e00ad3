package io.autogaze4j.video;

import io.autogaze4j.model.preprocess.RgbFrame;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Makes {@link FrameSource}s from what users have: video files (any codec and container FFmpeg reads, through
 * JavaCV; jcodec, pure Java, for H.264 in MP4 / MOV where FFmpeg's natives cannot load), folders of image files,
 * packed RGBA buffers and {@link BufferedImage}s.
 */
public final class FrameSources {
    private static final System.Logger LOG = System.getLogger("io.autogaze4j.video");
    /** The frame rate given to image folders and in-memory frames when none is stated. */
    public static final double DEFAULT_FPS = 25;

    private FrameSources() {}

    /** A video file, or a folder of images at {@link #DEFAULT_FPS}. */
    public static FrameSource open(Path path) throws IOException {
        return Files.isDirectory(path) ? imageFolder(path, DEFAULT_FPS) : video(path);
    }

    /** The video stream of a file, decoded by FFmpeg (see {@link #video(Path, VideoReadOptions)}). */
    public static FrameSource video(Path file) throws IOException {
        return video(file, VideoReadOptions.defaults());
    }

    /**
     * The video stream of a file, decoded as {@code read} says. {@link VideoDecoder#FFMPEG} falls back to jcodec with a
     * WARNING log line naming the cause when FFmpeg's native libraries cannot load (a platform without them).
     */
    public static FrameSource video(Path file, VideoReadOptions read) throws IOException {
        if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
            throw new VideoDecodeException("video file " + file + " does not exist or cannot be read");
        }
        if (Files.size(file) == 0) {
            throw new VideoDecodeException("video file " + file + " is empty (0 bytes)");
        }
        if (read.decoder() == VideoDecoder.FFMPEG) {
            Optional<Throwable> failure = FfmpegNatives.loadFailure();
            if (failure.isEmpty()) {
                return FfmpegFrameSource.open(file, read);
            }
            LOG.log(
                    Level.WARNING,
                    "FFmpeg's native libraries cannot load (" + FfmpegNatives.describe(failure.get()) + "): decoding "
                            + file + " with jcodec (pure Java, H.264 only, slower)");
        }
        return Mp4FrameSource.open(file, read.strict());
    }

    /** The image files of {@code folder} (PNG, JPEG, BMP, GIF) in file-name order, {@code fps} frames a second. */
    public static FrameSource imageFolder(Path folder, double fps) throws IOException {
        return ImageFolderSource.open(folder, fps);
    }

    /** In-memory RGB frames. */
    public static FrameSource frames(List<RgbFrame> frames, double fps) {
        return MemoryFrameSource.of(frames, fps);
    }

    /** In-memory images (any {@link BufferedImage} type; alpha is dropped). */
    public static FrameSource images(List<BufferedImage> images, double fps) {
        return MemoryFrameSource.of(images.stream().map(FrameSources::rgb).toList(), fps);
    }

    /**
     * {@code frames} RGBA frames of {@code width x height} packed one after another in {@code rgba}
     * ({@code [frames, height, width, 4]} bytes, e.g. a browser's or game engine's frame dump).
     */
    public static FrameSource rgba(byte[] rgba, int width, int height, int frames, double fps) {
        RgbFrame.checkSize(width, height);
        long need = 4L * width * height * frames;
        if (frames < 1 || need != rgba.length) {
            throw new IllegalArgumentException(frames + " RGBA frames of " + width + "x" + height + " need " + need
                    + " bytes, the buffer has " + rgba.length);
        }
        byte[] copy = rgba.clone();
        int per = 4 * width * height;
        return new MemoryFrameSource(
                frames, i -> RgbFrame.fromRgba(width, height, copy, i * per), fps, frames + " RGBA frames in memory");
    }

    /**
     * The RGB pixels of an image. 8-bit grey images keep their stored values in all three channels (as
     * Pillow's {@code convert("RGB")} does); {@code getRGB} would treat them as linear light and brighten them.
     */
    public static RgbFrame rgb(BufferedImage image) {
        int w = image.getWidth(), h = image.getHeight();
        RgbFrame.checkSize(w, h);
        if (image.getType() == BufferedImage.TYPE_BYTE_GRAY) {
            int[] grey = image.getRaster().getSamples(0, 0, w, h, 0, (int[]) null);
            int[] argb = new int[grey.length];
            for (int i = 0; i < grey.length; i++) {
                argb[i] = grey[i] * 0x010101;
            }
            return RgbFrame.fromArgb(w, h, argb);
        }
        return RgbFrame.fromArgb(w, h, image.getRGB(0, 0, w, h, null, 0, w));
    }

    static void checkFps(double fps) {
        if (!(fps > 0) || Double.isInfinite(fps)) {
            throw new IllegalArgumentException("frame rate must be positive and finite, got " + fps);
        }
    }
}
