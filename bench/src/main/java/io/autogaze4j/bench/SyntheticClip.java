package io.autogaze4j.bench;

import io.autogaze4j.model.VideoClip;
import java.util.SplittableRandom;

/** Deterministic standard-normal clips (already "normalised" model input), the benchmarks' workload. */
public final class SyntheticClip {
    private SyntheticClip() {}

    /** A {@code [batch, frames, 3, size, size]} clip of N(0, 1) values from {@code seed}. */
    public static VideoClip normal(int batch, int frames, int size, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        long values = (long) batch * frames * 3 * size * size;
        if (values > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException(
                    "a clip of " + batch + " rows x " + frames + " frames x 3x" + size + "x" + size + " holds " + values
                            + " values, more than one Java array takes (use fewer rows or frames per call)");
        }
        float[] data = new float[(int) values];
        for (int i = 0; i < data.length; i += 2) {
            // Box-Muller, two values per draw
            double u = 1 - r.nextDouble(), v = r.nextDouble();
            double m = Math.sqrt(-2 * Math.log(u));
            data[i] = (float) (m * Math.cos(2 * Math.PI * v));
            if (i + 1 < data.length) {
                data[i + 1] = (float) (m * Math.sin(2 * Math.PI * v));
            }
        }
        return VideoClip.of(data, batch, frames, size, size);
    }
}
