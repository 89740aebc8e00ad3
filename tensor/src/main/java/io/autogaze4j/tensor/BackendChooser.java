package io.autogaze4j.tensor;

import java.util.Optional;
import java.util.ServiceLoader;

/** Finds accelerator providers on the class path and falls back to the CPU with a log line. */
final class BackendChooser {
    private static final System.Logger LOG = System.getLogger("io.autogaze4j.backend");
    static final String OPENCL = "opencl";

    private BackendChooser() {
    }

    static Optional<BackendProvider> provider(String name) {
        for (BackendProvider p : ServiceLoader.load(BackendProvider.class, BackendChooser.class.getClassLoader())) {
            if (p.name().equals(name)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    static Backend openCl(int device) {
        Optional<BackendProvider> p = provider(OPENCL);
        if (p.isEmpty()) {
            return fallback("the OpenCL backend is not on the class path (add io.autogaze4j:autogaze4j-kernels)");
        }
        int count = p.get().deviceCount();
        if (device < 0 || device >= count) {
            return fallback(count == 0 ? "no OpenCL device found (is an OpenCL driver / ICD installed?)"
                    : "OpenCL device " + device + " requested but only " + count + " exist");
        }
        return p.get().open(device);
    }

    static Backend auto() {
        Optional<BackendProvider> p = provider(OPENCL);
        if (p.isPresent() && p.get().deviceCount() > 0) {
            int device = p.get().preferredDevice();
            try {
                return p.get().open(device);
            } catch (RuntimeException e) {
                return fallback("OpenCL device " + device + " could not be opened: " + e.getMessage());
            }
        }
        return fallback(p.isEmpty() ? "the OpenCL backend is not on the class path" : "no OpenCL device found");
    }

    private static Backend fallback(String why) {
        Backend cpu = Backend.cpu();
        LOG.log(System.Logger.Level.WARNING, "autogaze4j: " + why + "; using " + cpu.name());
        return cpu;
    }
}
