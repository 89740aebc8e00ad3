package io.autogaze4j.readout.viz;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.autogaze4j.tensor.Backend;
import io.autogaze4j.tensor.BackendKind;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The interframe output composited on an OpenCL device (PoCL in CI) equals the CPU one pixel for pixel. */
class DeviceCompositorTest {

    @Test
    void openClCanvasGivesTheCpuPixelsAndMetrics() {
        Random r = new Random(5);
        List<ArgbImage> frames = new ArrayList<>();
        for (int f = 0; f < 4; f++) {
            int[] px = new int[50 * 30];
            for (int i = 0; i < px.length; i++) {
                px[i] = 0xFF000000 | r.nextInt(1 << 24);
            }
            frames.add(ArgbImage.of(50, 30, px));
        }
        InterframeOptions opts = InterframeOptions.sparse(3);
        try (Backend backend = Backend.named(BackendKind.OPENCL, 1)) {
            assertEquals(
                    BackendKind.OPENCL,
                    backend.kind(),
                    "no OpenCL device: install one (CI: pocl-opencl-icd, which .ci/run installs)");
            InterframeRun cpu = new InterframeRun(GeometryMode.NATIVE, opts, 0.1);
            InterframeRun device = new InterframeRun(GeometryMode.NATIVE, opts, 0.1, backend::compositor);
            for (int f = 0; f < frames.size(); f++) {
                List<MaskCell> cells = VizTestData.cells(new int[] {f % 2 + 1, 1, 2}, new int[] {3, 5, 7 + f});
                InterframeRun.Step a = cpu.add(frames.get(f), cells, f);
                InterframeRun.Step b = device.add(frames.get(f), cells, f);
                assertArrayEquals(
                        a.update().output().argb(), b.update().output().argb(), "canvas after frame " + f);
            }
            assertEquals(cpu.summary(), device.summary());
            cpu.close();
            device.close(); // frees the device canvas before the backend
        }
    }
}
