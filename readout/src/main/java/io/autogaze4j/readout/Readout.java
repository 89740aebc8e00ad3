package io.autogaze4j.readout;

import io.autogaze4j.model.GazeResult;
import java.util.ArrayList;
import java.util.List;

/**
 * One-call readout helpers, one per helper of burn_autogaze 0.21.6 (its name in each Javadoc; the mapping is in
 * docs/readout.md). Image stage: fixation points or a trace's/result's frames -> rectangles -> image-grid tokens
 * ({@link ReadoutOptions}). Video stage: per-frame image tokens or rectangles -> clip tokens on a video grid
 * ({@link VideoReadoutOptions}). Coordinates: token ids -> flat {@code [N, 4]} rows ({@link VideoCoords}).
 */
public final class Readout {
    private Readout() {}

    // ---- image stage ----

    /** Rectangles of fixation points, in input order ({@code fixation_points_to_readout_rects}). */
    public static List<NormRect> rects(List<FixationPoint> points, ReadoutOptions options) {
        return options.rects(points);
    }

    /** Distinct tokens of caller-supplied rectangles, dedup then cap ({@code readout_rects_to_tokens}). */
    public static int[] tokens(List<NormRect> rects, SparseReadoutGrid grid, ReadoutOptions options) {
        return options.tokens(rects, grid);
    }

    /** Tokens of fixation points ({@code fixation_points_to_readout_tokens}). */
    public static int[] pointTokens(List<FixationPoint> points, SparseReadoutGrid grid, ReadoutOptions options) {
        return options.tokens(options.rects(points), grid);
    }

    /** Rectangles of every frame of a trace ({@code trace_to_frame_readout_rects}). */
    public static List<List<NormRect>> rects(GazeTrace trace, ReadoutOptions options) {
        List<List<NormRect>> out = new ArrayList<>(trace.frameCount());
        for (FrameTrace f : trace.frames()) {
            out.add(options.fixationRects(f.fixations()));
        }
        return out;
    }

    /** Rectangles of the {@code t}-th frame of a trace ({@code trace_frame_readout_rects}). */
    public static List<NormRect> frameRects(GazeTrace trace, int t, ReadoutOptions options) {
        return options.fixationRects(traceFrame(trace, t));
    }

    /** Image-grid tokens of every frame of a trace, {@code [frame][selected]} ({@code trace_to_frame_readout_tokens}). */
    public static int[][] imageTokens(GazeTrace trace, SparseReadoutGrid grid, ReadoutOptions options) {
        int[][] out = new int[trace.frameCount()][];
        for (int t = 0; t < out.length; t++) {
            out[t] = options.fixationTokens(trace.frame(t).fixations(), grid);
        }
        return out;
    }

    /** Image-grid tokens of the {@code t}-th frame of a trace ({@code trace_frame_readout_tokens}). */
    public static int[] frameImageTokens(GazeTrace trace, int t, SparseReadoutGrid grid, ReadoutOptions options) {
        return options.fixationTokens(traceFrame(trace, t), grid);
    }

    /** Rectangles of every frame of batch row {@code row} of a result ({@code generated_to_frame_readout_rects}). */
    public static List<List<NormRect>> rects(GazeResult result, int row, ReadoutOptions options) {
        checkRow(result, row);
        List<List<NormRect>> out = new ArrayList<>(result.frames());
        for (int t = 0; t < result.frames(); t++) {
            out.add(frameRects(result, row, t, options));
        }
        return out;
    }

    /** Rectangles of frame {@code t} of batch row {@code row} of a result ({@code generated_frame_readout_rects}). */
    public static List<NormRect> frameRects(GazeResult result, int row, int t, ReadoutOptions options) {
        return options.fixationRects(resultFrame(result, row, t));
    }

    /** Image-grid tokens of every frame of batch row {@code row} ({@code generated_to_frame_readout_tokens}). */
    public static int[][] imageTokens(GazeResult result, int row, SparseReadoutGrid grid, ReadoutOptions options) {
        checkRow(result, row);
        int[][] out = new int[result.frames()][];
        for (int t = 0; t < out.length; t++) {
            out[t] = frameImageTokens(result, row, t, grid, options);
        }
        return out;
    }

    /** Image-grid tokens of frame {@code t} of batch row {@code row} ({@code generated_frame_readout_tokens}). */
    public static int[] frameImageTokens(
            GazeResult result, int row, int t, SparseReadoutGrid grid, ReadoutOptions options) {
        return options.fixationTokens(resultFrame(result, row, t), grid);
    }

    /** Image-grid tokens of every row and frame of a result. */
    public static ImageReadout imageTokens(GazeResult result, SparseReadoutGrid grid, ReadoutOptions options) {
        return SparseProjection.image(grid, options).imageReadout(result, ConfidenceSource.of(result), List.of());
    }

    // ---- video stage ----

