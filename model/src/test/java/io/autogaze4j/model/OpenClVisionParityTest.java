package io.autogaze4j.model;

/** Every test of {@link VisionParityTest}, run on the OpenCL backend (device-resident decoder). */
class OpenClVisionParityTest extends VisionParityTest {

    @Override
    AutoGaze model(String name) {
        return Fixtures.openClModel(name);
    }
}
