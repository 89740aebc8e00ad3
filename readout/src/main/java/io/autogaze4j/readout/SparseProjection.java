package io.autogaze4j.readout;

import io.autogaze4j.model.GazeResult;
import java.util.List;
import java.util.Optional;

/**
 * Everything a downstream sparse model needs to turn fixations into its own tokens (burn_autogaze's
 * {@code SparseVideoReadoutProjection}): the image grid and image-stage {@link ReadoutOptions}, and optionally a
 * video grid with its {@link VideoReadoutOptions}. The two grids are independent: the image stage lists each
 * frame's tokens on the image grid, the video stage re-projects every listed image patch onto the video grid
 * (e.g. 14x14 image tokens onto 4x4 video patches). Immutable and thread-safe; {@code with*} return copies.
 */
public final class SparseProjection {
    private final SparseReadoutGrid imageGrid;
    private final SparseVideoReadoutGrid videoGrid;
    private final ReadoutOptions readoutOptions;
    private final VideoReadoutOptions videoOptions;

    private SparseProjection(
            SparseReadoutGrid imageGrid,
            SparseVideoReadoutGrid videoGrid,
            ReadoutOptions readoutOptions,
            VideoReadoutOptions videoOptions) {
        if (imageGrid == null || readoutOptions == null || videoOptions == null) {
            throw new IllegalArgumentException("image grid and options must be given");
        }
        this.imageGrid = imageGrid;
        this.videoGrid = videoGrid;
        this.readoutOptions = readoutOptions;
        this.videoOptions = videoOptions;
    }

    /** A projection onto an image model's patch grid only. */
    public static SparseProjection image(SparseReadoutGrid grid, ReadoutOptions options) {
        return new SparseProjection(grid, null, options, VideoReadoutOptions.defaults());
    }

    /** A projection from {@code imageGrid} onto {@code videoGrid} with default options (reference {@code new}). */
    public static SparseProjection video(SparseReadoutGrid imageGrid, SparseVideoReadoutGrid videoGrid) {
        return video(imageGrid, videoGrid, ReadoutOptions.defaults(), VideoReadoutOptions.defaults());
    }

    /** A projection from {@code imageGrid} onto {@code videoGrid} with the given options of both stages. */
    public static SparseProjection video(
            SparseReadoutGrid imageGrid,
            SparseVideoReadoutGrid videoGrid,
            ReadoutOptions readoutOptions,
            VideoReadoutOptions videoOptions) {
        if (videoGrid == null) {
            throw new IllegalArgumentException("video grid must be given");
        }
        return new SparseProjection(imageGrid, videoGrid, readoutOptions, videoOptions);
    }

    /**
     * A projection from {@code imageGrid} onto the token grid of a pixel geometry, whose tubelet size becomes the video
     * options' (the reference leaves it at 1, which would put a 2-frame tubelet's frames in separate bins).
     */
    public static SparseProjection fromPatchGeometry(SparseReadoutGrid imageGrid, SparseVideoPatchGeometry geometry) {
        return video(
                imageGrid,
                geometry.readoutGrid(),
                ReadoutOptions.defaults(),
                VideoReadoutOptions.builder()
                        .tubeletSize(geometry.tubeletSize())
                        .build());
    }

    /** A projection onto a video model's tokens whose image grid is its frame grid, with the geometry's tubelet size. */
    public static SparseProjection video(SparseVideoPatchGeometry geometry, ReadoutOptions readoutOptions) {
        return fromPatchGeometry(geometry.frameGrid(), geometry).withReadoutOptions(readoutOptions);
    }

    /** This projection with other image-stage options. */
    public SparseProjection withReadoutOptions(ReadoutOptions options) {
        return new SparseProjection(imageGrid, videoGrid, options, videoOptions);
    }

    /** This projection with other video-stage options. */
    public SparseProjection withVideoOptions(VideoReadoutOptions options) {
        return new SparseProjection(imageGrid, videoGrid, readoutOptions, options);
    }

    /** The image patch grid. */
    public SparseReadoutGrid imageGrid() {
        return imageGrid;
    }

    /** The video token grid, when this projection has one. */
    public Optional<SparseVideoReadoutGrid> videoGrid() {
        return Optional.ofNullable(videoGrid);
    }

    /** The image-stage options. */
    public ReadoutOptions readoutOptions() {
        return readoutOptions;
    }

    /** The video-stage options. */
    public VideoReadoutOptions videoOptions() {
        return videoOptions;
    }

    /** The rectangles the image stage keeps for one frame's fixations, in trace order. */
    public List<NormRect> rects(List<Fixation> frame) {
        return readoutOptions.fixationRects(frame);
    }

    /** The image-grid tokens of one frame's fixations, in selection order. */
    public int[] imageTokens(List<Fixation> frame) {
        return readoutOptions.fixationTokens(frame, imageGrid);
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

    /** Video-token ids of one trace, whose {@code i}-th frame is frame {@code i} of the video grid's window. */
    public int[] videoTokens(GazeTrace trace) {
        return videoReadout(List.of(trace)).ids(0);
    }

    /**
     * The video tokens of a clip given as image-grid tokens per frame (reference
     * {@code frame_readout_tokens_to_video_tokens} with this projection's grids and video options).
     */
    public int[] videoTokens(int[][] frameTokens) {
        return videoOptions.tokens(frameTokens, imageGrid, requireVideoGrid());
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
        SparseVideoReadoutGrid grid = requireVideoGrid();
        int[][] ids = new int[clips.clips()][];
        for (int c = 0; c < ids.length; c++) {
            int[][] frames = new int[clips.frames(c)][];
            for (int t = 0; t < frames.length; t++) {
                frames[t] = imageTokens(clips.frame(c, t));
            }
            ids[c] = videoOptions.tokens(frames, imageGrid, grid);
        }
        return new VideoReadout(grid, ids);
    }

    private SparseVideoReadoutGrid requireVideoGrid() {
        if (videoGrid == null) {
            throw new IllegalStateException("this projection has no video grid (make it with SparseProjection.video)");
        }
        return videoGrid;
    }

    @Override
    public String toString() {
        return "SparseProjection[image " + imageGrid + ", video " + videoGrid + ", " + readoutOptions + ", "
                + videoOptions + "]";
    }
}
