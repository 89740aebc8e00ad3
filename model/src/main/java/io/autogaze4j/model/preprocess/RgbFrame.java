package io.autogaze4j.model.preprocess;

/**
 * One 8-bit RGB picture, pixels interleaved {@code R, G, B} row by row (the layout Pillow and PyAV's
 * {@code rgb24} use). Immutable: the pixel array is copied in and out.
 */
public final class RgbFrame {
    /** Largest accepted side, in pixels (beyond 16K video). */
    public static final int MAX_SIDE = 16_384;
    /** Largest accepted pixel count (64 Mi pixels, e.g. 8192 x 8192). */
    public static final long MAX_PIXELS = 1L << 26;

    private final int width;
    private final int height;
    private final byte[] rgb;

    private RgbFrame(int width, int height, byte[] rgb) {
        this.width = width;
        this.height = height;
        this.rgb = rgb;
    }

    /** Wraps a copy of {@code rgb}, {@code width * height * 3} bytes laid out {@code [height, width, 3]}. */
    public static RgbFrame of(int width, int height, byte[] rgb) {
        checkSize(width, height);
        if (rgb.length != width * height * 3) {
            throw new IllegalArgumentException("an RGB frame of " + width + "x" + height + " needs "
                    + width * height * 3 + " bytes, got " + rgb.length);
        }
        return new RgbFrame(width, height, rgb.clone());
    }

    /** From packed RGBA bytes ({@code [height, width, 4]}); alpha is dropped, as the official processor does. */
    public static RgbFrame fromRgba(int width, int height, byte[] rgba) {
        return fromRgba(width, height, rgba, 0);
    }

    /** From the RGBA frame starting at byte {@code offset} of a buffer that may hold several frames. */
    public static RgbFrame fromRgba(int width, int height, byte[] rgba, int offset) {
        checkSize(width, height);
        int n = width * height;
        if (offset < 0 || (long) offset + 4L * n > rgba.length) {
            throw new IllegalArgumentException("an RGBA frame of " + width + "x" + height + " at offset " + offset
                    + " needs " + 4L * n + " bytes, the buffer has " + rgba.length);
        }
        byte[] rgb = new byte[n * 3];
        for (int i = 0; i < n; i++) {
            rgb[3 * i] = rgba[offset + 4 * i];
            rgb[3 * i + 1] = rgba[offset + 4 * i + 1];
            rgb[3 * i + 2] = rgba[offset + 4 * i + 2];
        }
        return new RgbFrame(width, height, rgb);
    }

    /** From {@code 0xAARRGGBB} ints, one per pixel row-major (the {@code BufferedImage.getRGB} layout). */
    public static RgbFrame fromArgb(int width, int height, int[] argb) {
        checkSize(width, height);
        if (argb.length != width * height) {
            throw new IllegalArgumentException("an ARGB frame of " + width + "x" + height + " needs " + width * height
                    + " ints, got " + argb.length);
        }
        byte[] rgb = new byte[argb.length * 3];
        for (int i = 0; i < argb.length; i++) {
            rgb[3 * i] = (byte) (argb[i] >> 16);
            rgb[3 * i + 1] = (byte) (argb[i] >> 8);
            rgb[3 * i + 2] = (byte) argb[i];
        }
        return new RgbFrame(width, height, rgb);
    }

    /** Throws unless {@code width x height} is a usable frame size (positive, within the limits). */
    public static void checkSize(int width, int height) {
        if (width < 1 || height < 1) {
            throw new IllegalArgumentException(
                    "frame size " + width + "x" + height + " is empty: both sides must be positive");
        }
        if (width > MAX_SIDE || height > MAX_SIDE || (long) width * height > MAX_PIXELS) {
            throw new IllegalArgumentException("frame size " + width + "x" + height + " is too large: at most "
                    + MAX_SIDE + " px a side and " + MAX_PIXELS + " pixels");
        }
    }

    public int width() {
        return width;
    }

    public int height() {
        return height;
    }

    /** A copy of the pixels, {@code [height, width, 3]}. */
    public byte[] rgb() {
        return rgb.clone();
    }

    /** Channel {@code c} (0 = R) of pixel {@code (x, y)}, 0..255. */
    public int sample(int x, int y, int c) {
        return rgb[(y * width + x) * 3 + c] & 0xFF;
    }

    /** The pixels without a copy, for this package's kernels (never written). */
    byte[] pixels() {
        return rgb;
    }

    /** Wraps an array this package made (no copy). */
    static RgbFrame wrap(int width, int height, byte[] rgb) {
        return new RgbFrame(width, height, rgb);
    }

    @Override
    public String toString() {
        return "RgbFrame[" + width + "x" + height + "]";
    }
}
