package io.autogaze4j.pipeline;

import io.autogaze4j.readout.viz.GazeMetrics;
import io.autogaze4j.readout.viz.GeometryMode;
import io.autogaze4j.readout.viz.InterframeOptions;

/**
 * Interframe metrics of each frame (gaze ratio, update ratio, PSNR of what a sparse downstream model sees:
 * {@code readout.viz}'s {@code InterframeRun}), computed on the pipeline's finishing thread, off the gazing path, only
 * when asked for. They need the decoded frames, which the pipeline then keeps until the clip is finished.
 *
 * @param geometry   which cells are composited and measured
 * @param interframe the interframe output (keyframe period)
 * @param emaAlpha   smoothing of the running averages
 */
public record MetricsOptions(GeometryMode geometry, InterframeOptions interframe, double emaAlpha) {

    public MetricsOptions {
        if (geometry == null || interframe == null || !(emaAlpha > 0 && emaAlpha <= 1)) {
            throw new IllegalArgumentException(
                    "metrics need a geometry, interframe options and an EMA alpha in (0, 1], got " + emaAlpha);
        }
    }

    /** Native cells, the given keyframe period, the default smoothing. */
    public static MetricsOptions of(GeometryMode geometry, int keyframePeriod) {
        return new MetricsOptions(geometry, InterframeOptions.sparse(keyframePeriod), GazeMetrics.DEFAULT_EMA_ALPHA);
    }
}
