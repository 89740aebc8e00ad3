package io.autogaze4j.video;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Test inputs: the shared fixtures and media beside the checkout, and this module's test resources. */
final class Media {
    private Media() {}

    static Path fixtures() {
        String prop = System.getProperty("autogaze.fixtures");
        Path p = prop != null ? Path.of(prop) : Path.of("..", "..", "shared", "fixtures");
        assertTrue(Files.isDirectory(p), "reference fixtures not found at " + p.toAbsolutePath());
        return p;
    }

    /** {@code ../shared/media/<name>}. */
    static Path shared(String name) {
        Path p = fixtures().resolveSibling("media").resolve(name);
        assertTrue(Files.isRegularFile(p), "shared media file missing: " + p);
        return p;
    }

    /** A file of src/test/resources. */
    static Path resource(String name) {
        try {
            return Path.of(Media.class.getResource("/" + name).toURI());
        } catch (URISyntaxException | NullPointerException e) {
            throw new AssertionError("test resource missing: " + name, e);
        }
    }
}
