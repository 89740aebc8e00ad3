package io.autogaze4j.kernels;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Warns when an NVIDIA OpenCL device is opened in a JVM that lacks the JDK's signal-chaining library.
 * The NVIDIA driver installs its own SIGSEGV handler when it loads; the JVM raises SIGSEGV on purpose
 * (implicit null checks, safepoint polls), and with the driver's handler in place such a signal kills
 * the process instead ("Segmentation fault", no hs_err file; on the H100 machine 9 of 12 runs died so).
 * Preloading {@code $JAVA_HOME/lib/libjsig.so} lets the JVM keep its handlers.
 */
final class SignalChaining {
    private static final System.Logger LOG = System.getLogger("io.autogaze4j.opencl");

    private SignalChaining() {}

    static void checkFor(OpenClDevice device) {
        if (device.cpu()
                || !device.platform().toUpperCase(java.util.Locale.ROOT).contains("NVIDIA")
                || libjsigLoaded()) {
            return;
        }
        LOG.log(
                System.Logger.Level.WARNING,
                "autogaze4j: the NVIDIA OpenCL driver replaces the JVM's SIGSEGV handler, which can "
                        + "crash the JVM; start java with LD_PRELOAD="
                        + Path.of(System.getProperty("java.home"), "lib", "libjsig.so")
                        + " (the autogaze launcher does this)");
    }

    private static boolean libjsigLoaded() {
        try {
            return Files.readString(Path.of("/proc/self/maps")).contains("libjsig");
        } catch (IOException | RuntimeException e) {
            return true; // not Linux, or unreadable: nothing to say
        }
    }
}
