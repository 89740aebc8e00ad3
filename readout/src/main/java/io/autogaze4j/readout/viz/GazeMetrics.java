package io.autogaze4j.readout.viz;

import java.util.ArrayList;
import java.util.List;

/**
 * Collects {@link FrameMetrics} frame by frame and summarises them as {@link RunMetrics}. Exponential moving
 * averages start at the first value and then follow {@code ema = alpha * x + (1 - alpha) * ema}. Not thread-safe.
 */
public final class GazeMetrics {
    /** Default EMA smoothing factor. */
    public static final double DEFAULT_EMA_ALPHA = 0.1;

    private static final double PEAK_SQUARED = 255.0 * 255.0;

    private final double alpha;
    private final List<FrameMetrics> frames = new ArrayList<>();

    /** Metrics with the default EMA factor. */
    public GazeMetrics() {
        this(DEFAULT_EMA_ALPHA);
    }

    /** Metrics with EMA factor {@code alpha} in {@code (0, 1]} (1 = no smoothing). */
    public GazeMetrics(double alpha) {
        if (!(alpha > 0 && alpha <= 1)) {
            throw new IllegalArgumentException("EMA factor must be in (0, 1], got " + alpha);
        }
        this.alpha = alpha;
    }

    /** Records a frame from its interframe update and the true frame the output is compared with. */
    public FrameMetrics add(int frame, InterframeUpdate update, ArgbImage truth) {
        return add(
                frame,
                update.keyframe(),
                truth.size(),
                update.gazedPixels(),
                update.updatedPixels(),
                mse(update.output(), truth));
    }

    /** Records a frame from its counts and the MSE of its interframe output. */
    public FrameMetrics add(
            int frame, boolean keyframe, long framePixels, long gazedPixels, long updatedPixels, double mse) {
        if (framePixels < 1
                || gazedPixels < 0
                || gazedPixels > framePixels
                || updatedPixels < 0
                || updatedPixels > framePixels) {
            throw new IllegalArgumentException(
                    "pixel counts must satisfy 0 <= gazed, updated <= frame pixels >= 1, got gazed " + gazedPixels
                            + ", updated " + updatedPixels + " of " + framePixels);
        }
        if (!(mse >= 0) || Double.isInfinite(mse)) {
            throw new IllegalArgumentException("MSE must be finite and >= 0, got " + mse);
        }
        double gaze = (double) gazedPixels / framePixels;
        double update = (double) updatedPixels / framePixels;
        FrameMetrics prev = frames.isEmpty() ? null : frames.get(frames.size() - 1);
        double emaGaze = prev == null ? gaze : ema(prev.emaGazeRatio(), gaze);
        double emaUpdate = prev == null ? update : ema(prev.emaUpdateRatio(), update);
        double emaMse = prev == null ? mse : ema(prev.emaMse(), mse);
        FrameMetrics m = new FrameMetrics(
                frame,
                keyframe,
                framePixels,
                gazedPixels,
                updatedPixels,
                gaze,
                update,
                mse,
                psnr(mse),
                emaGaze,
                emaUpdate,
                emaMse,
                psnr(emaMse));
        frames.add(m);
        return m;
    }

    /** The run so far. */
    public RunMetrics summary() {
        int n = frames.size();
        double gaze = 0;
        double update = 0;
        double mse = 0;
        double minPsnr = n == 0 ? Double.NaN : Double.POSITIVE_INFINITY;
        int keyframes = 0;
        for (FrameMetrics f : frames) {
            gaze += f.gazeRatio();
            update += f.updateRatio();
            mse += f.mse();
            minPsnr = Math.min(minPsnr, f.psnr());
            keyframes += f.keyframe() ? 1 : 0;
        }
        double meanMse = mse / n;
        return new RunMetrics(
                alpha, keyframes, gaze / n, update / n, meanMse, n == 0 ? Double.NaN : psnr(meanMse), minPsnr, frames);
    }

    /** Mean squared difference of the R, G and B channels of two same-sized images (alpha ignored). */
    public static double mse(ArgbImage output, ArgbImage truth) {
        truth.requireSameSize(output, "interframe output");
        int[] a = output.pixels();
        int[] b = truth.pixels();
        long sum = 0;
        for (int i = 0; i < a.length; i++) {
            for (int shift = 0; shift < 24; shift += 8) {
                int d = (a[i] >>> shift & 0xFF) - (b[i] >>> shift & 0xFF);
                sum += d * d;
            }
        }
        return (double) sum / (3.0 * a.length);
    }

    /** {@code 10 log10(255^2 / mse)} dB; {@code +Infinity} for {@code mse = 0}. */
    public static double psnr(double mse) {
        return mse == 0 ? Double.POSITIVE_INFINITY : 10 * Math.log10(PEAK_SQUARED / mse);
    }

    private double ema(double previous, double x) {
        return alpha * x + (1 - alpha) * previous;
    }
}
