package io.autogaze4j.spark;

import io.autogaze4j.model.AutoGaze;
import io.autogaze4j.tensor.Backend;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The models of this JVM (a Spark executor, or the driver in local mode): each checkpoint is loaded once per
 * device, on first use, with its own backend, and shared by every task the JVM runs ({@link AutoGaze} is
 * thread-safe); all are closed when the JVM shuts down. With {@link GazeJobOptions.BackendChoice#AUTO} a task
 * that Spark gave a GPU (resource {@code gpu}, address {@code n}) runs on OpenCL device {@code n}, else on
 * {@code Backend.auto()}'s choice. This is the one piece of global state of the
 * module, on purpose: Spark gives tasks no other place to keep a model between them.
 */
final class ModelHolder {
    private static final Map<Key, Loaded> MODELS = new ConcurrentHashMap<>();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(ModelHolder::closeAll, "autogaze4j-model-holder-close"));
    }

    private ModelHolder() {}

    /**
     * The model of checkpoint {@code directory} on {@code backend} ({@code gpu}: the device Spark gave the task),
     * loaded if this JVM has not loaded it yet.
     */
    static AutoGaze model(String directory, GazeJobOptions.BackendChoice backend, OptionalInt gpu) {
        OptionalInt device = backend == GazeJobOptions.BackendChoice.CPU ? OptionalInt.empty() : gpu;
        return MODELS.computeIfAbsent(
                        new Key(Path.of(directory).toAbsolutePath().normalize(), backend, device), ModelHolder::load)
                .model();
    }

    private static Loaded load(Key key) {
        Backend backend = key.backend() == GazeJobOptions.BackendChoice.CPU
                ? Backend.cpu()
                : key.gpu().isPresent() ? Backend.openCl(key.gpu().getAsInt()) : Backend.auto();
        try {
            return new Loaded(AutoGaze.load(key.directory(), backend), backend);
        } catch (IOException e) {
            backend.close();
            throw new UncheckedIOException("cannot load the model " + key.directory() + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            backend.close();
            throw new IllegalArgumentException("cannot load the model " + key.directory() + ": " + e.getMessage(), e);
        }
    }

    private static void closeAll() {
        List<Loaded> all = new ArrayList<>(MODELS.values());
        MODELS.clear();
        for (Loaded m : all) {
            m.model().close();
            m.backend().close();
        }
    }

    private record Key(Path directory, GazeJobOptions.BackendChoice backend, OptionalInt gpu) {}

    private record Loaded(AutoGaze model, Backend backend) {}
}
