package io.autogaze4j.readout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Keeps the runnable example working: fixed-length clips, batch column = clip, coordinates on the grid. */
class SparseVideoReadoutExampleTest {

    @Test
    void exampleHandsThePatchifierNinetySixTokensPerClip() throws Exception {
        ByteArrayOutputStream text = new ByteArrayOutputStream();
        VideoCoords coords = SparseVideoReadoutExample.run(
                TestData.fixture("model_k10"), new PrintStream(text, true, StandardCharsets.UTF_8));
        assertEquals(192, coords.rows());
        for (int i = 0; i < coords.rows(); i++) {
            assertEquals(i / 96, coords.get(i, 0), "batch column of row " + i);
            assertTrue(
                    coords.get(i, 1) < 8 && coords.get(i, 2) < 14 && coords.get(i, 3) < 14,
                    "row " + i + " on the 8x14x14 grid");
        }
        assertTrue(text.toString(StandardCharsets.UTF_8).contains("coords [192, 4]"));
    }
}
