package io.autogaze4j.model;

/** Every test of {@link TilingParityTest}, gazed on the OpenCL backend (device-resident decoder). */
class OpenClTilingParityTest extends TilingParityTest {

    @Override
    AutoGaze model(String name) {
        return Fixtures.openClModel(name);
    }
}
