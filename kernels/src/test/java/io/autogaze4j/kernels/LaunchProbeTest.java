package io.autogaze4j.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The launch probe counts what it launched and its grid barrier holds where every group is resident (one group). */
class LaunchProbeTest {
    private static ClContext context() {
        return ClContext.open(TestDevice.backend().device().index(), ProgramCache.off());
    }

    @Test
    void everyLaunchReachesTheDevice() {
        try (ClContext ctx = context()) {
            for (boolean flush : new boolean[] {false, true}) {
                LaunchProbe.Launches l = LaunchProbe.launches(ctx, 3, flush, 40);
                assertEquals(40, l.counted(), "launches the device counted, flush after each: " + flush);
                assertTrue(l.usPerLaunch() > 0 && l.usEnqueue() > 0, LaunchProbe.format(l));
            }
        }
    }

    @Test
    void oneGroupPassesItsBarriersWithTheValuesWritten() {
        try (ClContext ctx = context()) {
            LaunchProbe.Barriers b = LaunchProbe.barriers(ctx, 1, 20);
            assertEquals(40, b.barriers());
            assertEquals(0, b.wrong(), LaunchProbe.format(b));
            assertEquals(0, b.timeouts(), LaunchProbe.format(b));
        }
    }
}
