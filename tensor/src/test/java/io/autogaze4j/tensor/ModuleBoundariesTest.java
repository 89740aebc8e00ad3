package io.autogaze4j.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The module graph points one way: accelerators join through the {@link BackendProvider} SPI, so no module but
 * {@code kernels} compiles against {@code io.autogaze4j.kernels} or JOCL (main and test sources of every module,
 * and every module's pom: other modules may carry {@code autogaze4j-kernels} only at runtime or test scope).
 */
class ModuleBoundariesTest {
    private static final String KERNELS = "kernels";
    /** An import or qualified name of a class in the kernels package or JOCL. */
    private static final Pattern KERNEL_REFERENCE =
            Pattern.compile("\\b(io\\.autogaze4j\\.kernels|org\\.jocl)\\.[A-Za-z*]");

    private static final Pattern KERNEL_DEPENDENCY = Pattern.compile(
            "<dependency>\\s*<groupId>([^<]+)</groupId>\\s*<artifactId>(autogaze4j-kernels|jocl)</artifactId>(.*?)</dependency>",
            Pattern.DOTALL);

    /** The repository root: the parent of this module's folder (surefire runs in the module folder). */
    static Path root() {
        Path root = Path.of(System.getProperty("autogaze.root", ".."))
                .toAbsolutePath()
                .normalize();
        assertTrue(
                Files.isRegularFile(root.resolve("pom.xml")) && Files.isDirectory(root.resolve(KERNELS)),
                "repository root not found at " + root + " (set -Dautogaze.root)");
        return root;
    }

    private static List<Path> modules() throws IOException {
        try (Stream<Path> dirs = Files.list(root())) {
            return dirs.filter(d -> Files.isRegularFile(d.resolve("pom.xml")))
                    .sorted()
                    .toList();
        }
    }

    private static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void onlyTheKernelsModuleImportsTheKernelsPackageOrJocl() throws IOException {
        List<String> offenders = new ArrayList<>();
        int scanned = 0;
        for (Path module : modules()) {
            if (module.getFileName().toString().equals(KERNELS) || !Files.isDirectory(module.resolve("src"))) {
                continue;
            }
            try (Stream<Path> files = Files.walk(module.resolve("src"))) {
                for (Path f : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                    scanned++;
                    String source = read(f);
                    if (KERNEL_REFERENCE.matcher(source).find()) {
                        offenders.add(root().relativize(f).toString());
                    }
                }
            }
        }
        assertTrue(scanned > 100, "scanned only " + scanned + " source files: is the root right?");
        assertEquals(
                List.of(),
                offenders,
                "sources outside kernels that name io.autogaze4j.kernels or org.jocl "
                        + "(use Backend.named, Backend.compositor, Backend.profile instead)");
    }

    @Test
    void noOtherModuleCompilesAgainstKernelsOrJocl() throws IOException {
        List<String> offenders = new ArrayList<>();
        for (Path module : modules()) {
            if (module.getFileName().toString().equals(KERNELS)) {
                continue;
            }
            Matcher m = KERNEL_DEPENDENCY.matcher(read(module.resolve("pom.xml")));
            while (m.find()) {
                String rest = m.group(3);
                if (!rest.contains("<scope>runtime</scope>") && !rest.contains("<scope>test</scope>")) {
                    offenders.add(module.getFileName() + ": " + m.group(2));
                }
            }
        }
        assertEquals(
                List.of(),
                offenders,
                "modules that compile against kernels or JOCL (use <scope>runtime</scope> or test)");
    }

    /**
     * The modules that run jobs carry the OpenCL backend at runtime, so that {@code Backend.auto()} finds the GPU there
     * (the Spark job once ran on the CPU of a GPU machine: its tests had kernels only through the CLI, a test
     * dependency).
     */
    @Test
    void everyApplicationModuleCarriesKernelsAtRuntime() throws IOException {
        List<String> missing = new ArrayList<>();
        for (String app : List.of("cli", "bench", "spark")) {
            Matcher m = KERNEL_DEPENDENCY.matcher(read(root().resolve(app).resolve("pom.xml")));
            boolean runtime = false;
            while (m.find()) {
                runtime |= m.group(2).equals("autogaze4j-kernels") && m.group(3).contains("<scope>runtime</scope>");
            }
            if (!runtime) {
                missing.add(app);
            }
        }
        assertEquals(List.of(), missing, "application modules without autogaze4j-kernels at runtime scope");
    }
}
