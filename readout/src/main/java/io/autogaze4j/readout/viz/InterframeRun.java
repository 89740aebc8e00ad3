package io.autogaze4j.readout.viz;

import io.autogaze4j.readout.GazeTrace;
import io.autogaze4j.tensor.RectCompositor;
import java.util.List;
import java.util.function.BiFunction;

/**
 * Frame-by-frame evaluation without any file output: each frame's cells (in the chosen geometry) update an
 * {@link InterframeCanvas}, and the update is measured by {@link GazeMetrics}. {@link VisualizationWriter}
 * draws on top of it; use it alone to get metrics (e.g. for trace.json) when no pictures are wanted.
 */
public final class InterframeRun implements AutoCloseable {
    private final GeometryMode geometry;
    private final InterframeOptions interframeOptions;
    private final BiFunction<Integer, Integer, RectCompositor> compositors;
    private final GazeMetrics metrics;
    private InterframeCanvas canvas;

    /** A run composited on the CPU. */
    public InterframeRun(GeometryMode geometry, InterframeOptions interframe, double emaAlpha) {
        this(geometry, interframe, emaAlpha, RectCompositor::cpu);
    }

    /**
     * A run whose canvas comes from {@code compositors} (width, height), e.g.
     * {@code backend::compositor}; it is created at the first frame.
     */
    public InterframeRun(
            GeometryMode geometry,
            InterframeOptions interframe,
            double emaAlpha,
            BiFunction<Integer, Integer, RectCompositor> compositors) {
        if (geometry == null || interframe == null || compositors == null) {
            throw new IllegalArgumentException("geometry, interframe options and compositor factory must be given");
        }
        this.geometry = geometry;
        this.interframeOptions = interframe;
        this.compositors = compositors;
        this.metrics = new GazeMetrics(emaAlpha);
    }

    /**
     * The metrics of a whole clip: frame {@code i} of {@code frames} goes with frame {@code i} of the trace.
     * Frames must all have one size (the one the trace's rectangles are laid on).
     */
    public static RunMetrics measure(
            List<ArgbImage> frames,
            GazeTrace trace,
            GeometryMode geometry,
            InterframeOptions interframe,
            double emaAlpha) {
        requireSameLength(frames.size(), trace);
        try (InterframeRun run = new InterframeRun(geometry, interframe, emaAlpha)) {
            for (int i = 0; i < frames.size(); i++) {
                run.add(frames.get(i), trace, i);
            }
            return run.summary();
        }
    }

    /** Adds frame {@code i} of a trace with its picture. */
    public Step add(ArgbImage frame, GazeTrace trace, int i) {
        return add(frame, MaskGeometry.cells(trace, i, geometry), trace.frame(i).frame());
    }

    /** Adds a frame with cells already in the wanted geometry; {@code frameIndex} labels its metrics. */
    public Step add(ArgbImage frame, List<MaskCell> cells, int frameIndex) {
        if (canvas == null) {
            io.autogaze4j.model.preprocess.RgbFrame.checkSize(frame.width(), frame.height());
            canvas = new InterframeCanvas(interframeOptions, compositors.apply(frame.width(), frame.height()));
        }
        InterframeUpdate update = canvas.update(frame, cells);
        return new Step(cells, update, metrics.add(frameIndex, update, frame));
    }

    /** The metrics so far. */
    public RunMetrics summary() {
        return metrics.summary();
    }

    public GeometryMode geometry() {
        return geometry;
    }

    /** Releases the canvas (device memory when an OpenCL compositor holds it). */
    @Override
    public void close() {
        if (canvas != null) {
            canvas.close();
        }
    }

    static void requireSameLength(int frames, GazeTrace trace) {
        if (frames != trace.frameCount()) {
            throw new IllegalArgumentException(
                    frames + " frame pictures were given for a trace of " + trace.frameCount() + " frames");
        }
    }

    /**
     * One evaluated frame.
     *
     * @param cells   the cells drawn and composited
     * @param update  the interframe update (with the canvas after it)
     * @param metrics the frame's metrics
     */
    public record Step(List<MaskCell> cells, InterframeUpdate update, FrameMetrics metrics) {}
}
