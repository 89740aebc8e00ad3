package io.autogaze4j.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Every OpenCL kernel names, in the comment just above it, its plain-Java twin ({@code CPU twin: module/Class.method})
 * and the test that holds them equal ({@code Test: Class.method}), and both exist in the sources.
 */
class KernelTwinsTest {
    private static final Pattern KERNEL = Pattern.compile("__kernel void (\\w+)\\(");
    private static final Pattern TWIN = Pattern.compile("CPU twin: (\\w+)/(\\w+)\\.(\\w+)");
    private static final Pattern TEST = Pattern.compile("Test: (\\w+)\\.(\\w+)");

    private static Path root() {
        return Path.of(System.getProperty("autogaze.root", ".."))
                .toAbsolutePath()
                .normalize();
    }

    private static String resource(String name) throws IOException {
        try (InputStream in = ClContext.class.getResourceAsStream(name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** The comment lines right above offset {@code at}. */
    private static String commentAbove(String source, int at) {
        String[] lines = source.substring(0, at).split("\n");
        StringBuilder out = new StringBuilder();
        for (int i = lines.length - 1; i >= 0 && lines[i].startsWith("//"); i--) {
            out.insert(0, lines[i] + "\n");
        }
        return out.toString();
    }

    private static boolean declares(Path file, String method) throws IOException {
        return Files.isRegularFile(file)
                && Pattern.compile("\\b" + method + "\\(")
                        .matcher(Files.readString(file))
                        .find();
    }

    @Test
    void everyKernelNamesItsJavaTwinAndTheTestThatHoldsThemEqual() throws IOException {
        List<String> missing = new ArrayList<>();
        int kernels = 0;
        for (String file : List.of("decoder.cl", "ops.cl")) {
            String source = resource(file);
            Matcher k = KERNEL.matcher(source);
            while (k.find()) {
                kernels++;
                String where = file + " " + k.group(1) + ": ";
                String comment = commentAbove(source, k.start());
                Matcher twin = TWIN.matcher(comment);
                Matcher test = TEST.matcher(comment);
                if (!twin.find()) {
                    missing.add(where + "no 'CPU twin: module/Class.method' line");
                } else {
                    String module = twin.group(1);
                    Path java = root().resolve(
                                    module + "/src/main/java/io/autogaze4j/" + module + "/" + twin.group(2) + ".java");
                    if (!declares(java, twin.group(3))) {
                        missing.add(where + "twin " + twin.group(3) + " not found in " + java);
                    }
                }
                if (!test.find()) {
                    missing.add(where + "no 'Test: Class.method' line");
                } else {
                    Path java =
                            root().resolve("kernels/src/test/java/io/autogaze4j/kernels/" + test.group(1) + ".java");
                    if (!declares(java, test.group(2))) {
                        missing.add(where + "test " + test.group(2) + " not found in " + java);
                    }
                }
            }
        }
        assertTrue(kernels >= 12, "found only " + kernels + " kernels");
        assertEquals(List.of(), missing, "kernels without a named twin and test");
    }
}
