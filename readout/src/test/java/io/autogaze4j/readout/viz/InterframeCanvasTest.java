package io.autogaze4j.readout.viz;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.autogaze4j.tensor.RectCompositor;
import java.util.List;
import org.junit.jupiter.api.Test;

class InterframeCanvasTest {
    private static final int A = 0xFF112233;
    private static final int B = 0xFF445566;
    private static final int C = 0xFF778899;

    @Test
    void onlyGazedPixelsTakeTheFrameTheRestKeepThePreviousCanvas() {
        InterframeCanvas canvas = new InterframeCanvas(8, 8, InterframeOptions.sparse());
        // frame 0 gazes the left half (two 2x2 cells), frame 1 only the top-right quarter
        InterframeUpdate u0 =
                canvas.update(ArgbImage.filled(8, 8, A), VizTestData.cells(new int[] {0, 0, 0}, new int[] {0, 1, 0}));
        InterframeUpdate u1 = canvas.update(ArgbImage.filled(8, 8, B), VizTestData.cells(new int[] {0, 0, 1}));
        for (int y = 0; y < 8; y++) {
            for (int x = 0; x < 8; x++) {
                assertEquals(
                        x < 4 ? A : Argb.TRANSPARENT, u0.output().get(x, y), "after frame 0 (" + x + ", " + y + ")");
                int expect = x < 4 ? A : y < 4 ? B : Argb.TRANSPARENT;
                assertEquals(expect, u1.output().get(x, y), "after frame 1 (" + x + ", " + y + ")");
            }
        }
        assertFalse(u0.keyframe());
        assertEquals(32, u0.gazedPixels());
        assertEquals(32, u0.updatedPixels());
        assertEquals(16, u1.updatedPixels());
    }

    @Test
    void keyframesRefreshEverythingOnTheirPeriod() {
        InterframeCanvas canvas = new InterframeCanvas(8, 8, InterframeOptions.sparse(2));
        int[] colours = {A, B, C};
        InterframeUpdate[] u = new InterframeUpdate[3];
        for (int t = 0; t < 3; t++) {
            u[t] = canvas.update(ArgbImage.filled(8, 8, colours[t]), VizTestData.cells(new int[] {3, 0, 0}));
        }
        assertTrue(u[0].keyframe());
        assertFalse(u[1].keyframe());
        assertTrue(u[2].keyframe());
        assertEquals(64, u[0].updatedPixels());
        assertEquals(1, u[0].gazedPixels()); // the 14x14 cell is one pixel of an 8x8 frame (ceil of 8/14)
        assertEquals(1, u[1].updatedPixels());
        assertArrayEquals(ArgbImage.filled(8, 8, C).argb(), u[2].output().argb());
        assertEquals(B, u[1].output().get(0, 0));
        assertEquals(A, u[1].output().get(1, 0));
    }

    @Test
    void updatedPixelsAreTheUnionOfThePixelRectangles() {
        InterframeCanvas canvas = new InterframeCanvas(10, 10, InterframeOptions.sparse());
        // 7x7 cells on a 10 px frame: col 1 is pixels 1..2 (floor 1.43, ceil 2.86), col 2 is 2..4; they share pixel 2
        InterframeUpdate u = canvas.update(
                VizTestData.gradient(10, 10), VizTestData.cells(new int[] {2, 0, 1}, new int[] {2, 0, 2}));
        assertEquals(4 * 2, u.gazedPixels()); // columns 1..4, rows 0..1
        ArgbImage frame = VizTestData.gradient(10, 10);
        for (int x = 0; x < 10; x++) {
            assertEquals(
                    x >= 1 && x <= 4 ? frame.get(x, 1) : Argb.TRANSPARENT,
                    u.output().get(x, 1),
                    "x " + x);
            assertEquals(Argb.TRANSPARENT, u.output().get(x, 2), "row 2 stays untouched");
        }
    }

    @Test
    void fullBlendMovesTheRestTowardsTheFrame() {
        InterframeOptions opts = new InterframeOptions(3, InterframeMode.FULL_BLEND, 0.25);
        InterframeCanvas canvas = new InterframeCanvas(4, 4, opts);
        canvas.update(ArgbImage.filled(4, 4, A), List.of()); // keyframe
        InterframeUpdate u = canvas.update(ArgbImage.filled(4, 4, B), VizTestData.cells(new int[] {0, 0, 0}));
        int w = Argb.weight255(opts.blendWeight());
        assertEquals(B, u.output().get(0, 0));
        assertEquals(Argb.blend(A, B, w), u.output().get(3, 3));
        assertEquals(4, u.updatedPixels());
    }

    @Test
    void aPluggedCompositorHoldsTheCanvas() {
        int[] updates = {0};
        RectCompositor cpu = RectCompositor.cpu(8, 8);
        RectCompositor counting = new RectCompositor() {
            public int width() {
                return cpu.width();
            }

            public int height() {
                return cpu.height();
            }

            public void keyFrame(int[] frame) {
                cpu.keyFrame(frame);
            }

            public void update(int[] frame, int[] rects) {
                updates[0]++;
                cpu.update(frame, rects);
            }

            public int[] canvas() {
                return cpu.canvas();
            }

            public void close() {
                cpu.close();
            }
        };
        try (InterframeCanvas canvas = new InterframeCanvas(InterframeOptions.sparse(), counting)) {
            canvas.update(ArgbImage.filled(8, 8, A), VizTestData.cells(new int[] {0, 0, 0}));
            canvas.update(ArgbImage.filled(8, 8, B), VizTestData.cells(new int[] {0, 1, 1}));
            assertEquals(2, updates[0]); // sparse() has no keyframes: both frames go through update
            assertEquals(A, canvas.canvas().get(0, 0));
            assertEquals(B, canvas.canvas().get(7, 7));
        }
    }
}