    /**
     * Clip tokens of per-frame image-grid tokens re-projected onto a video grid ({@code
     * frame_readout_tokens_to_video_tokens}).
     */
    public static int[] videoTokens(
            int[][] frameTokens,
            SparseReadoutGrid imageGrid,
            SparseVideoReadoutGrid videoGrid,
            VideoReadoutOptions options) {
        return options.tokens(frameTokens, imageGrid, videoGrid);
    }

    /** Their coordinates, batch column {@code batch} ({@code frame_readout_tokens_to_video_coords}). */
    public static VideoCoords videoCoords(
            int[][] frameTokens,
            SparseReadoutGrid imageGrid,
            SparseVideoReadoutGrid videoGrid,
            VideoReadoutOptions options,
            int batch) {
        return VideoCoords.of(videoTokens(frameTokens, imageGrid, videoGrid, options), videoGrid, batch);
    }

    /** Clip tokens of per-frame caller rectangles on a video grid ({@code frame_readout_rects_to_video_tokens}). */
    public static int[] rectVideoTokens(
            List<List<NormRect>> frameRects, SparseVideoReadoutGrid videoGrid, VideoReadoutOptions options) {
        return options.tokens(frameRects, videoGrid);
    }

    /** Their coordinates, batch column {@code batch} ({@code frame_readout_rects_to_video_coords}). */
    public static VideoCoords rectVideoCoords(
            List<List<NormRect>> frameRects, SparseVideoReadoutGrid videoGrid, VideoReadoutOptions options, int batch) {
        return VideoCoords.of(rectVideoTokens(frameRects, videoGrid, options), videoGrid, batch);
    }

    /** Clip tokens of a trace through both stages of a projection ({@code trace_to_video_readout_tokens}). */
    public static int[] videoTokens(GazeTrace trace, SparseProjection projection) {
        return projection.videoTokens(trace);
    }

    /** Their coordinates, batch column {@code batch} ({@code trace_to_video_readout_coords}). */
    public static VideoCoords videoCoords(GazeTrace trace, SparseProjection projection, int batch) {
        return VideoCoords.of(
                videoTokens(trace, projection), projection.videoGrid().orElseThrow(), batch);
    }

    /** Clip tokens of batch row {@code row} of a result through both stages ({@code generated_to_video_readout_tokens}). */
    public static int[] videoTokens(GazeResult result, int row, SparseProjection projection) {
        return projection.videoTokens(imageTokens(result, row, projection.imageGrid(), projection.readoutOptions()));
    }

    /** Their coordinates, batch column {@code row} ({@code generated_to_video_readout_coords}). */
    public static VideoCoords videoCoords(GazeResult result, int row, SparseProjection projection) {
        return VideoCoords.of(
                videoTokens(result, row, projection), projection.videoGrid().orElseThrow(), row);
    }

    /** Video-token ids of a trace on a pixel geometry (its frame grid as image grid, its tubelet size). */
    public static int[] videoTokens(GazeTrace trace, SparseVideoPatchGeometry geometry, ReadoutOptions options) {
        return SparseProjection.video(geometry, options).videoTokens(trace);
    }

    /** Video-token ids of every row of a result on a pixel geometry. */
    public static VideoReadout videoTokens(
            GazeResult result, SparseVideoPatchGeometry geometry, ReadoutOptions options) {
        return SparseProjection.video(geometry, options).videoReadout(result, ConfidenceSource.of(result), List.of());
    }

    // ---- coordinates ----

    /** Coordinates of caller token ids, in token order, batch column {@code batch} ({@code video_readout_tokens_to_coords}). */
    public static VideoCoords coords(int[] tokens, SparseVideoReadoutGrid grid, int batch) {
        return VideoCoords.of(tokens, grid, batch);
    }

    /** Coordinates of several rows, batch column = row position ({@code batched_video_readout_tokens_to_coords}). */
    public static VideoCoords batchedCoords(int[][] rows, SparseVideoReadoutGrid grid) {
        return VideoCoords.ofBatch(rows, grid);
    }

    private static List<Fixation> traceFrame(GazeTrace trace, int t) {
        if (t < 0 || t >= trace.frameCount()) {
            throw new IllegalArgumentException(
                    "frame index " + t + " is outside the trace's " + trace.frameCount() + " frames");
        }
        return trace.frame(t).fixations();
    }

    private static void checkRow(GazeResult result, int row) {
        if (row < 0 || row >= result.batch()) {
            throw new IllegalArgumentException(
                    "generated AutoGaze batch index " + row + " out of range (batch " + result.batch() + ")");
        }
    }

    private static List<Fixation> resultFrame(GazeResult result, int row, int t) {
        checkRow(result, row);
        if (t < 0 || t >= result.frames()) {
            throw new IllegalArgumentException(
                    "generated AutoGaze frame index " + t + " out of range (" + result.frames() + " frames)");
        }
        return FixationDecoder.frame(result, row, t, ConfidenceSource.of(result), null);
    }
}
