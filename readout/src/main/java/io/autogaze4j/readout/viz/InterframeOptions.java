package io.autogaze4j.readout.viz;

/**
 * Settings of an {@link InterframeCanvas}.
 *
 * @param keyframePeriod every {@code k}-th update (0, k, 2k, ...) is a keyframe that refreshes the whole canvas;
 *                       0 = no keyframes (the canvas starts transparent and only gazed cells ever fill it)
 * @param mode           what happens outside the gazed cells
 * @param blendWeight    in {@link InterframeMode#FULL_BLEND}, the current frame's weight outside the gazed cells,
 *                       in {@code [0, 1]} (applied as {@link Argb#blend} at {@code round(weight * 255)}); unused otherwise
 */
public record InterframeOptions(int keyframePeriod, InterframeMode mode, double blendWeight) {

    public InterframeOptions {
        if (keyframePeriod < 0) {
            throw new IllegalArgumentException("keyframe period must be >= 0 (0 = none), got " + keyframePeriod);
        }
        if (mode == null) {
            throw new IllegalArgumentException("mode must be given");
        }
        Argb.weight255(blendWeight);
    }

    /** Sparse updates without keyframes. */
    public static InterframeOptions sparse() {
        return new InterframeOptions(0, InterframeMode.SPARSE, 0);
    }

    /** Sparse updates with a keyframe every {@code period} frames (0 = none). */
    public static InterframeOptions sparse(int period) {
        return new InterframeOptions(period, InterframeMode.SPARSE, 0);
    }

    /** Whether update number {@code index} (counted from 0) is a keyframe. */
    public boolean isKeyframe(int index) {
        return keyframePeriod > 0 && index % keyframePeriod == 0;
    }
}
