package io.autogaze4j.readout.pyramid;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.autogaze4j.readout.FixationPoint;
import io.autogaze4j.tensor.Tensor;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** The masked image-pyramid helpers against burn_autogaze 0.21.6 (TV-30..TV-34) and their conforming rules. */
class ImagePyramidTest {
    /** Pooled averages are float sums; the reference sums in another order. */
    private static final float TOLERANCE = 1e-6f;

    private static FixationPoint e(float x, float y, float w, float h, float c) {
        return new FixationPoint(x, y, w, h, c, 0);
    }

    private static Tensor image1234() {
        return Tensor.wrap(new float[] {1, 2, 3, 4}, 1, 1, 2, 2);
    }

    @Test
    void tv30to31FixationMasksAreCrispCellBoundsPerBatchRow() {
        Tensor m = ImagePyramid.fixationMask(1, 4, 4, List.of(e(0.25f, 0.25f, 0.5f, 0.5f, 1)));
        assertArrayEquals(new float[] {1, 1, 0, 0, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}, m.data(), "TV-30");
        assertArrayEquals(new int[] {1, 1, 4, 4}, m.shape());
        Tensor two = ImagePyramid.frameMasks(
                List.of(List.of(e(0.25f, 0.5f, 0.5f, 1, 1)), List.of(e(0.75f, 0.5f, 0.5f, 1, 1))), 1, 2);
        assertArrayEquals(new float[] {1, 0, 0, 1}, two.data(), "TV-31");
        assertArrayEquals(new int[] {2, 1, 1, 2}, two.shape());
        assertArrayEquals(
                new float[4],
                ImagePyramid.fixationMask(1, 2, 2, List.of(e(0.5f, 0.5f, 1, 1, 0)))
                        .data(),
                "confidence 0 paints nothing");
        assertArrayEquals(
                new float[] {0, 0, 0, 1},
                ImagePyramid.fixationMask(1, 2, 2, List.of(e(1, 1, 1e-6f, 1e-6f, 1)))
                        .data(),
                "at least one pixel, clamped to the last");
    }

    @Test
    void tv32ApplyMaskKeepsSelectedPixelsAndFillsTheRest() {
        Tensor out = ImagePyramid.applyMask(image1234(), Tensor.wrap(new float[] {1, 0, 0, 1}, 1, 1, 2, 2), -1);
        assertArrayEquals(new float[] {1, -1, -1, 4}, out.data());
        // a batch-1, two-channel, 1x1 mask is averaged, resized and broadcast: 0.5 blends
        Tensor image = Tensor.wrap(new float[] {2, 2, 2, 2, 4, 4, 4, 4}, 2, 1, 2, 2);
        Tensor half = ImagePyramid.applyMask(image, Tensor.wrap(new float[] {0, 1}, 1, 2, 1, 1), 0);
        assertArrayEquals(new float[] {1, 1, 1, 1, 2, 2, 2, 2}, half.data());
    }

    @Test
    void tv33TokensArePooledImageTimesMaskDensityLevelByLevel() {
        PyramidTokens p = ImagePyramid.tokenize(
                image1234(),
                Tensor.wrap(new float[] {1, 0, 0, 0}, 1, 1, 2, 2),
                List.of(new ImagePyramidLevel(1, 1), new ImagePyramidLevel(2, 2)),
                0);
        assertEquals(List.of(0, 1, 5), p.levelStarts());
        assertArrayEquals(new float[] {0.25f, 1, 0, 0, 0}, p.weights().data(), TOLERANCE);
        assertArrayEquals(new float[] {0.625f, 1, 0, 0, 0}, p.tokens().data(), TOLERANCE);
        assertArrayEquals(new int[] {1, 5, 1}, p.tokens().shape());
        assertArrayEquals(new int[] {1, 5, 1}, p.weights().shape());
        List<PyramidLevelMask> masks = ImagePyramid.levelMasks(
                Tensor.wrap(new float[] {1, 0, 0, 0}, 1, 1, 2, 2), 2, 2, List.of(new ImagePyramidLevel(1, 1)), 0.25f);
        assertArrayEquals(new float[] {0}, masks.get(0).active().data(), "the threshold is strict");
    }

    @Test
    void tv34SparsifyKeepsTheHeaviestTokensHeaviestFirst() {
        PyramidTokens p = ImagePyramid.tokenize(
                image1234(),
                Tensor.wrap(new float[] {0.1f, 0.9f, 0.2f, 0.7f}, 1, 1, 2, 2),
                List.of(new ImagePyramidLevel(2, 2)),
                0);
        SparsePyramidTokens s = ImagePyramid.sparsify(p, 2);
        assertArrayEquals(new float[] {0.9f, 0.7f}, s.weights().data(), TOLERANCE);
        assertArrayEquals(new int[] {1, 3}, s.indices()[0]);
        assertArrayEquals(new float[] {1.8f, 2.8f}, s.tokens().data(), TOLERANCE);
        assertEquals(4, ImagePyramid.sparsify(p, 99).indices()[0].length, "k is clamped to N");
        assertEquals(1, ImagePyramid.sparsify(p, 0).indices()[0].length, "and to at least 1");
    }

    @Test
    void badShapesAreRefusedNamingTheProblem() {
        assertMessage(
                "mask batch must be 1 or match",
                () -> ImagePyramid.applyMask(Tensor.zeros(3, 1, 2, 2), Tensor.zeros(2, 1, 2, 2), 0));
        assertMessage(
                "at least one level", () -> ImagePyramid.tokenize(image1234(), Tensor.zeros(1, 1, 2, 2), List.of(), 0));
        assertMessage("at least one fixation trace", () -> ImagePyramid.frameMasks(List.of(), 2, 2));
        assertMessage("mask dimensions", () -> ImagePyramid.fixationMask(1, 0, 2, List.of()));
        assertMessage("level dimensions", () -> new ImagePyramidLevel(0, 2));
    }

    private static void assertMessage(String part, Executable call) {
        String message = assertThrows(IllegalArgumentException.class, call).getMessage();
        assertTrue(message.contains(part), "message '" + message + "' should contain '" + part + "'");
    }
}
