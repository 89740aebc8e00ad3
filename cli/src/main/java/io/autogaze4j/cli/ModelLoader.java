package io.autogaze4j.cli;

import io.autogaze4j.model.AutoGaze;
import io.autogaze4j.tensor.Backend;
import io.autogaze4j.weights.Checkpoint;
import io.autogaze4j.weights.SafetensorsFile;
import io.autogaze4j.weights.TensorInfo;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Loads the model a run uses: a Hugging Face checkpoint directory ({@code config.json},
 * {@code model.safetensors}, {@code preprocessor_config.json}; a hub cache folder
 * {@code models--nvidia--AutoGaze} is followed to its snapshot), or, with none given, the demo
 * checkpoint bundled in this jar: a K = 10 test checkpoint with random weights.
 */
final class ModelLoader {
    /** Where the demo checkpoint lies on the class path. */
    static final String DEMO_RESOURCE = "demo-model/";

    static final String DEMO_DESCRIPTION = "bundled demo checkpoint (random weights, K = 10)";
    private static final List<String> DEMO_FILES =
            List.of(Checkpoint.CONFIG_FILE, Checkpoint.WEIGHTS_FILE, Checkpoint.PREPROCESSOR_FILE);

    private ModelLoader() {}

    /** The checkpoint in {@code directory}, run on {@code backend}. */
    static LoadedModel load(Path directory, Backend backend) throws CliException {
        Path dir = snapshotOf(directory);
        return new LoadedModel(
                open(dir, backend, "model " + directory),
                dir.toAbsolutePath().normalize().toString(),
                false,
                parameters(dir));
    }

    /** The bundled demo checkpoint, run on {@code backend}. */
    static LoadedModel loadDemo(Path tempRoot, Backend backend) throws CliException {
        Path dir;
        try {
            dir = Files.createTempDirectory(tempRoot, "autogaze4j-demo-model");
        } catch (IOException e) {
            throw new CliException(
                    ExitCode.OUTPUT,
                    "cannot create a temporary folder for the demo model in " + tempRoot + ": " + e.getMessage(),
                    e);
        }
        try {
            for (String file : DEMO_FILES) {
                try (InputStream in = ModelLoader.class.getResourceAsStream(DEMO_RESOURCE + file)) {
                    if (in == null) {
                        throw new CliException(
                                ExitCode.INTERNAL, "the demo checkpoint file " + file + " is missing from this build");
                    }
                    Files.copy(in, dir.resolve(file));
                }
            }
            // the model copies its weights at load time: the extracted files can go right after
            return new LoadedModel(open(dir, backend, "the demo model"), DEMO_DESCRIPTION, true, parameters(dir));
        } catch (IOException e) {
            throw new CliException(
                    ExitCode.OUTPUT, "cannot extract the demo model to " + dir + ": " + e.getMessage(), e);
        } finally {
            deleteQuietly(dir);
        }
    }

    private static AutoGaze open(Path dir, Backend backend, String what) throws CliException {
        try {
            return AutoGaze.load(dir, backend);
        } catch (IOException | RuntimeException e) {
            throw new CliException(ExitCode.MODEL, "cannot load " + what + ": " + e.getMessage(), e);
        }
    }

    /**
     * {@code directory} itself, or for a hub cache folder without a {@code config.json} the snapshot its
     * {@code refs/main} names (or its only snapshot).
     */
    static Path snapshotOf(Path directory) throws CliException {
        if (!Files.isDirectory(directory)) {
            throw new CliException(
                    ExitCode.MODEL, "model directory " + directory + " does not exist or is not a directory");
        }
        Path snapshots = directory.resolve("snapshots");
        if (Files.isRegularFile(directory.resolve(Checkpoint.CONFIG_FILE)) || !Files.isDirectory(snapshots)) {
            return directory;
        }
        try {
            Path ref = directory.resolve("refs").resolve("main");
            if (Files.isRegularFile(ref)) {
                Path named = snapshots.resolve(Files.readString(ref).strip());
                if (Files.isDirectory(named)) {
                    return named;
                }
            }
            try (Stream<Path> s = Files.list(snapshots)) {
                List<Path> all = s.filter(Files::isDirectory).toList();
                if (all.size() == 1) {
                    return all.get(0);
                }
                throw new CliException(
                        ExitCode.MODEL,
                        "model directory " + directory + " is a hub cache folder with " + all.size()
                                + " snapshots and no refs/main: pass one snapshot folder with --model");
            }
        } catch (IOException e) {
            throw new CliException(
                    ExitCode.MODEL, "cannot read the hub cache folder " + directory + ": " + e.getMessage(), e);
        }
    }

    /** Number of weights in the checkpoint's safetensors file. */
    private static long parameters(Path dir) throws CliException {
        try (SafetensorsFile f = SafetensorsFile.open(dir.resolve(Checkpoint.WEIGHTS_FILE))) {
            return f.tensors().values().stream()
                    .mapToLong(TensorInfo::elementCount)
                    .sum();
        } catch (IOException e) {
            throw new CliException(
                    ExitCode.MODEL, "cannot read " + dir.resolve(Checkpoint.WEIGHTS_FILE) + ": " + e.getMessage(), e);
        }
    }

    private static void deleteQuietly(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            // a leftover temporary folder is harmless
        }
    }
}
