package io.autogaze4j.readout.viz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.metadata.IIOMetadataNode;
import javax.imageio.stream.ImageInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Node;

class AnimatedGifWriterTest {
    private static final int[] COLOURS = {0xFFFF0000, 0xFF00FF00, 0xFF0000FF, 0xFFFFFF00, 0xFF00FFFF};

    @Test
    void writesEveryFrameAtItsSizeWithDelayAndLoop(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("a.gif");
        try (AnimatedGifWriter gif = AnimatedGifWriter.open(file, 120, 0, 0xFF000000)) {
            for (int c : COLOURS) {
                gif.add(ArgbImage.filled(30, 20, c));
            }
            assertEquals(5, gif.frames());
            assertThrows(IllegalArgumentException.class, () -> gif.add(ArgbImage.filled(31, 20, 0xFF000000)));
        }
        ImageReader reader = ImageIO.getImageReadersByFormatName("gif").next();
        try (ImageInputStream in = ImageIO.createImageInputStream(file.toFile())) {
            reader.setInput(in);
            assertEquals(5, reader.getNumImages(true));
            for (int i = 0; i < 5; i++) {
                BufferedImage img = reader.read(i);
                assertEquals(30, img.getWidth());
                assertEquals(20, img.getHeight());
                assertEquals(COLOURS[i], img.getRGB(17, 9), "frame " + i);
                IIOMetadataNode root =
                        (IIOMetadataNode) reader.getImageMetadata(i).getAsTree("javax_imageio_gif_image_1.0");
                IIOMetadataNode control = (IIOMetadataNode)
                        root.getElementsByTagName("GraphicControlExtension").item(0);
                assertEquals("12", control.getAttribute("delayTime"));
                if (i == 0) {
                    Node app = root.getElementsByTagName("ApplicationExtension").item(0);
                    assertEquals("NETSCAPE", ((IIOMetadataNode) app).getAttribute("applicationID"));
                }
            }
        } finally {
            reader.dispose();
        }
    }

    @Test
    void transparentPixelsAreCompositedOverTheBackground(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("t.gif");
        try (AnimatedGifWriter gif = AnimatedGifWriter.open(file, 100, 1, 0xFF336699)) {
            gif.add(ArgbImage.filled(4, 4, Argb.TRANSPARENT));
        }
        BufferedImage img = ImageIO.read(file.toFile());
        assertTrue((img.getRGB(0, 0) & 0xFFFFFF) == 0x336699, Integer.toHexString(img.getRGB(0, 0)));
    }
}
