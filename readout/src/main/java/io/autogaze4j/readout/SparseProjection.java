package io.autogaze4j.readout;

import io.autogaze4j.model.GazeResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Everything a downstream sparse model needs to turn fixations into its own tokens: its image patch
 * grid, optionally its video token geometry, and the {@link ReadoutOptions}. Immutable and thread-safe.
 */
public final class SparseProjection {
    private final SparseReadoutGrid imageGrid;
    private final SparseVideoPatchGeometry video;
    private final ReadoutOptions options;
    private final int[] fallback;

    private SparseProjection(SparseReadoutGrid imageGrid, SparseVideoPatchGeometry video, ReadoutOptions options) {
        if (imageGrid == null || options == null) {
            throw new IllegalArgumentException("image grid and options must be given");
        }
        if (video != null && !video.frameGrid().equals(imageGrid)) {
            throw new IllegalArgumentException("image grid " + imageGrid + " differs from the video's frame grid " + video.frameGrid());
        }
        this.imageGrid = imageGrid;
        this.video = video;
        this.options = options;
        this.fallback = options.fallbackOrder().order(imageGrid);
    }

    /** A projection onto an image model's patch grid only. */
    public static SparseProjection image(SparseReadoutGrid grid, ReadoutOptions options) {
        return new SparseProjection(grid, null, options);
    }

    /** A projection onto a video model's tokens; the image grid is the video's frame grid. */
    public static SparseProjection video(SparseVideoPatchGeometry geometry, ReadoutOptions options) {
        return new SparseProjection(geometry.frameGrid(), geometry, options);
    }

    /** The image patch grid. */
    public SparseReadoutGrid imageGrid() {
        return imageGrid;
    }

    /** The video token geometry, when this projection has one. */
    public Optional<SparseVideoPatchGeometry> videoGeometry() {
        return Optional.ofNullable(video);
    }

    /** The readout options. */
    public ReadoutOptions options() {
        return options;
    }

    /** The rectangles the options keep for one frame's fixations (scaled, clipped), in trace order. */
    public List<NormRect> rects(List<Fixation> frame) {
        return options.rects(frame);
    }

    /** The image-grid tokens of one frame's fixations, in selection order. */
    public int[] imageTokens(List<Fixation> frame) {
        return TokenSelection.select(List.of(frame), imageGrid, options, fallback);
    }

    /** Image-grid tokens of every frame of every trace. */
    public ImageReadout imageReadout(List<GazeTrace> traces) {
        return imageReadout(ClipFrames.of(traces));
    }

    /**
     * Image-grid tokens straight from a result, decoding fixations frame by frame without building
     * traces. {@code tiles} as in {@link GazeTraces#tiled} (empty = untiled).
     */
    public ImageReadout imageReadout(GazeResult result, ConfidenceSource confidences, List<TilePlacement> tiles) {
        return imageReadout(ClipFrames.of(result, confidences, tiles));
    }

    /** Video-token ids of one trace, whose {@code i}-th frame is frame {@code i} of the video geometry. */
    public int[] videoTokens(GazeTrace trace) {
        return videoReadout(List.of(trace)).ids(0);
    }

    /** Video-token ids of every trace. */
    public VideoReadout videoReadout(List<GazeTrace> traces) {
        return videoReadout(ClipFrames.of(traces));
    }

    /** Video-token ids straight from a result, without building traces ({@code tiles} as in {@link GazeTraces#tiled}). */
    public VideoReadout videoReadout(GazeResult result, ConfidenceSource confidences, List<TilePlacement> tiles) {
        return videoReadout(ClipFrames.of(result, confidences, tiles));
    }

    private ImageReadout imageReadout(ClipFrames clips) {
        int[][][] tokens = new int[clips.clips()][][];
        for (int c = 0; c < tokens.length; c++) {
            tokens[c] = new int[clips.frames(c)][];
            for (int t = 0; t < tokens[c].length; t++) {
                tokens[c][t] = imageTokens(clips.frame(c, t));
            }
        }
        return new ImageReadout(imageGrid, tokens);
    }

    private VideoReadout videoReadout(ClipFrames clips) {
        SparseVideoPatchGeometry g = videoGeometry().orElseThrow(
                () -> new IllegalStateException("this projection has no video geometry (make it with SparseProjection.video)"));
        int[][] ids = new int[clips.clips()][];
        for (int c = 0; c < ids.length; c++) {
            if (clips.frames(c) != g.frames()) {
                throw new IllegalArgumentException("clip " + c + " has " + clips.frames(c) + " frames but the video geometry expects " + g.frames());
            }
            int[] clipIds = new int[g.tokens()];
            int n = 0;
            for (int bin = 0; bin < g.temporalBins(); bin++) {
                List<List<Fixation>> frames = new ArrayList<>(g.tubeletSize());
                for (int t = bin * g.tubeletSize(); t < (bin + 1) * g.tubeletSize(); t++) {
                    frames.add(clips.frame(c, t));
                }
                for (int token : TokenSelection.select(frames, imageGrid, options, fallback)) {
                    clipIds[n++] = bin * g.tokensPerBin() + token;
                }
            }
            ids[c] = java.util.Arrays.copyOf(clipIds, n);
        }
        return new VideoReadout(g, ids);
    }
}
