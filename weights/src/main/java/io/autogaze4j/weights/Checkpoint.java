package io.autogaze4j.weights;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/**
 * A Hugging Face AutoGaze checkpoint directory: {@code config.json}, {@code model.safetensors} and
 * (optionally) {@code preprocessor_config.json}. Opening it checks the configs against their documented
 * ranges, the config against the weights (sizes, every tensor present, floating point, of the expected
 * shape) and that every weight is finite.
 */
public final class Checkpoint implements AutoCloseable {
    public static final String CONFIG_FILE = "config.json";
    public static final String WEIGHTS_FILE = "model.safetensors";
    public static final String PREPROCESSOR_FILE = "preprocessor_config.json";

    private final Path directory;
    private final AutoGazeConfig config;
    private final PreprocessorConfig preprocessor;
    private final SafetensorsFile weights;

    private Checkpoint(
            Path directory, AutoGazeConfig config, PreprocessorConfig preprocessor, SafetensorsFile weights) {
        this.directory = directory;
        this.config = config;
        this.preprocessor = preprocessor;
        this.weights = weights;
    }

    /** Opens and validates a checkpoint directory. */
    public static Checkpoint open(Path directory) throws CheckpointException, ConfigException, SafetensorsException {
        if (!Files.isDirectory(directory)) {
            throw new CheckpointException("model directory " + directory + " does not exist or is not a directory");
        }
        List<String> missing = new ArrayList<>();
        for (String f : List.of(CONFIG_FILE, WEIGHTS_FILE)) {
            if (!Files.isRegularFile(directory.resolve(f))) {
                missing.add(f);
            }
        }
        if (!missing.isEmpty()) {
            throw new CheckpointException(
                    "model directory " + directory + " lacks " + String.join(", ", missing)
                            + " (a Hugging Face AutoGaze snapshot has config.json, model.safetensors, preprocessor_config.json)");
        }
        AutoGazeConfig config = AutoGazeConfig.load(directory.resolve(CONFIG_FILE));
        Path pre = directory.resolve(PREPROCESSOR_FILE);
        PreprocessorConfig preprocessor =
                Files.isRegularFile(pre) ? PreprocessorConfig.load(pre) : PreprocessorConfig.official();
        SafetensorsFile weights = SafetensorsFile.open(directory.resolve(WEIGHTS_FILE));
        try {
            verify(weights, config);
        } catch (CheckpointException | SafetensorsException e) {
            weights.close();
            throw e;
        }
        return new Checkpoint(directory, config, preprocessor, weights);
    }

    /**
     * Checks that {@code weights} fits {@code config}: the sizes both describe agree (layer counts, widths,
     * vocabulary, K; a mismatch names both numbers), every tensor the config needs is present, floating
     * point and of the expected shape, and every weight is finite (one pass over the data; a NaN or
     * infinite weight would otherwise gaze garbage without a word).
     */
    public static void verify(SafetensorsFile weights, AutoGazeConfig config)
            throws CheckpointException, SafetensorsException {
        String where = weights.path() == null ? "weights" : weights.path().toString();
        List<String> problems = new ArrayList<>(ConfigWeightsCheck.mismatches(weights.tensors(), config));
        Map<String, int[]> expected = ExpectedTensors.of(config);
        for (Map.Entry<String, int[]> e : expected.entrySet()) {
            TensorInfo info = weights.tensors().get(e.getKey());
            if (info == null) {
                problems.add("missing tensor '" + e.getKey() + "' " + Arrays.toString(e.getValue()));
            } else if (!Arrays.equals(info.shape(), e.getValue())) {
                problems.add("tensor '" + e.getKey() + "' has shape " + info.shapeString() + ", expected "
                        + Arrays.toString(e.getValue()));
            } else if (!info.dtype().isFloating()) {
                problems.add("tensor '" + e.getKey() + "' has dtype " + info.dtype() + ", expected F32, F16 or BF16");
            }
        }
        if (!problems.isEmpty()) {
            throw new CheckpointException(where + " does not match its config (" + config + "): " + summary(problems));
        }
        for (String name : expected.keySet()) {
            OptionalLong bad = weights.firstNonFinite(name);
            if (bad.isPresent()) {
                TensorInfo info = weights.tensors().get(name);
                throw new SafetensorsException(
                        weights.path(),
                        name,
                        "element " + bad.getAsLong() + " " + position(info.shape(), bad.getAsLong()) + " of "
                                + info.shapeString() + " is " + weights.floats(name)[(int) bad.getAsLong()]
                                + ": weights must be finite (the checkpoint is corrupt)");
            }
        }
    }

    private static String summary(List<String> problems) {
        return String.join("; ", problems.subList(0, Math.min(8, problems.size())))
                + (problems.size() > 8 ? "; and " + (problems.size() - 8) + " more" : "");
    }

    /** The index of flat element {@code flat} in a row-major tensor of {@code shape}, e.g. {@code [3, 0, 7]}. */
    private static String position(int[] shape, long flat) {
        long[] at = new long[shape.length];
        for (int i = shape.length - 1; i >= 0; i--) {
            at[i] = flat % shape[i];
            flat /= shape[i];
        }
        return Arrays.toString(at);
    }

    /** A weight as float32 (F16/BF16 are converted). */
    public float[] floats(String name) throws SafetensorsException {
        return weights.floats(name);
    }

    public Path directory() {
        return directory;
    }

    public AutoGazeConfig config() {
        return config;
    }

    public PreprocessorConfig preprocessor() {
        return preprocessor;
    }

    public SafetensorsFile weights() {
        return weights;
    }

    @Override
    public void close() {
        weights.close();
    }
}
