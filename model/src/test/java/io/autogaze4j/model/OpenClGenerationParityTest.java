package io.autogaze4j.model;

/** Every test of {@link GenerationParityTest}, run on the OpenCL backend (device-resident decoder). */
class OpenClGenerationParityTest extends GenerationParityTest {

    @Override
    AutoGaze model(String name) {
        return Fixtures.openClModel(name);
    }
}
