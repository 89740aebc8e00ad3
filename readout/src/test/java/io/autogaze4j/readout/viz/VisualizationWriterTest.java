package io.autogaze4j.readout.viz;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.autogaze4j.model.preprocess.RgbFrame;
import io.autogaze4j.readout.GazeTrace;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VisualizationWriterTest {

    @Test
    void writesPngsGifAndReportAndReturnsTheMetrics(@TempDir Path dir) throws Exception {
        List<ArgbImage> frames = new ArrayList<>();
        for (int t = 0; t < 6; t++) {
            frames.add(VizTestData.square(112, 8 + 8 * t, 40, 12));
        }
        GazeTrace trace = DifferenceMaskSource.official().trace(frames);
        VizOptions options = VizOptions.builder()
                .geometry(GeometryMode.DEDUPLICATED)
                .interframe(InterframeOptions.sparse(4))
                .build();
        VizResult result = VisualizationWriter.write(dir, frames, trace, options);

        assertEquals(18, result.pngs().size());
        BufferedImage panel = ImageIO.read(dir.resolve("panel_00002.png").toFile());
        assertEquals(3 * 112 + 2 * 4, panel.getWidth());
        assertEquals(112, panel.getHeight());
        assertEquals(frames.get(2).get(50, 45), panel.getRGB(50, 45), "the left panel is the input");
        ArgbImage interframe =
                ArgbImage.of(ImageIO.read(dir.resolve("interframe_00005.png").toFile()));
        RunMetrics expect = InterframeRun.measure(
                frames, trace, GeometryMode.DEDUPLICATED, InterframeOptions.sparse(4), GazeMetrics.DEFAULT_EMA_ALPHA);
        assertEquals(expect, result.metrics());
        assertEquals(2, result.metrics().keyframes());
        assertEquals(
                GazeMetrics.mse(interframe, frames.get(5)),
                result.metrics().last().mse(),
                1e-12);

        ImageReader reader = ImageIO.getImageReadersByFormatName("gif").next();
        try (ImageInputStream in =
                ImageIO.createImageInputStream(result.gif().orElseThrow().toFile())) {
            reader.setInput(in);
            assertEquals(6, reader.getNumImages(true));
            assertEquals(panel.getWidth(), reader.getWidth(0));
        } finally {
            reader.dispose();
        }
        String html = Files.readString(result.html().orElseThrow());
        assertTrue(html.contains("data:image/gif;base64,R0lGOD"), "the GIF is embedded");
        assertTrue(html.contains("<svg id=\"plot-ratios\""));
        String withoutSvgNamespace = html.replace("xmlns=\"http://www.w3.org/2000/svg\"", "");
        assertTrue(
                !withoutSvgNamespace.contains("http") && !withoutSvgNamespace.contains("src=\"//"),
                "the report loads nothing from the network");
    }

    @Test
    void acceptsRgbFramesAndBufferedImages() {
        byte[] rgb = new byte[5 * 4 * 3];
        for (int i = 0; i < rgb.length; i++) {
            rgb[i] = (byte) (i * 13);
        }
        ArgbImage fromRgb = ArgbImage.of(RgbFrame.of(5, 4, rgb));
        BufferedImage img = new BufferedImage(5, 4, BufferedImage.TYPE_3BYTE_BGR);
        img.setRGB(0, 0, 5, 4, fromRgb.argb(), 0, 5);
        assertArrayEquals(fromRgb.argb(), ArgbImage.of(img).argb());
        assertEquals(Argb.opaque(rgb[3], rgb[4], rgb[5]), fromRgb.get(1, 0));
    }
}
