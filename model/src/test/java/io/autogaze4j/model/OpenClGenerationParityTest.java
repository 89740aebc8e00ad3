package io.autogaze4j.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.autogaze4j.weights.SafetensorsFile;
import org.junit.jupiter.api.Test;

/**
 * Every test of {@link GenerationParityTest}, run on the OpenCL backend (device-resident decoder): by default with the
 * decode loop on the device (a frame per host round trip), and in a second surefire execution of this module with
 * {@code -Dautogaze.opencl.frameLoop=off} (a decoder step per round trip).
 */
class OpenClGenerationParityTest extends GenerationParityTest {

    @Override
    AutoGaze model(String name) {
        return Fixtures.openClModel(name);
    }

    /** The run is the one it says it is: the backend reports the decode loop on exactly when the property says so. */
    @Test
    void decodeLoopFollowsTheProperty() {
        boolean on = !"off".equals(System.getProperty("autogaze.opencl.frameLoop"));
        String name = model("model_k10").backend().name();
        assertEquals(on, name.contains("decode loop on the device"), name);
    }

    @Test
    void onDeviceConfidencesMatchTheHostOnes() throws Exception {
        VideoClip clip;
        try (SafetensorsFile f = Fixtures.open("mtp4_4f")) {
            clip = VideoClip.of(Fixtures.tensor(f, "input.video"));
        }
        GazeOptions o = Reference.options("mtp4_4f");
        GazeResult host = Fixtures.model("model_mtp4").gaze(clip, o);
        GazeResult device = Fixtures.openClModel("model_mtp4").gaze(clip, o);
        int compared = 0;
        for (int j = 0; j < host.gazingPos()[0].length; j++) {
            float a = host.confidence()[0][j], b = device.confidence()[0][j];
            assertEquals(Float.isNaN(a), Float.isNaN(b), "slot " + j);
            if (!Float.isNaN(a)) {
                assertEquals(a, b, 1e-4, "confidence of slot " + j);
                compared++;
            }
        }
        assertTrue(compared > 0);
    }
}
