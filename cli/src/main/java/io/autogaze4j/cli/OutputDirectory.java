package io.autogaze4j.cli;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The output directory of one run, written atomically: the run writes into a hidden staging folder beside
 * the target, and {@link #commit()} moves it into place only once everything is written. A failed or
 * interrupted run leaves the target as it was (an earlier run's results included) and {@link #close()}
 * removes the staging folder. An existing non-empty target is replaced only when asked to, and only when it
 * holds nothing but what a run writes, so a mistyped {@code --out} never deletes other files.
 *
 * <pre>{@code
 * try (OutputDirectory out = OutputDirectory.open(target, overwrite)) {
 *     write(out.path());   // may fail: the target is untouched
 *     out.commit();
 * }
 * }</pre>
 */
final class OutputDirectory implements AutoCloseable {
    /** What a run writes into its output directory; a directory holding anything else is never replaced. */
    static final Set<String> RUN_ENTRIES =
            Set.of(GazeRun.TRACE_FILE, GazeRun.FRAMES_DIR, GazeRun.VIZ_DIR, ReadoutRecord.NPY_FILE);

    private static final String STAGING_PREFIX = ".autogaze-staging-";

    private final Path target;
    private final Path staging;
    private boolean committed;

    private OutputDirectory(Path target, Path staging) {
        this.target = target;
        this.staging = staging;
    }

    /**
     * Checks that {@code target} can take a run's output (absent, empty, or with {@code overwrite} an earlier
     * run's output) and creates the staging folder beside it.
     */
    static OutputDirectory open(Path target, boolean overwrite) throws CliException {
        if (target.toString().isBlank()) {
            throw new CliException(
                    ExitCode.USAGE, "the output directory is an empty path: name a directory with --out");
        }
        Path dir = target.toAbsolutePath().normalize();
        Path parent = dir.getParent();
        if (parent == null) {
            throw new CliException(
                    ExitCode.OUTPUT, "the output directory " + target + " is a file system root: choose a folder");
        }
        try {
            checkReplaceable(dir, overwrite);
            Files.createDirectories(parent);
            return new OutputDirectory(
                    dir, Files.createTempDirectory(parent, STAGING_PREFIX + dir.getFileName() + "-"));
        } catch (IOException e) {
            throw new CliException(
                    ExitCode.OUTPUT, "cannot prepare the output directory " + target + ": " + GazeRun.describe(e), e);
        }
    }

    private static void checkReplaceable(Path dir, boolean overwrite) throws IOException, CliException {
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new CliException(
                    ExitCode.OUTPUT, "the output directory " + dir + " is a file: choose a folder with --out");
        }
        if (!Files.isDirectory(dir)) {
            return;
        }
        List<String> entries;
        try (Stream<Path> s = Files.list(dir)) {
            entries = s.map(p -> p.getFileName().toString()).sorted().toList();
        }
        if (entries.isEmpty()) {
            return;
        }
        if (!overwrite) {
            throw new CliException(
                    ExitCode.OUTPUT,
                    "the output directory " + dir + " is not empty ("
                            + String.join(", ", entries.subList(0, Math.min(3, entries.size())))
                            + (entries.size() > 3 ? ", ..." : "")
                            + "): pass --overwrite to replace an earlier run's output, or choose another --out");
        }
        Optional<String> foreign =
                entries.stream().filter(e -> !RUN_ENTRIES.contains(e)).findFirst();
        if (foreign.isPresent()) {
            throw new CliException(
                    ExitCode.OUTPUT,
                    "the output directory " + dir + " holds '" + foreign.get() + "', which no run"
                            + " writes: it is not replaced even with --overwrite (a run writes only "
                            + String.join(", ", RUN_ENTRIES.stream().sorted().toList()) + "); choose another --out");
        }
    }

    /** The folder the run writes into (the staging folder until {@link #commit()}). */
    Path path() {
        return staging;
    }

    /** The directory the output ends up in. */
    Path target() {
        return target;
    }

    /**
     * Moves the finished output into place: an earlier output is first renamed aside, then the staging folder
     * renamed to the target (one rename each, so the target is always either the old or the new output), then
     * the old one deleted. If the second rename fails the old output is renamed back.
     */
    void commit() throws CliException {
        Path aside = staging.resolveSibling(staging.getFileName() + ".old");
        try {
            boolean replacing = Files.exists(target);
            if (replacing) {
                move(target, aside);
            }
            try {
                move(staging, target);
            } catch (IOException e) {
                if (replacing) {
                    move(aside, target);
                }
                throw e;
            }
            committed = true;
            if (replacing) {
                deleteTree(aside);
            }
        } catch (IOException e) {
            throw new CliException(
                    ExitCode.OUTPUT, "cannot move the finished output into " + target + ": " + GazeRun.describe(e), e);
        }
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            throw new IOException(from + " cannot be renamed to " + to + " in one step (" + e.getMessage() + ")", e);
        }
    }

    /** Removes the staging folder of a run that did not commit; the target is left as it was. */
    @Override
    public void close() {
        if (!committed) {
            try {
                deleteTree(staging);
            } catch (IOException e) {
                // a leftover hidden staging folder is harmless; the target is intact either way
            }
        }
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
