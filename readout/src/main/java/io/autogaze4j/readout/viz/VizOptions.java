package io.autogaze4j.readout.viz;

/**
 * Settings of a visualisation run. Build with {@link #builder()}; {@link #defaults()} draws image overlays of
 * the native cells, sparse interframe updates without keyframes, EMA factor 0.1, 100 ms GIF frames, and
 * writes PNGs, the GIF and the HTML report.
 *
 * @param renderer       how masks are drawn (style, palette, scales, overlay alpha)
 * @param geometry       which cells are drawn, composited and measured
 * @param interframe     keyframe period and interframe mode
 * @param emaAlpha       EMA smoothing factor of the metrics, in {@code (0, 1]}
 * @param gifDelayMillis time each GIF frame is shown
 * @param writePngs      write per-frame PNGs (panels, masks, interframe outputs)
 * @param writeGif       write the animated GIF
 * @param writeHtml      write the HTML report
 * @param title          title of the HTML report
 */
public record VizOptions(
        MaskRenderer renderer,
        GeometryMode geometry,
        InterframeOptions interframe,
        double emaAlpha,
        int gifDelayMillis,
        boolean writePngs,
        boolean writeGif,
        boolean writeHtml,
        String title) {

    public VizOptions {
        if (renderer == null || geometry == null || interframe == null || title == null) {
            throw new IllegalArgumentException("renderer, geometry, interframe options and title must be given");
        }
        if (!(emaAlpha > 0 && emaAlpha <= 1)) {
            throw new IllegalArgumentException("EMA factor must be in (0, 1], got " + emaAlpha);
        }
        if (gifDelayMillis < 10 || gifDelayMillis > 655_350) {
            throw new IllegalArgumentException("GIF frame delay must be 10..655350 ms, got " + gifDelayMillis);
        }
    }

    /** The defaults listed above. */
    public static VizOptions defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Builder of {@link VizOptions}; starts at the defaults. */
    public static final class Builder {
        private MaskRenderer renderer = MaskRenderer.of(MaskStyle.IMAGE_OVERLAY);
        private GeometryMode geometry = GeometryMode.NATIVE;
        private InterframeOptions interframe = InterframeOptions.sparse();
        private double emaAlpha = GazeMetrics.DEFAULT_EMA_ALPHA;
        private int gifDelayMillis = 100;
        private boolean writePngs = true;
        private boolean writeGif = true;
        private boolean writeHtml = true;
        private String title = "autogaze4j gaze report";

        private Builder() {}

        /** Mask style, keeping the renderer's other settings. */
        public Builder style(MaskStyle style) {
            this.renderer = renderer.withStyle(style);
            return this;
        }

        public Builder renderer(MaskRenderer renderer) {
            this.renderer = renderer;
            return this;
        }

        public Builder geometry(GeometryMode geometry) {
            this.geometry = geometry;
            return this;
        }

        public Builder interframe(InterframeOptions interframe) {
            this.interframe = interframe;
            return this;
        }

        public Builder emaAlpha(double emaAlpha) {
            this.emaAlpha = emaAlpha;
            return this;
        }

        public Builder gifDelayMillis(int gifDelayMillis) {
            this.gifDelayMillis = gifDelayMillis;
            return this;
        }

        public Builder writePngs(boolean writePngs) {
            this.writePngs = writePngs;
            return this;
        }

        public Builder writeGif(boolean writeGif) {
            this.writeGif = writeGif;
            return this;
        }

        public Builder writeHtml(boolean writeHtml) {
            this.writeHtml = writeHtml;
            return this;
        }

        public Builder title(String title) {
            this.title = title;
            return this;
        }

        public VizOptions build() {
            return new VizOptions(
                    renderer, geometry, interframe, emaAlpha, gifDelayMillis, writePngs, writeGif, writeHtml, title);
        }
    }
}
