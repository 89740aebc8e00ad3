package io.autogaze4j.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class VideoFilesTest {
    @Test
    void plainPathsAndFileUrisAreLocalFiles() {
        assertEquals(Path.of("/data/a b.mp4"), VideoFiles.localPath("/data/a b.mp4"));
        assertEquals(Path.of("clips/a.mp4"), VideoFiles.localPath("clips/a.mp4"));
        // Spark's binaryFile source writes Hadoop paths: file: and the path, spaces as they are
        assertEquals(Path.of("/data/a b.mp4"), VideoFiles.localPath("file:/data/a b.mp4"));
        assertEquals(Path.of("/data/a.mp4"), VideoFiles.localPath("file:///data/a.mp4"));
    }

    @Test
    void remoteUrisAreRefusedWithTheReason() {
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> VideoFiles.localPath("hdfs://nn:8020/v/a.mp4"));
        assertTrue(e.getMessage().contains("hdfs") && e.getMessage().contains("mounts"), e.getMessage());
    }
}
