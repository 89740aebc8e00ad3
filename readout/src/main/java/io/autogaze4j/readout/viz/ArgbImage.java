package io.autogaze4j.readout.viz;

import io.autogaze4j.model.preprocess.RgbFrame;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferInt;

/**
 * A picture as packed {@code 0xAARRGGBB} ints, row-major: the working format of this package. Immutable
 * from the outside: pixels are copied in and out; package code reads the array directly.
 */
public final class ArgbImage {
    private final int width;
    private final int height;
    private final int[] pixels;

    private ArgbImage(int width, int height, int[] pixels) {
        this.width = width;
        this.height = height;
        this.pixels = pixels;
    }

    /** A copy of {@code argb}, {@code width * height} pixels row-major. */
    public static ArgbImage of(int width, int height, int[] argb) {
        RgbFrame.checkSize(width, height);
        if (argb.length != width * height) {
            throw new IllegalArgumentException(
                    "an image of " + width + "x" + height + " needs " + width * height + " pixels, got " + argb.length);
        }
        return new ArgbImage(width, height, argb.clone());
    }

    /** The pixels of any {@link BufferedImage} (converted to ARGB the way {@code getRGB} does). */
    public static ArgbImage of(BufferedImage image) {
        RgbFrame.checkSize(image.getWidth(), image.getHeight());
        int w = image.getWidth();
        int h = image.getHeight();
        return new ArgbImage(w, h, image.getRGB(0, 0, w, h, null, 0, w));
    }

    /** An opaque image of an 8-bit RGB frame. */
    public static ArgbImage of(RgbFrame frame) {
        byte[] rgb = frame.rgb();
        int[] argb = new int[frame.width() * frame.height()];
        for (int i = 0; i < argb.length; i++) {
            argb[i] = Argb.opaque(rgb[3 * i], rgb[3 * i + 1], rgb[3 * i + 2]);
        }
        return new ArgbImage(frame.width(), frame.height(), argb);
    }

    /** An image of one colour. */
    public static ArgbImage filled(int width, int height, int argb) {
        RgbFrame.checkSize(width, height);
        int[] p = new int[width * height];
        java.util.Arrays.fill(p, argb);
        return new ArgbImage(width, height, p);
    }

    /** Wraps an array this package made (no copy; the caller gives it up). */
    static ArgbImage wrap(int width, int height, int[] pixels) {
        return new ArgbImage(width, height, pixels);
    }

    public int width() {
        return width;
    }

    public int height() {
        return height;
    }

    /** Number of pixels. */
    public int size() {
        return pixels.length;
    }

    /** Pixel {@code (x, y)}. */
    public int get(int x, int y) {
        if (x < 0 || y < 0 || x >= width || y >= height) {
            throw new IndexOutOfBoundsException("pixel (" + x + ", " + y + ") outside " + width + "x" + height);
        }
        return pixels[y * width + x];
    }

    /** A copy of the pixels. */
    public int[] argb() {
        return pixels.clone();
    }

    /** The pixels without a copy, for this package (never written). */
    int[] pixels() {
        return pixels;
    }

    /** A new {@code TYPE_INT_ARGB} image holding these pixels. */
    public BufferedImage toBufferedImage() {
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_ARGB);
        int[] dst = ((DataBufferInt) img.getRaster().getDataBuffer()).getData();
        System.arraycopy(pixels, 0, dst, 0, pixels.length);
        return img;
    }

    /** Throws unless {@code other} has this image's size. */
    void requireSameSize(ArgbImage other, String what) {
        if (other.width != width || other.height != height) {
            throw new IllegalArgumentException(
                    what + " is " + other.width + "x" + other.height + ", expected " + width + "x" + height);
        }
    }

    @Override
    public String toString() {
        return "ArgbImage[" + width + "x" + height + "]";
    }
}
