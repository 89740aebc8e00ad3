package io.autogaze4j.readout.viz;

import io.autogaze4j.tensor.RectCompositor;
import java.util.List;

/**
 * The interframe output: a running RGBA canvas that starts fully transparent and, frame by frame, takes the
 * current frame's pixels inside the gazed cells only (all pixels on keyframes). It shows what a sparse
 * downstream model that reads only gazed cells has seen. The canvas itself lives in a
 * {@link RectCompositor}: on the CPU ({@link RectCompositor#cpu}) or on a backend's device
 * ({@link io.autogaze4j.tensor.Backend#compositor}), which give identical pixels. Not thread-safe; one canvas per video.
 */
public final class InterframeCanvas implements AutoCloseable {
    private final int width;
    private final int height;
    private final InterframeOptions options;
    private final RectCompositor compositor;
    private int updates;

    /** A canvas composited on the CPU. */
    public InterframeCanvas(int width, int height, InterframeOptions options) {
        this(options, RectCompositor.cpu(checked(width, height), height));
    }

    /** A canvas held by {@code compositor} (its size is the canvas size; closing this canvas closes it). */
    public InterframeCanvas(InterframeOptions options, RectCompositor compositor) {
        if (options == null || compositor == null) {
            throw new IllegalArgumentException("options and compositor must be given");
        }
        this.width = compositor.width();
        this.height = compositor.height();
        this.options = options;
        this.compositor = compositor;
    }

    private static int checked(int width, int height) {
        io.autogaze4j.model.preprocess.RgbFrame.checkSize(width, height);
        return width;
    }

    /**
     * Applies the next frame and its gazed cells and returns the canvas after the update. On a keyframe
     * every pixel is refreshed; otherwise the pixels inside the cells' pixel rectangles, and in
     * {@link InterframeMode#FULL_BLEND} the others are blended towards the frame.
     */
    public InterframeUpdate update(ArgbImage frame, List<MaskCell> cells) {
        if (frame.width() != width || frame.height() != height) {
            throw new IllegalArgumentException(
                    "frame is " + frame.width() + "x" + frame.height() + ", the canvas " + width + "x" + height);
        }
        int index = updates++;
        boolean keyframe = options.isKeyframe(index);
        int[] gazedRects = PixelCoverage.rects(cells, width, height);
        long gazed = PixelCoverage.of(gazedRects, width, height).count();
        int[] pixels = frame.pixels();
        if (keyframe) {
            compositor.keyFrame(pixels);
        } else {
            if (options.mode() == InterframeMode.FULL_BLEND) {
                compositor.keyFrame(
                        blendOutside(compositor.canvas(), pixels, gazedRects, Argb.weight255(options.blendWeight())));
            }
            compositor.update(pixels, gazedRects);
        }
        long updated = keyframe ? (long) width * height : gazed;
        return new InterframeUpdate(index, keyframe, gazed, updated, canvas());
    }

    /** Full-blend mode: pixels outside the gazed rectangles move towards the frame by {@code weight}/255. */
    private int[] blendOutside(int[] canvas, int[] frame, int[] rects, int weight) {
        boolean[] inside = PixelCoverage.of(rects, width, height).mask();
        int[] out = canvas.clone();
        for (int i = 0; i < out.length; i++) {
            if (!inside[i]) {
                out[i] = Argb.blend(out[i], frame[i], weight);
            }
        }
        return out;
    }

    /** The canvas now (a copy). */
    public ArgbImage canvas() {
        return ArgbImage.of(width, height, compositor.canvas());
    }

    @Override
    public void close() {
        compositor.close();
    }

    /** Updates applied so far. */
    public int updates() {
        return updates;
    }

    public InterframeOptions options() {
        return options;
    }
}
