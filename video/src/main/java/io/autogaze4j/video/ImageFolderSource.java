package io.autogaze4j.video;

import io.autogaze4j.model.preprocess.RgbFrame;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.stream.Stream;
import javax.imageio.ImageIO;

/** The PNG / JPEG / BMP / GIF files of a folder as frames, in file-name order, at a given frame rate. */
final class ImageFolderSource implements FrameSource {
    private static final List<String> EXTENSIONS = List.of(".png", ".jpg", ".jpeg", ".bmp", ".gif");

    private final Path folder;
    private final List<Path> files;
    private final double fps;
    private int index;

    private ImageFolderSource(Path folder, List<Path> files, double fps) {
        this.folder = folder;
        this.files = files;
        this.fps = fps;
    }

    static ImageFolderSource open(Path folder, double fps) throws IOException {
        FrameSources.checkFps(fps);
        if (!Files.isDirectory(folder)) {
            throw new VideoDecodeException("image folder " + folder + " does not exist or is not a directory");
        }
        List<Path> files;
        try (Stream<Path> s = Files.list(folder)) {
            files = s.filter(p -> Files.isRegularFile(p) && isImage(p)).sorted().toList();
        }
        if (files.isEmpty()) {
            throw new VideoDecodeException(
                    "image folder " + folder + " holds no image files (" + String.join(", ", EXTENSIONS) + ")");
        }
        return new ImageFolderSource(folder, files, fps);
    }

    private static boolean isImage(Path p) {
        String name = p.getFileName().toString().toLowerCase(Locale.ROOT);
        return EXTENSIONS.stream().anyMatch(name::endsWith);
    }

    @Override
    public Optional<VideoFrame> next() throws IOException {
        if (index >= files.size()) {
            return Optional.empty();
        }
        Path file = files.get(index);
        BufferedImage image;
        try {
            image = ImageIO.read(file.toFile());
        } catch (IOException e) {
            throw new VideoDecodeException("image " + file + " cannot be decoded: " + e.getMessage(), e);
        }
        if (image == null) {
            throw new VideoDecodeException("image " + file + " is not in a format ImageIO can read");
        }
        RgbFrame rgb;
        try {
            rgb = FrameSources.rgb(image);
        } catch (IllegalArgumentException e) {
            throw new VideoDecodeException("image " + file + ": " + e.getMessage(), e);
        }
        int i = index++;
        return Optional.of(new VideoFrame(i, i / fps, rgb));
    }

    @Override
    public OptionalInt frameCount() {
        return OptionalInt.of(files.size());
    }

    @Override
    public String description() {
        return folder.toString();
    }

    @Override
    public void close() {
        index = files.size();
    }
}
