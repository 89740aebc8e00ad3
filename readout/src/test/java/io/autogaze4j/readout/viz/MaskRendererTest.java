package io.autogaze4j.readout.viz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.autogaze4j.model.tiling.PixelRect;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class MaskRendererTest {
    private static final ScalePalette P = ScalePalette.DEFAULT;
    private static final int BG = MaskRenderer.DEFAULT_BACKGROUND;

    @Test
    void everyPixelOfACellHasExactlyTheScaleColourOnFramesThatSplitPixels() {
        // 100 x 70: 7x7 and 14x14 cell edges fall inside pixels; the pixel rule floors starts and ceils ends
        for (int scale = 0; scale < 4; scale++) {
            int g = VizTestData.LAYOUT.grid(scale);
            List<MaskCell> one = VizTestData.cells(new int[] {scale, g / 2, g - 1});
            ArgbImage img = MaskRenderer.of(MaskStyle.OVERLAY).render(one, 100, 70);
            PixelRect r = one.get(0).pixelRect(100, 70);
            Set<Integer> seen = new HashSet<>();
            for (int y = 0; y < 70; y++) {
                for (int x = 0; x < 100; x++) {
                    boolean inside = x >= r.x0() && x < r.x1() && y >= r.y0() && y < r.y1();
                    assertEquals(
                            inside ? P.colour(scale) : BG,
                            img.get(x, y),
                            "scale " + scale + " pixel (" + x + ", " + y + ")");
                    seen.add(img.get(x, y));
                }
            }
            assertEquals(Set.of(P.colour(scale), BG), seen, "no intermediate colours");
        }
    }

    @Test
    void cellBoundariesOnThe224FrameAreTheSixteenPixelGrid() {
        ArgbImage img = MaskRenderer.of(MaskStyle.MASK_ONLY).render(VizTestData.cells(new int[] {3, 3, 5}), 224, 224);
        for (int y = 40; y < 72; y++) {
            for (int x = 72; x < 104; x++) {
                boolean inside = x >= 80 && x < 96 && y >= 48 && y < 64;
                assertEquals(inside ? P.colour(3) : Argb.TRANSPARENT, img.get(x, y), "(" + x + ", " + y + ")");
            }
        }
    }

    @Test
    void overlapsTakeTheFinestScaleAndStylesAgreeOnTheFootprint() {
        List<MaskCell> cells =
                VizTestData.cells(new int[] {0, 0, 0}, new int[] {2, 1, 1}, new int[] {3, 9, 9}, new int[] {1, 3, 0});
        int w = 90;
        int h = 61;
        ArgbImage frame = VizTestData.gradient(w, h);
        int[] expect = finestScaleByBruteForce(cells, w, h);
        MaskRenderer r = MaskRenderer.of(MaskStyle.OVERLAY);
        ArgbImage overlay = r.render(cells, frame);
        ArgbImage maskOnly = r.withStyle(MaskStyle.MASK_ONLY).render(cells, frame);
        ArgbImage onImage = r.withStyle(MaskStyle.IMAGE_OVERLAY).render(cells, frame);
        int a = Argb.weight255(MaskRenderer.DEFAULT_ALPHA);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int s = expect[y * w + x];
                String at = "(" + x + ", " + y + ")";
                assertEquals(s < 0 ? BG : P.colour(s), overlay.get(x, y), "overlay " + at);
                assertEquals(s < 0 ? Argb.TRANSPARENT : P.colour(s), maskOnly.get(x, y), "mask only " + at);
                assertEquals(
                        s < 0 ? frame.get(x, y) : Argb.blend(frame.get(x, y), P.colour(s), a),
                        onImage.get(x, y),
                        "image overlay " + at);
            }
        }
    }

    @Test
    void imageOverlayBlendIsTheDocumentedIntegerRule() {
        // 0x10 under 0xF0 at weight 128/255: (16*127 + 240*128 + 127) / 255 = 128 (integer division)
        assertEquals(0x80, Argb.blend(0x10, 0xF0, 128) & 0xFF);
        assertEquals(0xFF102030, Argb.blend(0xFF102030, 0xFFFFFFFF, 0));
        assertEquals(0xFFFFFFFF, Argb.blend(0xFF102030, 0xFFFFFFFF, 255));
    }

    @Test
    void scaleRowsDrawOnePanelPerScale() {
        List<MaskCell> cells = VizTestData.cells(new int[] {0, 1, 1}, new int[] {3, 0, 0});
        ArgbImage img = MaskRenderer.of(MaskStyle.SCALE_ROWS).render(cells, 28, 28);
        assertEquals(28, img.width());
        assertEquals(4 * 28, img.height());
        for (int s = 0; s < 4; s++) {
            for (int y = 0; y < 28; y++) {
                for (int x = 0; x < 28; x++) {
                    boolean inside = s == 0 ? x >= 14 && y >= 14 : s == 3 && x < 2 && y < 2;
                    assertEquals(
                            inside ? P.colour(s) : BG,
                            img.get(x, s * 28 + y),
                            "panel " + s + " (" + x + ", " + y + ")");
                }
            }
        }
    }

    @Test
    void refusesCellsBeyondItsScalesAndFramelessImageOverlay() {
        MaskRenderer two = new MaskRenderer(MaskStyle.OVERLAY, P, 2, 0.5, BG);
        assertThrows(IllegalArgumentException.class, () -> two.render(VizTestData.cells(new int[] {3, 0, 0}), 10, 10));
        assertThrows(
                IllegalStateException.class,
                () -> MaskRenderer.of(MaskStyle.IMAGE_OVERLAY).render(List.of(), 10, 10));
        assertThrows(IllegalArgumentException.class, () -> new MaskRenderer(MaskStyle.OVERLAY, P, 4, 1.5, BG));
    }

    /** Independent reference: per pixel, test every cell's half-open pixel box. */
    private static int[] finestScaleByBruteForce(List<MaskCell> cells, int w, int h) {
        int[] out = new int[w * h];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int best = -1;
                for (MaskCell c : cells) {
                    int x0 = (int) Math.floor(c.rect().x0() * w);
                    int x1 = Math.max(
                            x0 + 1, Math.min(w, (int) Math.ceil(c.rect().x1() * w)));
                    int y0 = (int) Math.floor(c.rect().y0() * h);
                    int y1 = Math.max(
                            y0 + 1, Math.min(h, (int) Math.ceil(c.rect().y1() * h)));
                    if (x >= x0 && x < x1 && y >= y0 && y < y1) {
                        best = Math.max(best, c.scale());
                    }
                }
                out[y * w + x] = best;
            }
        }
        return out;
    }
}
