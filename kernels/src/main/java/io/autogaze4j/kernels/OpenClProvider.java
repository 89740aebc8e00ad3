package io.autogaze4j.kernels;

import io.autogaze4j.tensor.Backend;
import io.autogaze4j.tensor.BackendProvider;

/** Registers the OpenCL backend with {@link Backend#openCl(int)} and {@link Backend#auto()}. */
public final class OpenClProvider implements BackendProvider {

    @Override
    public String name() {
        return "opencl";
    }

    @Override
    public int deviceCount() {
        try {
            return OpenClBackend.devices().size();
        } catch (RuntimeException | LinkageError e) {
            return 0;
        }
    }

    @Override
    public int preferredDevice() {
        return OpenClBackend.preferredDevice();
    }

    @Override
    public Backend open(int device) {
        return OpenClBackend.open(device);
    }
}
