package io.autogaze4j.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SpanPlannerTest {
    @Test
    void clipsAreSpreadEvenlyInRunsAndTheLastSpanOfAVideoReadsToItsEnd() {
        List<VideoPlan> plans = List.of(
                new VideoPlan("a", 5, Optional.empty()),
                VideoPlan.failed("bad", "cannot open bad"),
                new VideoPlan("b", 2, Optional.empty()));
        List<List<VideoSpan>> tasks = SpanPlanner.tasks(plans, 3);
        assertEquals(
                List.of(
                        List.of(new VideoSpan("a", 0, 3, false)),
                        List.of(new VideoSpan("a", 3, 2, true), new VideoSpan("b", 0, 1, false)),
                        List.of(new VideoSpan("b", 1, 1, true))),
                tasks);
    }

    @Test
    void moreTasksThanClipsGivesOneClipATask() {
        List<List<VideoSpan>> tasks = SpanPlanner.tasks(List.of(new VideoPlan("a", 2, Optional.empty())), 8);
        assertEquals(List.of(List.of(new VideoSpan("a", 0, 1, false)), List.of(new VideoSpan("a", 1, 1, true))), tasks);
    }

    @Test
    void noVideoGivesNoTask() {
        assertEquals(List.of(), SpanPlanner.tasks(List.of(VideoPlan.failed("x", "no")), 2));
        assertThrows(IllegalArgumentException.class, () -> SpanPlanner.tasks(List.of(), 0));
    }
}
