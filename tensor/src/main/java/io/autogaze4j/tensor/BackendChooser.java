package io.autogaze4j.tensor;

import java.util.Optional;
import java.util.OptionalInt;
import java.util.ServiceLoader;

/** Finds accelerator providers on the class path and falls back to the CPU with a log line. */
final class BackendChooser {
    private static final System.Logger LOG = System.getLogger("io.autogaze4j.backend");
    static final String OPENCL = "opencl";
    /** Fallback threads: one per processor. */
    private static final int ALL = 0;

    private BackendChooser() {}

    static Optional<BackendProvider> provider(String name) {
        for (BackendProvider p : ServiceLoader.load(BackendProvider.class, BackendChooser.class.getClassLoader())) {
            if (p.name().equals(name)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    static Backend named(BackendKind kind, int threads) {
        return switch (kind) {
            case CPU -> Backend.cpu(threads);
            case OPENCL -> openCl(OptionalInt.empty(), threads);
            case AUTO -> auto();
        };
    }

    static Backend openCl(int device) {
        return openCl(OptionalInt.of(device), ALL);
    }

    /** Device {@code device}, or the provider's preferred one when empty; the CPU with {@code fallbackThreads} when absent. */
    private static Backend openCl(OptionalInt device, int fallbackThreads) {
        Optional<BackendProvider> p = provider(OPENCL);
        if (p.isEmpty()) {
            return fallback(
                    "the OpenCL backend is not on the class path (add io.autogaze4j:autogaze4j-kernels)",
                    fallbackThreads);
        }
        int count = p.get().deviceCount();
        if (count == 0) {
            return fallback("no OpenCL device found (is an OpenCL driver / ICD installed?)", fallbackThreads);
        }
        int index = device.orElseGet(() -> p.get().preferredDevice());
        if (index < 0 || index >= count) {
            return fallback("OpenCL device " + index + " requested but only " + count + " exist", fallbackThreads);
        }
        return p.get().open(index);
    }

    static Backend auto() {
        Optional<BackendProvider> p = provider(OPENCL);
        if (p.isPresent() && p.get().deviceCount() > 0) {
            int device = p.get().preferredDevice();
            try {
                return p.get().open(device);
            } catch (RuntimeException e) {
                return fallback("OpenCL device " + device + " could not be opened: " + e.getMessage(), ALL);
            }
        }
        return fallback(p.isEmpty() ? "the OpenCL backend is not on the class path" : "no OpenCL device found", ALL);
    }

    private static Backend fallback(String why, int threads) {
        Backend cpu = threads == ALL ? Backend.cpu() : Backend.cpu(threads);
        LOG.log(System.Logger.Level.WARNING, "autogaze4j: " + why + "; using " + cpu.name());
        return cpu;
    }
}
