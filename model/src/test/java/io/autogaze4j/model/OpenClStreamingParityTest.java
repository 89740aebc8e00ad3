package io.autogaze4j.model;

/** Every test of {@link StreamingParityTest}, run on the OpenCL backend (device-resident decoder). */
class OpenClStreamingParityTest extends StreamingParityTest {

    @Override
    AutoGaze model(String name) {
        return Fixtures.openClModel(name);
    }
}
