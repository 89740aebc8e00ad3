package io.autogaze4j.spark;

import java.net.URI;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Where an executor reads a video named in the input table. Videos are read as local files, so on a
 * cluster they must lie on a file system every executor mounts (NFS, Lustre, a FUSE mount of an object
 * store); {@code hdfs:}, {@code s3a:} and other remote URIs are refused with a message saying so.
 */
final class VideoFiles {
    private VideoFiles() {}

    /**
     * The local path of {@code video}: a plain path, or a {@code file:} URI (as Spark's {@code binaryFile}
     * source writes them; parsed by Hadoop's {@code Path}, the parser that wrote it).
     */
    static Path localPath(String video) {
        URI uri = new org.apache.hadoop.fs.Path(video).toUri();
        if (uri.getScheme() == null) {
            return Path.of(video);
        }
        if (!uri.getScheme().toLowerCase(Locale.ROOT).equals("file")) {
            throw new IllegalArgumentException(
                    video + ": videos are read as local files, and a " + uri.getScheme() + ": URI is not"
                            + " one (put the corpus on a file system every executor mounts, and name it by its path)");
        }
        return Path.of(uri.getPath());
    }
}
