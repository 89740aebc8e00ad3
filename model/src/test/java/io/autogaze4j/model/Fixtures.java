package io.autogaze4j.model;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.autogaze4j.tensor.Backend;
import io.autogaze4j.tensor.BackendKind;
import io.autogaze4j.tensor.Tensor;
import io.autogaze4j.weights.SafetensorsFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Access to the reference data in {@code ../shared/fixtures}; a missing folder fails the test. */
final class Fixtures {
    private static final Map<String, AutoGaze> MODELS = new ConcurrentHashMap<>();
    private static final Map<String, AutoGaze> OPENCL_MODELS = new ConcurrentHashMap<>();
    private static Backend openCl;

    private Fixtures() {}

    static Path root() {
        String prop = System.getProperty("autogaze.fixtures");
        Path p = prop != null ? Path.of(prop) : Path.of("..", "..", "shared", "fixtures");
        assertTrue(
                Files.isDirectory(p),
                "reference fixtures not found at " + p.toAbsolutePath()
                        + " (set -Dautogaze.fixtures or put ../shared beside the checkout)");
        return p;
    }

    static Path dir(String name) {
        Path p = root().resolve(name);
        assertTrue(Files.isDirectory(p), "fixture folder missing: " + p);
        return p;
    }

    static SafetensorsFile open(String caseName) throws IOException {
        return SafetensorsFile.open(dir(caseName).resolve("fixture.safetensors"));
    }

    /** A loaded model shared by the tests of one JVM (models are immutable and thread-safe). */
    static AutoGaze model(String name) {
        return MODELS.computeIfAbsent(name, n -> {
            try {
                return AutoGaze.load(dir(n));
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    /**
     * The same model on the OpenCL backend (preferred device: a GPU if any, else PoCL as on CI); no OpenCL device fails the
     * test.
     */
    static AutoGaze openClModel(String name) {
        return OPENCL_MODELS.computeIfAbsent(name, n -> {
            try {
                return AutoGaze.load(dir(n), openCl());
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    private static synchronized Backend openCl() {
        if (openCl == null) {
            Backend b = Backend.named(BackendKind.OPENCL, 1);
            if (b.kind() != BackendKind.OPENCL) {
                b.close();
                fail("no OpenCL device for the OpenCL parity tests: install one (CI: pocl-opencl-icd, which .ci/run "
                        + "installs)");
            }
            openCl = b;
        }
        return openCl;
    }

    static Tensor tensor(SafetensorsFile f, String name) throws IOException {
        return Tensor.wrap(f.floats(name), f.info(name).shape());
    }

    /** {@code [B, C, T, H, W]} feature maps to frame {@code t} of row {@code b} as tokens {@code [H*W, C]}. */
    static Tensor tokensOf(Tensor bcthw, int b, int t) {
        int c = bcthw.dim(1), frames = bcthw.dim(2), hw = bcthw.dim(3) * bcthw.dim(4);
        float[] out = new float[hw * c];
        float[] in = bcthw.data();
        for (int ch = 0; ch < c; ch++) {
            for (int i = 0; i < hw; i++) {
                out[i * c + ch] = in[((b * c + ch) * frames + t) * hw + i];
            }
        }
        return Tensor.wrap(out, hw, c);
    }

    /** Row b, frame t of a {@code [B, T, N, C]} tensor as {@code [N, C]}. */
    static Tensor frameOf(Tensor btnc, int b, int t) {
        int n = btnc.dim(2) * btnc.dim(3);
        int off = (b * btnc.dim(1) + t) * n;
        return Tensor.wrap(java.util.Arrays.copyOfRange(btnc.data(), off, off + n), btnc.dim(2), btnc.dim(3));
    }
}
