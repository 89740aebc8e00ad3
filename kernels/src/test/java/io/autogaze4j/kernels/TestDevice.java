package io.autogaze4j.kernels;

import static org.junit.jupiter.api.Assertions.fail;

import java.util.List;

/** The OpenCL device the tests run on: the first one found (PoCL on CI). A missing one fails loudly. */
final class TestDevice {
    private static OpenClBackend shared;

    private TestDevice() {}

    static synchronized OpenClBackend backend() {
        if (shared == null) {
            List<OpenClDevice> devices = OpenClBackend.devices();
            if (devices.isEmpty()) {
                fail("no OpenCL device: install one (CI: apt-get install pocl-opencl-icd, which .ci/run does)");
            }
            shared = OpenClBackend.open(OpenClBackend.preferredDevice());
        }
        return shared;
    }
}
