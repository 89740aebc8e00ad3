package io.autogaze4j.model.preprocess;

import io.autogaze4j.model.VideoClip;
import io.autogaze4j.weights.PreprocessorConfig;
import java.util.List;

/**
 * The official AutoGaze image processor (spec section 2.2), bit-exact: Pillow bilinear resize of the
 * 8-bit frame (shortest edge to {@code shortest_edge}, long edge floored), then {@code x / 127.5 - 1}
 * and ImageNet mean / std, channels first. Driven by a {@link PreprocessorConfig}; immutable and
 * thread-safe.
 *
 * <pre>{@code
 * ImageProcessor p = ImageProcessor.of(model.preprocessor());
 * VideoClip clip = p.process(frames);          // [1, T, 3, H', W']
 * }</pre>
 */
public final class ImageProcessor {
    private final PreprocessorConfig config;
    private final FrameSize fixedSize;
    private final float[] mean;
    private final float[] std;

    private ImageProcessor(PreprocessorConfig config, FrameSize fixedSize) {
        this.config = config;
        this.fixedSize = fixedSize;
        this.mean = config.mean();
        this.std = config.std();
    }

    /** The processor a checkpoint's {@code preprocessor_config.json} describes. */
    public static ImageProcessor of(PreprocessorConfig config) {
        if (config.doResize() && config.resample() != PreprocessorConfig.PIL_BILINEAR) {
            throw new IllegalArgumentException(
                    "resample filter " + config.resample() + " is not supported (only 2 = PIL bilinear)");
        }
        return new ImageProcessor(config, null);
    }

    /** The official processor settings (shortest edge 224). */
    public static ImageProcessor official() {
        return of(PreprocessorConfig.official());
    }

    /**
     * The same processor resizing every frame to exactly {@code size} instead (the official
     * {@code size={"height": h, "width": w}} form, e.g. 392x392 before {@code target_scales} adaptation).
     */
    public ImageProcessor withOutputSize(FrameSize size) {
        return new ImageProcessor(withResize(true), size);
    }

    /** The same processor keeping the frame size (rescale and normalise only), e.g. before AnyRes tiling. */
    public ImageProcessor withoutResize() {
        return new ImageProcessor(withResize(false), null);
    }

    private PreprocessorConfig withResize(boolean resize) {
        PreprocessorConfig c = config;
        return new PreprocessorConfig(
                resize,
                c.shortestEdge(),
                PreprocessorConfig.PIL_BILINEAR,
                c.doRescale(),
                c.rescaleFactor(),
                c.offset(),
                c.doNormalize(),
                c.mean(),
                c.std());
    }

    /** The settings in use. */
    public PreprocessorConfig config() {
        return config;
    }

    /** The size a {@code source} frame has after processing. */
    public FrameSize outputSize(FrameSize source) {
        if (!config.doResize()) {
            return source;
        }
        if (fixedSize != null) {
            return fixedSize;
        }
        int w = source.width(), h = source.height();
        int shortSide = Math.min(w, h), longSide = Math.max(w, h);
        int newLong = (int) ((double) config.shortestEdge() * longSide / shortSide); // Python int(): truncation
        return w <= h ? new FrameSize(config.shortestEdge(), newLong) : new FrameSize(newLong, config.shortestEdge());
    }

    /**
     * The largest magnitude a processed value can have: the 8-bit range [0, 255] through rescale, offset and
     * normalisation, over all channels (6.48 for the official settings). Zero, the tiling padding, is always within it.
     */
    public double maxMagnitude() {
        double most = 0;
        for (int c = 0; c < 3; c++) {
            for (double x : new double[] {0, 255}) {
                double v = config.doRescale() ? x * config.rescaleFactor() : x;
                v = config.offset() ? v - 1 : v;
                v = config.doNormalize() ? (v - mean[c]) / std[c] : v;
                most = Math.max(most, Math.abs(v));
            }
        }
        return most;
    }

    /** Resizes only (the 8-bit image the normalisation starts from). */
    public RgbFrame resize(RgbFrame frame) {
        FrameSize out = outputSize(new FrameSize(frame.width(), frame.height()));
        return PillowBilinear.resize(frame, out.width(), out.height());
    }

    /** One processed frame {@code [3, H', W']}, channels first. */
    public float[] process(RgbFrame frame) {
        RgbFrame resized = resize(frame);
        float[] out = new float[3 * resized.width() * resized.height()];
        normalise(resized, out, 0);
        return out;
    }

    /** Frames of one size as a one-row clip {@code [1, T, 3, H', W']}. */
    public VideoClip process(List<RgbFrame> frames) {
        if (frames.isEmpty()) {
            throw new IllegalArgumentException("no frames to process: a clip needs at least one");
        }
        RgbFrame first = frames.get(0);
        FrameSize out = outputSize(new FrameSize(first.width(), first.height()));
        int per = 3 * out.width() * out.height();
        if ((long) per * frames.size() > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException(frames.size() + " processed frames of " + out + " do not fit one clip");
        }
        float[] data = new float[per * frames.size()];
        for (int t = 0; t < frames.size(); t++) {
            RgbFrame f = frames.get(t);
            if (f.width() != first.width() || f.height() != first.height()) {
                throw new IllegalArgumentException(
                        "frame " + t + " is " + f.width() + "x" + f.height() + " but frame 0 is " + first.width() + "x"
                                + first.height() + ": a clip needs frames of one size");
            }
            normalise(resize(f), data, t * per);
        }
        return VideoClip.of(data, 1, frames.size(), out.height(), out.width());
    }

    /** Rescale, offset and normalise in the official float32 order, HWC to CHW. */
    private void normalise(RgbFrame frame, float[] out, int offset) {
        byte[] px = frame.pixels();
        int plane = frame.width() * frame.height();
        for (int i = 0; i < plane; i++) {
            for (int c = 0; c < 3; c++) {
                float x = px[3 * i + c] & 0xFF;
                if (config.doRescale()) {
                    x = (float) (x * config.rescaleFactor());
                }
                if (config.offset()) {
                    x = x - 1f;
                }
                if (config.doNormalize()) {
                    x = (x - mean[c]) / std[c];
                }
                out[offset + c * plane + i] = x;
            }
        }
    }

    @Override
    public String toString() {
        return "ImageProcessor["
                + (!config.doResize()
                        ? "no resize"
                        : fixedSize != null ? "size " + fixedSize : "shortest edge " + config.shortestEdge())
                + "]";
    }
}
