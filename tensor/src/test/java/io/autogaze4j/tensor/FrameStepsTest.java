package io.autogaze4j.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;

/** The task-loss rule a frame's steps end by, as {@code FrameGenerator} applies it, and the plan's checks. */
class FrameStepsTest {
    private static final int K = 3;

    private static FrameSteps plan(OptionalDouble stop) {
        Tensor x = Tensor.wrap(new float[2], 1, 2);
        int[][] positions = {{0}};
        return new FrameSteps(
                x,
                1,
                positions,
                new byte[][] {{1}},
                positions,
                List.of(K, 2),
                Tensor.wrap(new float[8], 4, 2),
                3,
                stop);
    }

    /** One row, task loss of heads 0..K-1. */
    private static TokenChoice choice(float... taskLoss) {
        return new TokenChoice(new int[1][K], new float[1][K], new float[1][K], taskLoss);
    }

    @Test
    void aHeadAtOrBelowTheThresholdFinishesItsRowButHeadZeroOfTheFirstStep() {
        FrameSteps p = plan(OptionalDouble.of(0.5));
        assertFalse(p.finishesRow(choice(0.1f, 0.9f, 0.9f), 0, 0), "head 0 of step 0 never stops");
        assertTrue(p.finishesRow(choice(0.1f, 0.9f, 0.9f), 1, 0), "head 0 of a later step does");
        assertTrue(p.finishesRow(choice(0.9f, 0.5f, 0.9f), 0, 0), "at the threshold");
        assertFalse(p.finishesRow(choice(0.9f, 0.9f, 0.1f), 1, 0), "step 1 keeps 2 heads: head 2 is not one of them");
        assertFalse(plan(OptionalDouble.empty()).finishesRow(choice(-1, -1, -1), 1, 0), "no stop");
    }

    @Test
    void aPlanNeedsStepsAndTailPositionsForEveryRow() {
        Tensor x = Tensor.wrap(new float[2], 1, 2);
        int[][] positions = {{0}};
        byte[][] masks = {{1}};
        Tensor table = Tensor.wrap(new float[8], 4, 2);
        OptionalDouble none = OptionalDouble.empty();
        assertThrows(
                IllegalArgumentException.class,
                () -> new FrameSteps(x, 1, positions, masks, positions, List.of(), table, 3, none));
        assertThrows(
                IllegalArgumentException.class,
                () -> new FrameSteps(x, 1, positions, masks, positions, List.of(K, 0), table, 3, none));
        assertThrows(
                IllegalArgumentException.class,
                () -> new FrameSteps(x, 1, positions, masks, new int[2][1], List.of(K), table, 3, none));
    }

    /** Device tokens of {@code rows} rows, 2 frames of 2 tokens of width 2, that hold nothing (the plan's checks only). */
    private static DeviceTokens tokens(int rows) {
        return new DeviceTokens() {
            @Override
            public int rows() {
                return rows;
            }

            @Override
            public int frames() {
                return 2;
            }

            @Override
            public int tokens() {
                return 2;
            }

            @Override
            public int width() {
                return 2;
            }

            @Override
            public Tensor[] toHost(int t) {
                throw new UnsupportedOperationException("not read in this test");
            }

            @Override
            public void close() {}
        };
    }

    @Test
    void aPlanReadsItsLastTokensInPlaceWithRoomForTheCarriedOnes() {
        int[][] positions = {{0, 1, 2}};
        FrameSteps p = new FrameSteps(
                Tensor.wrap(new float[6], 3, 2),
                3,
                positions,
                new byte[][] {{1, 1, 1}},
                positions,
                List.of(K),
                Tensor.wrap(new float[8], 4, 2),
                3,
                OptionalDouble.empty());
        assertEquals(3, p.hostPerRow(), "every token from the host unless asked");
        assertTrue(p.residentTokens().isEmpty());
        DeviceTokens one = tokens(1);
        FrameSteps inPlace = p.readingInPlace(Tensor.wrap(new float[2], 1, 2), one.frame(1));
        assertEquals(1, inPlace.hostPerRow());
        assertEquals(1, inPlace.residentTokens().orElseThrow().frame());
        assertEquals(1, inPlace.prefill().dim(0), "the host's tokens alone");
        assertEquals(inPlace.residentTokens(), inPlace.carrying(1).residentTokens(), "carrying keeps them");
        assertThrows(IllegalArgumentException.class, () -> inPlace.carrying(2), "2 carried + 2 resident in 3");
        assertThrows(
                IllegalArgumentException.class,
                () -> p.readingInPlace(
                        Tensor.wrap(new float[2], 1, 2), tokens(2).frame(0)),
                "tokens of 2 rows for a plan of 1");
        assertThrows(IllegalArgumentException.class, () -> one.frame(2), "a frame the tokens do not have");
    }

    @Test
    void aPlanCarriesAtMostItsPrefill() {
        FrameSteps p = plan(OptionalDouble.empty());
        assertEquals(0, p.carriedPerRow(), "nothing carried unless asked");
        assertEquals(1, p.carrying(1).carriedPerRow());
        assertThrows(IllegalArgumentException.class, () -> p.carrying(2), "more than the prefill's tokens");
        assertThrows(IllegalArgumentException.class, () -> p.carrying(-1));
    }
}
