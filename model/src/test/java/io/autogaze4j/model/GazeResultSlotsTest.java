package io.autogaze4j.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class GazeResultSlotsTest {
    private static final ScaleLayout LAYOUT = ScaleLayout.of(new int[] {32, 64, 112, 224}, new int[] {2, 4, 7, 14});

    @Test
    void slotsCountEveryRowOfAFrameAndPaddedSlotsOnlyItsPadding() {
        // two rows, frames of 3 and 2 slots; row 0 stopped early in frame 0, row 1 in frame 1
        long[][] pos = {{0, 1, 265, 265, 266}, {2, 3, 4, 267, 530}};
        boolean[][] padded = {{false, false, true, false, false}, {false, false, false, false, true}};
        GazeResult r = new GazeResult(LAYOUT, 0, pos, padded, new int[] {3, 2}, List.of());
        assertEquals(6, r.slots(0));
        assertEquals(4, r.slots(1));
        assertEquals(1, r.paddedSlots(0));
        assertEquals(1, r.paddedSlots(1));
    }
}
