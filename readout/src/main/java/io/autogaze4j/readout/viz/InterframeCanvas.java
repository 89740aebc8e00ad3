package io.autogaze4j.readout.viz;

import java.util.List;

/**
 * The interframe output: a running RGBA canvas that starts fully transparent and, frame by frame, takes the
 * current frame's pixels inside the gazed cells only (all pixels on keyframes). It shows what a sparse
 * downstream model that reads only gazed cells has seen. Not thread-safe; one canvas per video.
 */
public final class InterframeCanvas {
    private final int width;
    private final int height;
    private final InterframeOptions options;
    private final RectCompositor compositor;
    private final int[] canvas;
    private int updates;

    /** A canvas composited on the CPU. */
    public InterframeCanvas(int width, int height, InterframeOptions options) {
        this(width, height, options, new CpuRectCompositor());
    }

    /** A canvas composited by {@code compositor} (which the caller keeps and closes). */
    public InterframeCanvas(int width, int height, InterframeOptions options, RectCompositor compositor) {
        io.autogaze4j.model.preprocess.RgbFrame.checkSize(width, height);
        if (options == null || compositor == null) {
            throw new IllegalArgumentException("options and compositor must be given");
        }
        this.width = width;
        this.height = height;
        this.options = options;
        this.compositor = compositor;
        this.canvas = new int[width * height];
    }

    /**
     * Applies the next frame and its gazed cells and returns the canvas after the update. On a keyframe
     * every pixel is refreshed; otherwise the pixels inside the cells' pixel rectangles, and in
     * {@link InterframeMode#FULL_BLEND} the others are blended towards the frame.
     */
    public InterframeUpdate update(ArgbImage frame, List<MaskCell> cells) {
        if (frame.width() != width || frame.height() != height) {
            throw new IllegalArgumentException("frame is " + frame.width() + "x" + frame.height() + ", the canvas " + width + "x" + height);
        }
        int index = updates++;
        boolean keyframe = options.isKeyframe(index);
        int[] gazedRects = PixelCoverage.rects(cells, width, height);
        long gazed = PixelCoverage.of(gazedRects, width, height).count();
        int[] rects = keyframe ? PixelCoverage.wholeFrame(width, height) : gazedRects;
        int outside = options.mode() == InterframeMode.FULL_BLEND ? Argb.weight255(options.blendWeight()) : 0;
        compositor.compose(canvas, frame.pixels(), width, height, rects, outside);
        long updated = keyframe ? (long) width * height : gazed;
        return new InterframeUpdate(index, keyframe, gazed, updated, ArgbImage.of(width, height, canvas));
    }

    /** The canvas now (a copy). */
    public ArgbImage canvas() {
        return ArgbImage.of(width, height, canvas);
    }

    /** Updates applied so far. */
    public int updates() {
        return updates;
    }

    public InterframeOptions options() {
        return options;
    }
}
