package io.autogaze4j.readout.viz;

import java.util.List;
import java.util.Locale;

/**
 * Metrics of a whole run: per-frame values and their summary (definitions in docs/visualization.md).
 * Means are {@code NaN} for a run of no frames.
 *
 * @param emaAlpha        the EMA smoothing factor used
 * @param keyframes       number of keyframes
 * @param meanGazeRatio   mean of the per-frame gaze ratios
 * @param meanUpdateRatio mean of the per-frame update ratios
 * @param meanMse         mean of the per-frame MSEs
 * @param psnr            PSNR of {@code meanMse} (the run's PSNR over all its pixels)
 * @param minPsnr         lowest per-frame PSNR
 * @param frames          the per-frame metrics, in order
 */
public record RunMetrics(
        double emaAlpha,
        int keyframes,
        double meanGazeRatio,
        double meanUpdateRatio,
        double meanMse,
        double psnr,
        double minPsnr,
        List<FrameMetrics> frames) {

    public RunMetrics {
        frames = List.copyOf(frames);
    }

    /** Number of frames. */
    public int frameCount() {
        return frames.size();
    }

    /** The last frame's metrics (its EMAs are the run's final ones); throws for an empty run. */
    public FrameMetrics last() {
        if (frames.isEmpty()) {
            throw new IllegalStateException("the run has no frames");
        }
        return frames.get(frames.size() - 1);
    }

    /** One line for a command-line summary, e.g. {@code 16 frames (1 keyframe): gaze ratio 12.3% (EMA 10.1%), ...}. */
    public String summaryLine() {
        if (frames.isEmpty()) {
            return "0 frames";
        }
        FrameMetrics l = last();
        return String.format(
                Locale.ROOT,
                "%d frames (%d keyframe%s): gaze ratio %.1f%% (EMA %.1f%%), update ratio %.1f%% (EMA %.1f%%), "
                        + "PSNR %s (min %s, EMA %s)",
                frameCount(),
                keyframes,
                keyframes == 1 ? "" : "s",
                100 * meanGazeRatio,
                100 * l.emaGazeRatio(),
                100 * meanUpdateRatio,
                100 * l.emaUpdateRatio(),
                db(psnr),
                db(minPsnr),
                db(l.emaPsnr()));
    }

    /** A PSNR for people: {@code "27.41 dB"}, or {@code "inf dB"} for identical pictures. */
    static String db(double psnr) {
        return Double.isInfinite(psnr) ? "inf dB" : String.format(Locale.ROOT, "%.2f dB", psnr);
    }
}
