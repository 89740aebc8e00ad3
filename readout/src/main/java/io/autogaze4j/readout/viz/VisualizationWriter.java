package io.autogaze4j.readout.viz;

import io.autogaze4j.readout.GazeTrace;
import io.autogaze4j.tensor.RectCompositor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiFunction;
import javax.imageio.ImageIO;

/**
 * Writes the visual artifacts of a run into a folder, frame by frame, and returns its metrics:
 * <ul>
 *   <li>{@code panel_NNNNN.png}: input | mask | interframe output side by side, {@code mask_NNNNN.png},
 *       {@code interframe_NNNNN.png} (the RGBA canvas; never-gazed pixels are transparent), NNNNN being the
 *       trace's frame index;</li>
 *   <li>{@code gaze.gif}: the panels animated;</li>
 *   <li>{@code report.html}: a self-contained {@link HtmlReport} with the metrics plotted and the GIF embedded.</li>
 * </ul>
 * Open it, {@link #add} every frame, then {@link #finish}. Not thread-safe.
 */
public final class VisualizationWriter implements AutoCloseable {
    /** Name of the animated GIF in the output folder. */
    public static final String GIF_NAME = "gaze.gif";
    /** Name of the HTML report in the output folder. */
    public static final String HTML_NAME = "report.html";

    private static final int GAP = 4;

    private final Path dir;
    private final VizOptions options;
    private final InterframeRun run;
    private final List<Path> pngs = new ArrayList<>();
    private AnimatedGifWriter gif;
    private ArgbImage lastPanel;
    private int width;
    private int height;
    private VizResult result;

    private VisualizationWriter(
            Path dir, VizOptions options, BiFunction<Integer, Integer, RectCompositor> compositors) {
        this.dir = dir;
        this.options = options;
        this.run = new InterframeRun(options.geometry(), options.interframe(), options.emaAlpha(), compositors);
    }

    /** Opens (creating it if needed) an output folder; compositing runs on the CPU. */
    public static VisualizationWriter open(Path dir, VizOptions options) throws IOException {
        return open(dir, options, RectCompositor::cpu);
    }

    /** Opens an output folder whose interframe canvas comes from {@code compositors} (width, height). */
    public static VisualizationWriter open(
            Path dir, VizOptions options, BiFunction<Integer, Integer, RectCompositor> compositors) throws IOException {
        Files.createDirectories(dir);
        return new VisualizationWriter(dir, options, compositors);
    }

    /**
     * The one call: writes every artifact of a clip and returns what was written. Frame {@code i} of
     * {@code frames} goes with frame {@code i} of the trace.
     */
    public static VizResult write(Path dir, List<ArgbImage> frames, GazeTrace trace, VizOptions options)
            throws IOException {
        InterframeRun.requireSameLength(frames.size(), trace);
        try (VisualizationWriter w = open(dir, options)) {
            for (int i = 0; i < frames.size(); i++) {
                w.add(frames.get(i), trace, i);
            }
            return w.finish();
        }
    }

    /** Adds frame {@code i} of a trace with its picture. */
    public FrameMetrics add(ArgbImage frame, GazeTrace trace, int i) throws IOException {
        return add(
                frame,
                MaskGeometry.cells(trace, i, options.geometry()),
                trace.frame(i).frame());
    }

    /** Adds a frame with cells already in the wanted geometry; {@code frameIndex} names its files. */
    public FrameMetrics add(ArgbImage frame, List<MaskCell> cells, int frameIndex) throws IOException {
        if (result != null) {
            throw new IllegalStateException("the visualisation is finished");
        }
        InterframeRun.Step step = run.add(frame, cells, frameIndex);
        width = frame.width();
        height = frame.height();
        ArgbImage mask = options.renderer().render(step.cells(), frame);
        ArgbImage output = step.update().output();
        ArgbImage panel = Panels.sideBySide(
                List.of(frame, mask, output), GAP, options.renderer().background());
        if (options.writePngs()) {
            String n = String.format(Locale.ROOT, "%05d", frameIndex);
            png(panel, "panel_" + n + ".png");
            png(mask, "mask_" + n + ".png");
            png(output, "interframe_" + n + ".png");
        }
        if (options.writeGif()) {
            if (gif == null) {
                gif = AnimatedGifWriter.open(
                        dir.resolve(GIF_NAME),
                        options.gifDelayMillis(),
                        0,
                        options.renderer().background());
            }
            gif.add(panel);
        }
        lastPanel = panel;
        return step.metrics();
    }

    /** Closes the GIF, writes the HTML report and returns the result; later calls return the same result. */
    public VizResult finish() throws IOException {
        if (result != null) {
            return result;
        }
        RunMetrics metrics = run.summary();
        run.close();
        Optional<Path> gifFile = Optional.empty();
        if (gif != null) {
            gif.close();
            gifFile = Optional.of(dir.resolve(GIF_NAME));
        }
        Optional<Path> htmlFile = Optional.empty();
        if (options.writeHtml()) {
            List<ReportImage> images = new ArrayList<>();
            if (gifFile.isPresent()) {
                images.add(new ReportImage(
                        "input | mask | interframe output, all frames",
                        "image/gif",
                        Files.readAllBytes(gifFile.get())));
            } else if (lastPanel != null) {
                images.add(new ReportImage(
                        "input | mask | interframe output, last frame", "image/png", encodePng(lastPanel)));
            }
            MaskRenderer r = options.renderer();
            HtmlReport report =
                    new HtmlReport(options.title(), metrics, settings(), r.palette(), r.scaleCount(), images);
            htmlFile = Optional.of(dir.resolve(HTML_NAME));
            report.write(htmlFile.get());
        }
        result = new VizResult(metrics, pngs, gifFile, htmlFile);
        return result;
    }

    /** Finishes the run if {@link #finish} was not called. */
    @Override
    public void close() throws IOException {
        finish();
    }

    private Map<String, String> settings() {
        Map<String, String> s = new LinkedHashMap<>();
        s.put("frame size", width + " x " + height);
        s.put("mask style", options.renderer().style().name());
        s.put("geometry", options.geometry().name());
        InterframeOptions io = options.interframe();
        s.put(
                "interframe mode",
                io.mode() + (io.mode() == InterframeMode.FULL_BLEND ? " (weight " + io.blendWeight() + ")" : ""));
        s.put("keyframe period", io.keyframePeriod() == 0 ? "none" : Integer.toString(io.keyframePeriod()));
        s.put("EMA alpha", Double.toString(options.emaAlpha()));
        return s;
    }

    private void png(ArgbImage image, String name) throws IOException {
        Path file = dir.resolve(name);
        if (!ImageIO.write(image.toBufferedImage(), "png", file.toFile())) {
            throw new IOException("no PNG writer in this Java runtime");
        }
        pngs.add(file);
    }

    private static byte[] encodePng(ArgbImage image) throws IOException {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        ImageIO.write(image.toBufferedImage(), "png", out);
        return out.toByteArray();
    }
}
