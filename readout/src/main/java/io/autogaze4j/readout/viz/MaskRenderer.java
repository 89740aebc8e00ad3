package io.autogaze4j.readout.viz;

import io.autogaze4j.model.tiling.PixelRect;
import java.util.Arrays;
import java.util.List;

/**
 * Draws cells crisply: every cell fills its pixel rectangle ({@link MaskCell#pixelRect}) with nearest
 * sampling, so every pixel is exactly a palette colour, the background, or (image overlay) one blend of a
 * frame pixel with one palette colour. Where cells overlap, the finest scale's colour wins.
 *
 * @param style        what to draw
 * @param palette      colour per scale
 * @param scaleCount   number of scales ({@link MaskStyle#SCALE_ROWS} draws one panel per scale); cells of a
 *                     scale {@code >= scaleCount} are an error
 * @param overlayAlpha weight of the scale colour in {@link MaskStyle#IMAGE_OVERLAY}, in {@code [0, 1]}
 *                     (blended with {@link Argb#blend} at {@code round(alpha * 255)})
 * @param background   opaque colour behind the cells in {@link MaskStyle#OVERLAY} and {@link MaskStyle#SCALE_ROWS}
 */
public record MaskRenderer(MaskStyle style, ScalePalette palette, int scaleCount, double overlayAlpha, int background) {
    /** The official model's scale count (2x2, 4x4, 7x7, 14x14). */
    public static final int OFFICIAL_SCALES = 4;
    /** Default background: dark grey. */
    public static final int DEFAULT_BACKGROUND = 0xFF202020;
    /** Default overlay weight. */
    public static final double DEFAULT_ALPHA = 0.5;

    public MaskRenderer {
        if (style == null || palette == null) {
            throw new IllegalArgumentException("style and palette must be given");
        }
        if (scaleCount < 1) {
            throw new IllegalArgumentException("scale count must be >= 1, got " + scaleCount);
        }
        Argb.weight255(overlayAlpha);
        if (background >>> 24 != 0xFF) {
            throw new IllegalArgumentException(String.format("background must be opaque, got 0x%08X", background));
        }
    }

    /** A renderer of {@code style} with the default palette, the official four scales, alpha 0.5 and a dark background. */
    public static MaskRenderer of(MaskStyle style) {
        return new MaskRenderer(style, ScalePalette.DEFAULT, OFFICIAL_SCALES, DEFAULT_ALPHA, DEFAULT_BACKGROUND);
    }

    /** This renderer with another style. */
    public MaskRenderer withStyle(MaskStyle s) {
        return new MaskRenderer(s, palette, scaleCount, overlayAlpha, background);
    }

    /**
     * The cells of one frame drawn over / beside {@code frame} (its pixels are used by
     * {@link MaskStyle#IMAGE_OVERLAY}, its size by every style). The result is {@code W x H}, or
     * {@code W x (H * scaleCount)} for {@link MaskStyle#SCALE_ROWS}.
     */
    public ArgbImage render(List<MaskCell> cells, ArgbImage frame) {
        int w = frame.width();
        int h = frame.height();
        return switch (style) {
            case SCALE_ROWS -> scaleRows(cells, w, h);
            case OVERLAY, MASK_ONLY -> {
                int[] winner = finestScale(cells, w, h, -1);
                int[] out = new int[w * h];
                int empty = style == MaskStyle.OVERLAY ? background : Argb.TRANSPARENT;
                for (int i = 0; i < out.length; i++) {
                    out[i] = winner[i] < 0 ? empty : palette.colour(winner[i]);
                }
                yield ArgbImage.wrap(w, h, out);
            }
            case IMAGE_OVERLAY -> {
                int[] winner = finestScale(cells, w, h, -1);
                int[] src = frame.pixels();
                int[] out = new int[w * h];
                int a = Argb.weight255(overlayAlpha);
                for (int i = 0; i < out.length; i++) {
                    out[i] = winner[i] < 0 ? src[i] : Argb.blend(src[i], palette.colour(winner[i]), a);
                }
                yield ArgbImage.wrap(w, h, out);
            }
        };
    }

    /** Like {@link #render(List, ArgbImage)} for styles that need only the frame's size (not {@link MaskStyle#IMAGE_OVERLAY}). */
    public ArgbImage render(List<MaskCell> cells, int width, int height) {
        if (style == MaskStyle.IMAGE_OVERLAY) {
            throw new IllegalStateException("the image overlay style needs the frame's pixels");
        }
        return render(cells, ArgbImage.filled(width, height, Argb.TRANSPARENT));
    }

    private ArgbImage scaleRows(List<MaskCell> cells, int w, int h) {
        int[] out = new int[w * h * scaleCount];
        Arrays.fill(out, background);
        for (int s = 0; s < scaleCount; s++) {
            int scale = s;
            int[] winner =
                    finestScale(cells.stream().filter(c -> c.scale() == scale).toList(), w, h, -1);
            for (int i = 0; i < winner.length; i++) {
                if (winner[i] >= 0) {
                    out[s * w * h + i] = palette.colour(s);
                }
            }
        }
        return ArgbImage.wrap(w, h * scaleCount, out);
    }

    /** Per pixel, the finest scale among the cells covering it, or {@code none}. */
    private int[] finestScale(List<MaskCell> cells, int w, int h, int none) {
        int[] winner = new int[w * h];
        Arrays.fill(winner, none);
        for (MaskCell c : cells) {
            if (c.scale() >= scaleCount) {
                throw new IllegalArgumentException(
                        "cell of scale " + c.scale() + " but the renderer draws " + scaleCount + " scales");
            }
            PixelRect r = c.pixelRect(w, h);
            for (int y = r.y0(); y < r.y1(); y++) {
                for (int x = r.x0(); x < r.x1(); x++) {
                    winner[y * w + x] = Math.max(winner[y * w + x], c.scale());
                }
            }
        }
        return winner;
    }
}
