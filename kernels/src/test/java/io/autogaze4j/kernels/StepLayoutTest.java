package io.autogaze4j.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The host-device step contract is written on the Java side only, and the kernel source uses nothing else. */
class StepLayoutTest {

    private static String decoderSource() throws IOException {
        try (InputStream in = ClContext.class.getResourceAsStream("decoder.cl")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void everyParameterAndResultNameOfTheKernelComesFromStepLayout() throws IOException {
        String source = decoderSource();
        Set<String> used = new TreeSet<>();
        Matcher m = Pattern.compile("\\b[PR]_[A-Z_]+\\b").matcher(source);
        while (m.find()) {
            used.add(m.group());
        }
        assertTrue(used.contains("P_HEADER") && used.contains("R_ID"), "decoder.cl reads the step layout: " + used);
        assertEquals(new TreeSet<>(StepLayout.names()), used, "names decoder.cl uses vs the names StepLayout defines");
        assertFalse(
                Pattern.compile("#define\\s+[PR]_").matcher(source).find(),
                "decoder.cl defines a layout constant itself");
    }

    @Test
    void definesListEveryConstantOnce() {
        String defines = StepLayout.defines();
        for (String name : StepLayout.names()) {
            assertEquals(1, defines.split(" -D " + name + "=", -1).length - 1, name + " in " + defines);
        }
        assertTrue(defines.contains(" -D P_HEADER=" + StepLayout.P_HEADER), defines);
        assertTrue(defines.contains(" -D R_ID=" + StepLayout.R_ID), defines);
    }
}
