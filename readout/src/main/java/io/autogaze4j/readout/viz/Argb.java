package io.autogaze4j.readout.viz;

/**
 * Arithmetic on packed {@code 0xAARRGGBB} pixels. The one blend rule of this package lives here so that the
 * renderer, the CPU compositor and any accelerated compositor agree bit for bit.
 */
public final class Argb {
    /** Fully transparent black. */
    public static final int TRANSPARENT = 0;

    private Argb() {}

    /** An opaque pixel from 8-bit channels. */
    public static int opaque(int r, int g, int b) {
        return 0xFF000000 | (r & 0xFF) << 16 | (g & 0xFF) << 8 | (b & 0xFF);
    }

    /** A blend weight in {@code [0, 1]} as the integer weight {@code round(weight * 255)} that {@link #blend} takes. */
    public static int weight255(double weight) {
        if (!(weight >= 0 && weight <= 1)) {
            throw new IllegalArgumentException("blend weight must be in [0, 1], got " + weight);
        }
        return (int) Math.round(weight * 255);
    }

    /**
     * {@code under} blended towards {@code over} with weight {@code w/255}, every channel (alpha included):
     * {@code c = (under * (255 - w) + over * w + 127) / 255}, integer division. {@code w = 0} gives
     * {@code under}, {@code w = 255} gives {@code over}.
     */
    public static int blend(int under, int over, int w) {
        int out = 0;
        for (int shift = 0; shift < 32; shift += 8) {
            int a = under >>> shift & 0xFF;
            int b = over >>> shift & 0xFF;
            out |= ((a * (255 - w) + b * w + 127) / 255) << shift;
        }
        return out;
    }

    /** {@code pixel} composited by its own alpha over an opaque {@code background}; the result is opaque. */
    public static int over(int background, int pixel) {
        return blend(background, pixel, pixel >>> 24) | 0xFF000000;
    }
}
