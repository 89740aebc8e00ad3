package io.autogaze4j.model;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectMethod;

import java.io.PrintWriter;
import java.util.Arrays;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;

/**
 * Runs chosen parity tests without Maven, e.g. on a GPU machine that has only a Java runtime:
 * {@code java -cp ... io.autogaze4j.model.DeviceParityRun io.autogaze4j.model.OpenClGenerationParityTest#square2f ...}
 * (a method) or a class name alone (all its tests)
 * (system property {@code autogaze.fixtures} points at the fixtures). Exits 1 when a test fails.
 */
public final class DeviceParityRun {
    private DeviceParityRun() {}

    public static void main(String[] args) {
        LauncherDiscoveryRequest request = LauncherDiscoveryRequestBuilder.request()
                .selectors(Arrays.stream(args)
                        .map(a -> a.contains("#") ? selectMethod(a) : selectClass(a))
                        .toList())
                .build();
        Launcher launcher = LauncherFactory.create();
        SummaryGeneratingListener summary = new SummaryGeneratingListener();
        launcher.execute(request, summary);
        PrintWriter out = new PrintWriter(System.out, true);
        summary.getSummary().printTo(out);
        summary.getSummary().printFailuresTo(out, 8);
        System.exit(
                summary.getSummary().getTotalFailureCount() == 0
                                && summary.getSummary().getTestsSucceededCount() > 0
                        ? 0
                        : 1);
    }
}
