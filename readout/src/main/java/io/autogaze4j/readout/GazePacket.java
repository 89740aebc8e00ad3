package io.autogaze4j.readout;

import io.autogaze4j.model.GazeOptions;
import io.autogaze4j.model.GazeResult;
import io.autogaze4j.model.VideoClip;
import io.autogaze4j.readout.pyramid.ImagePyramid;
import io.autogaze4j.readout.pyramid.ImagePyramidLevel;
import io.autogaze4j.readout.pyramid.PyramidTokens;
import io.autogaze4j.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What {@link GazePipeline} hands downstream for one clip: the clip, the options, the traces (unless the
 * pipeline emits readout only) and the readout on the projection's grids, with the usual helpers.
 * Immutable.
 */
public final class GazePacket {
    private final VideoClip clip;
    private final GazeOptions gazeOptions;
    private final SparseProjection projection;
    private final GazeResult result;
    private final List<GazeTrace> traces;
    private final ImageReadout imageReadout;
    private final VideoReadout videoReadout;

    GazePacket(
            VideoClip clip,
            GazeOptions gazeOptions,
            SparseProjection projection,
            GazeResult result,
            List<GazeTrace> traces,
            ImageReadout imageReadout,
            VideoReadout videoReadout) {
        this.clip = clip;
        this.gazeOptions = gazeOptions;
        this.projection = projection;
        this.result = result;
        this.traces = traces == null ? null : List.copyOf(traces);
        this.imageReadout = imageReadout;
        this.videoReadout = videoReadout;
    }

    /** The clip that was gazed. */
    public VideoClip clip() {
        return clip;
    }

    /** The gazing options used. */
    public GazeOptions gazeOptions() {
        return gazeOptions;
    }

    /** The projection (grids and readout options) used. */
    public SparseProjection projection() {
        return projection;
    }

    /** The model's raw result (token ids; prefer the readout). */
    public GazeResult result() {
        return result;
    }

    /** Whether this packet carries readout only (no traces). */
    public boolean readoutOnly() {
        return traces == null;
    }

    /** One trace per clip of the batch. */
    public List<GazeTrace> traces() {
        if (traces == null) {
            throw new IllegalStateException(
                    "this packet carries readout only; build the pipeline without readoutOnly to get traces"
                            + " (and frame masks)");
        }
        return traces;
    }

    /** Image-grid tokens of every clip and frame. */
    public ImageReadout imageReadout() {
        return imageReadout;
    }

    /** Video-token ids of every clip, when the projection has a video grid. */
    public Optional<VideoReadout> videoReadout() {
        return Optional.ofNullable(videoReadout);
    }

    /** The kept, scaled rectangles of the {@code t}-th frame of clip {@code clip}, in trace order. */
    public List<NormRect> rects(int clip, int t) {
        return projection.rects(frames().frame(clip, t));
    }

    /**
     * The rectangles of frame {@code t} of every clip under other image-stage options (reference {@code
     * frame_readout_rects}).
     */
    public List<List<NormRect>> frameRects(int t, ReadoutOptions options) {
        ClipFrames frames = frames();
        List<List<NormRect>> out = new ArrayList<>(frames.clips());
        for (int c = 0; c < frames.clips(); c++) {
            out.add(options.fixationRects(frames.frame(c, checkFrame(t))));
        }
        return out;
    }

    /**
     * The tokens of frame {@code t} of every clip on another grid and options, {@code [clip][selected]} (reference {@code
     * frame_readout_tokens}).
     */
    public int[][] frameImageTokens(int t, SparseReadoutGrid grid, ReadoutOptions options) {
        ClipFrames frames = frames();
        int[][] out = new int[frames.clips()][];
        for (int c = 0; c < out.length; c++) {
            out[c] = options.fixationTokens(frames.frame(c, checkFrame(t)), grid);
        }
        return out;
    }

    /**
     * The video readout of every clip under another projection, computed for this call only (reference
     * {@code video_readout_*_with_projection}): {@code .ids()} are the tokens, {@code .flatCoords()} the {@code [N, 4]} rows.
     */
    public VideoReadout videoReadout(SparseProjection other) {
        return traces != null
                ? other.videoReadout(traces)
                : other.videoReadout(result, ConfidenceSource.of(result), List.of());
    }

    /** Readout counts of frame {@code t} (relative to the clip): generated, active and padded slots over all clips. */
    public ReadoutStats stats(int t) {
        return ReadoutStats.of(result, t);
    }

    /** Frame {@code t} of every clip, {@code [B, 3, H, W]} (a copy). */
    public Tensor frameTensor(int t) {
        checkFrame(t);
        int plane = 3 * clip.height() * clip.width();
        float[] out = new float[clip.batch() * plane];
        for (int b = 0; b < clip.batch(); b++) {
            System.arraycopy(clip.frame(b, t).data(), 0, out, b * plane, plane);
        }
        return Tensor.wrap(out, clip.batch(), 3, clip.height(), clip.width());
    }

    /** The fixation mask of frame {@code t} of every clip at the clip's size, {@code [B, 1, H, W]} (needs traces). */
    public Tensor frameMask(int t) {
        checkFrame(t);
        List<List<FixationPoint>> frames = new ArrayList<>();
        for (GazeTrace trace : traces()) {
            frames.add(trace.frame(t).fixations().stream().map(Fixation::point).toList());
        }
        return ImagePyramid.frameMasks(frames, clip.height(), clip.width());
    }

    /** Density-weighted pyramid tokens of frame {@code t} under its fixation mask (needs traces). */
    public PyramidTokens framePyramidTokens(int t, List<ImagePyramidLevel> levels, float threshold) {
        return ImagePyramid.tokenize(frameTensor(t), frameMask(t), levels, threshold);
    }

    private ClipFrames frames() {
        return traces != null ? ClipFrames.of(traces) : ClipFrames.of(result, ConfidenceSource.of(result), List.of());
    }

    private int checkFrame(int t) {
        if (t < 0 || t >= result.frames()) {
            throw new IllegalArgumentException("frame index " + t + " is outside clip length " + result.frames());
        }
        return t;
    }

    /** Image-grid tokens of the {@code t}-th frame of clip {@code clip}, in selection order. */
    public int[] imageTokens(int clip, int t) {
        return imageReadout.tokens(clip, t);
    }

    /** Video-token ids of clip {@code clip}. */
    public int[] videoTokens(int clip) {
        return requireVideo().ids(clip);
    }

    /** Video-token coordinates of clip {@code clip}. */
    public List<VideoTokenCoord> videoCoords(int clip) {
        return requireVideo().coords(clip);
    }

    /** Video-token coordinates of the batch as flat {@code [N, 4]} rows, batch column = clip. */
    public VideoCoords videoFlatCoords() {
        return requireVideo().flatCoords();
    }

    /** Video-token coordinates of the batch as a padded {@code [batch, length, 4]} int tensor. */
    public VideoCoordTensor videoCoordTensor() {
        return requireVideo().coordTensor();
    }

    private VideoReadout requireVideo() {
        if (videoReadout == null) {
            throw new IllegalStateException("the projection has no video grid, so there is no video readout");
        }
        return videoReadout;
    }
}
