package io.autogaze4j.pipeline;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.autogaze4j.model.AutoGaze;
import io.autogaze4j.model.preprocess.RgbFrame;
import io.autogaze4j.tensor.Backend;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Test inputs: the reference checkpoints beside the checkout, and seeded frames. */
final class Fixtures {
    private Fixtures() {}

    /** The K = 10 test checkpoint on a 2-thread CPU backend, loaded once for every test class (heap only; never closed). */
    static AutoGaze model() {
        return SharedModel.MODEL;
    }

    private static final class SharedModel {
        static final AutoGaze MODEL = load();

        private static AutoGaze load() {
            try {
                return AutoGaze.load(fixture("model_k10"), Backend.cpu(2));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    static Path fixture(String name) {
        String prop = System.getProperty("autogaze.fixtures");
        Path root = prop != null ? Path.of(prop) : Path.of("..", "..", "shared", "fixtures");
        Path p = root.resolve(name);
        assertTrue(Files.isDirectory(p), "reference fixture folder not found: " + p.toAbsolutePath());
        return p;
    }

    /**
     * {@code count} frames of {@code width x height}: a seeded noise picture with a bright square moving across it, so
     * consecutive frames differ where the square is.
     */
    static List<RgbFrame> frames(int count, int width, int height, long seed) {
        Random random = new Random(seed);
        byte[] base = new byte[width * height * 3];
        random.nextBytes(base);
        List<RgbFrame> out = new ArrayList<>(count);
        for (int t = 0; t < count; t++) {
            byte[] rgb = base.clone();
            int x0 = (t * 7) % Math.max(1, width - 20), y0 = (t * 5) % Math.max(1, height - 20);
            for (int y = y0; y < Math.min(height, y0 + 20); y++) {
                for (int x = x0; x < Math.min(width, x0 + 20); x++) {
                    rgb[(y * width + x) * 3] = (byte) 250;
                }
            }
            out.add(RgbFrame.of(width, height, rgb));
        }
        return out;
    }
}
