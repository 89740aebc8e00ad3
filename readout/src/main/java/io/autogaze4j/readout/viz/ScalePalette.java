package io.autogaze4j.readout.viz;

import java.util.List;

/**
 * One opaque colour per scale ({@code 0xAARRGGBB}). Scales beyond the list reuse it cyclically.
 *
 * @param colours colour of scale 0, 1, ...
 */
public record ScalePalette(List<Integer> colours) {
    /** Red (2x2), orange (4x4), green (7x7), blue (14x14), then purple and cyan for extra scales. */
    public static final ScalePalette DEFAULT =
            new ScalePalette(List.of(0xFFE6194B, 0xFFF58231, 0xFF3CB44B, 0xFF4363D8, 0xFF911EB4, 0xFF42D4F4));

    public ScalePalette {
        colours = List.copyOf(colours);
        if (colours.isEmpty()) {
            throw new IllegalArgumentException("a palette needs at least one colour");
        }
        for (int c : colours) {
            if (c >>> 24 != 0xFF) {
                throw new IllegalArgumentException(String.format("palette colours must be opaque, got 0x%08X", c));
            }
        }
    }

    /** The colour of scale {@code scale}. */
    public int colour(int scale) {
        return colours.get(scale % colours.size());
    }

    /** The colour of a scale as CSS {@code #rrggbb}. */
    public String css(int scale) {
        return String.format("#%06x", colour(scale) & 0xFFFFFF);
    }
}
