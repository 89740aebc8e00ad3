package io.autogaze4j.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * No Java source line of any module is longer than {@value #MAX_COLUMNS} columns. The formatter (Spotless with
 * palantir-java-format, checked in {@code verify}) wraps code at 120 but leaves comments and string literals alone;
 * this keeps those within the limit too.
 */
class SourceLineLengthTest {
    static final int MAX_COLUMNS = 130;

    @Test
    void noSourceLineIsLongerThanTheLimit() throws IOException {
        Path root = ModuleBoundariesTest.root();
        List<String> offenders = new ArrayList<>();
        int scanned = 0;
        try (Stream<Path> files = Files.walk(root)) {
            for (Path f : files.filter(SourceLineLengthTest::isSource).toList()) {
                scanned++;
                List<String> lines = Files.readAllLines(f);
                for (int i = 0; i < lines.size(); i++) {
                    if (lines.get(i).length() > MAX_COLUMNS) {
                        offenders.add(root.relativize(f) + ":" + (i + 1) + " ("
                                + lines.get(i).length() + " columns)");
                    }
                }
            }
        }
        assertTrue(scanned > 100, "scanned only " + scanned + " source files: is the root right?");
        assertEquals(List.of(), offenders, "lines over " + MAX_COLUMNS + " columns");
    }

    /** A module's Java source (main or test), not a build output. */
    private static boolean isSource(Path f) {
        String p = f.toString().replace('\\', '/');
        return p.endsWith(".java") && p.contains("/src/") && !p.contains("/target/");
    }
}
