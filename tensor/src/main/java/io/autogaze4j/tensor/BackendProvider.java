package io.autogaze4j.tensor;

/**
 * Service-provider interface for accelerator backends that live in other modules (found with
 * {@link java.util.ServiceLoader}, so this module needs no compile-time dependency on them). The
 * {@code autogaze4j-kernels} module provides {@code "opencl"}.
 */
public interface BackendProvider {

    /** The provider's name, e.g. {@code "opencl"}. */
    String name();

    /** Number of usable devices (0 when the runtime or driver is missing); never throws. */
    int deviceCount();

    /** The device {@link Backend#auto()} opens: a GPU before a CPU device. */
    default int preferredDevice() {
        return 0;
    }

    /**
     * Opens a backend on device {@code device} (0-based, in {@link #deviceCount()} order).
     *
     * @throws IllegalStateException when the device cannot be opened
     */
    Backend open(int device);
}
