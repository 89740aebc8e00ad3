package io.autogaze4j.readout.viz;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.metadata.IIOInvalidTreeException;
import javax.imageio.metadata.IIOMetadata;
import javax.imageio.metadata.IIOMetadataNode;
import javax.imageio.stream.ImageOutputStream;

/**
 * Writes an animated GIF frame by frame with the JDK's GIF writer: every frame carries a graphic control
 * extension (its delay, disposal "none"), the first one the NETSCAPE2.0 loop extension. Transparent pixels are
 * composited over a background first (GIF frames are written opaque); the JDK quantises each frame to its own
 * 256-colour palette. Frames must all have the first frame's size.
 */
public final class AnimatedGifWriter implements AutoCloseable {
    private static final String FORMAT = "javax_imageio_gif_image_1.0";

    private final ImageOutputStream out;
    private final ImageWriter writer;
    private final int delayCentis;
    private final int loops;
    private final int background;
    private int frames;
    private int width;
    private int height;

    private AnimatedGifWriter(ImageOutputStream out, ImageWriter writer, int delayCentis, int loops, int background) {
        this.out = out;
        this.writer = writer;
        this.delayCentis = delayCentis;
        this.loops = loops;
        this.background = background;
    }

    /**
     * Opens {@code file} for writing (replacing it).
     *
     * @param delayMillis time each frame is shown, rounded to GIF's 10 ms units (at least 10 ms)
     * @param loops       times the animation repeats after the first play; 0 = forever
     * @param background  opaque colour under transparent pixels
     */
    public static AnimatedGifWriter open(Path file, int delayMillis, int loops, int background) throws IOException {
        if (delayMillis < 0 || delayMillis > 655_350) {
            throw new IllegalArgumentException("GIF frame delay must be 0..655350 ms, got " + delayMillis);
        }
        if (loops < 0 || loops > 0xFFFF) {
            throw new IllegalArgumentException("GIF loop count must be 0..65535, got " + loops);
        }
        Iterator<ImageWriter> writers = ImageIO.getImageWritersByFormatName("gif");
        if (!writers.hasNext()) {
            throw new IllegalStateException("this Java runtime has no GIF writer");
        }
        Files.deleteIfExists(file);
        ImageOutputStream out = ImageIO.createImageOutputStream(file.toFile());
        if (out == null) {
            throw new IOException("cannot open " + file + " for writing");
        }
        ImageWriter writer = writers.next();
        writer.setOutput(out);
        writer.prepareWriteSequence(null);
        return new AnimatedGifWriter(
                out, writer, Math.max(1, Math.round(delayMillis / 10f)), loops, background | 0xFF000000);
    }

    /** Appends a frame. */
    public void add(ArgbImage frame) throws IOException {
        if (frames == 0) {
            width = frame.width();
            height = frame.height();
        } else if (frame.width() != width || frame.height() != height) {
            throw new IllegalArgumentException("GIF frame " + frames + " is " + frame.width() + "x" + frame.height()
                    + ", the first was " + width + "x" + height);
        }
        BufferedImage rgb = opaque(frame);
        ImageWriteParam param = writer.getDefaultWriteParam();
        IIOMetadata meta = writer.getDefaultImageMetadata(ImageTypeSpecifier.createFromRenderedImage(rgb), param);
        meta.mergeTree(FORMAT, frameTree(frames == 0));
        writer.writeToSequence(new IIOImage(rgb, null, meta), param);
        frames++;
    }

    /** Frames written so far. */
    public int frames() {
        return frames;
    }

    /** Finishes the file (it needs at least one frame to be a valid GIF). */
    @Override
    public void close() throws IOException {
        try {
            writer.endWriteSequence();
        } finally {
            writer.dispose();
            out.close();
        }
    }

    private BufferedImage opaque(ArgbImage frame) {
        int[] src = frame.pixels();
        int[] dst = new int[src.length];
        for (int i = 0; i < src.length; i++) {
            dst[i] = Argb.over(background, src[i]);
        }
        BufferedImage img = new BufferedImage(frame.width(), frame.height(), BufferedImage.TYPE_INT_RGB);
        img.setRGB(0, 0, frame.width(), frame.height(), dst, 0, frame.width());
        return img;
    }

    private IIOMetadataNode frameTree(boolean first) throws IIOInvalidTreeException {
        IIOMetadataNode root = new IIOMetadataNode(FORMAT);
        IIOMetadataNode control = new IIOMetadataNode("GraphicControlExtension");
        control.setAttribute("disposalMethod", "none");
        control.setAttribute("userInputFlag", "FALSE");
        control.setAttribute("transparentColorFlag", "FALSE");
        control.setAttribute("delayTime", Integer.toString(delayCentis));
        control.setAttribute("transparentColorIndex", "0");
        root.appendChild(control);
        if (first) {
            IIOMetadataNode apps = new IIOMetadataNode("ApplicationExtensions");
            IIOMetadataNode app = new IIOMetadataNode("ApplicationExtension");
            app.setAttribute("applicationID", "NETSCAPE");
            app.setAttribute("authenticationCode", "2.0");
            app.setUserObject(new byte[] {1, (byte) (loops & 0xFF), (byte) (loops >> 8 & 0xFF)});
            apps.appendChild(app);
            root.appendChild(apps);
        }
        return root;
    }
}
