package io.autogaze4j.readout;

import io.autogaze4j.model.GazeResult;
import java.util.ArrayList;
import java.util.List;

/**
 * One-call adapters from a trace or a model result to what a downstream sparse model consumes. Each is
 * a shorthand for building a {@link SparseProjection}; results use the confidences the model recorded
 * and are untiled (use {@link SparseProjection} directly for tiles or other confidences).
 */
public final class Readout {
    private Readout() {
    }

    /** The kept, scaled rectangles of every frame of a trace, in trace order. */
    public static List<List<NormRect>> rects(GazeTrace trace, ReadoutOptions options) {
        List<List<NormRect>> out = new ArrayList<>(trace.frameCount());
        for (FrameTrace f : trace.frames()) {
            out.add(options.rects(f.fixations()));
        }
        return out;
    }

    /** The kept, scaled rectangles of every frame of batch row {@code row} of a result. */
    public static List<List<NormRect>> rects(GazeResult result, int row, ReadoutOptions options) {
        return rects(GazeTraces.of(result).get(row), options);
    }

    /** Image-grid tokens of every frame of a trace: {@code [frame][selected tokens]}. */
    public static int[][] imageTokens(GazeTrace trace, SparseReadoutGrid grid, ReadoutOptions options) {
        ImageReadout r = SparseProjection.image(grid, options).imageReadout(List.of(trace));
        int[][] out = new int[trace.frameCount()][];
        for (int t = 0; t < out.length; t++) {
            out[t] = r.tokens(0, t);
        }
        return out;
    }

    /** Image-grid tokens of every row and frame of a result. */
    public static ImageReadout imageTokens(GazeResult result, SparseReadoutGrid grid, ReadoutOptions options) {
        return SparseProjection.image(grid, options).imageReadout(result, ConfidenceSource.of(result), List.of());
    }

    /** Video-token ids of a trace. */
    public static int[] videoTokens(GazeTrace trace, SparseVideoPatchGeometry geometry, ReadoutOptions options) {
        return SparseProjection.video(geometry, options).videoTokens(trace);
    }

    /** Video-token ids of every row of a result. */
    public static VideoReadout videoTokens(GazeResult result, SparseVideoPatchGeometry geometry, ReadoutOptions options) {
        return SparseProjection.video(geometry, options).videoReadout(result, ConfidenceSource.of(result), List.of());
    }

    /** Video-token coordinates {@code (temporal, row, col)} of a trace. */
    public static List<VideoTokenCoord> videoCoords(GazeTrace trace, SparseVideoPatchGeometry geometry, ReadoutOptions options) {
        return SparseProjection.video(geometry, options).videoReadout(List.of(trace)).coords(0);
    }

    /** Video-token coordinates of every row of a result, as a padded {@code [batch, length, 4]} int tensor. */
    public static VideoCoordTensor videoCoords(GazeResult result, SparseVideoPatchGeometry geometry, ReadoutOptions options) {
        return videoTokens(result, geometry, options).coordTensor();
    }
}
