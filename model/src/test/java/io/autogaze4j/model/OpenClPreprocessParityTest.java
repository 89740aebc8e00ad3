package io.autogaze4j.model;

/** Every test of {@link PreprocessParityTest}, gazed on the OpenCL backend (device-resident decoder). */
class OpenClPreprocessParityTest extends PreprocessParityTest {

    @Override
    AutoGaze model(String name) {
        return Fixtures.openClModel(name);
    }
}
