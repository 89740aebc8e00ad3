package io.autogaze4j.readout;

import io.autogaze4j.model.GazeOptions;
import io.autogaze4j.model.GazeResult;
import io.autogaze4j.model.VideoClip;
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

    GazePacket(VideoClip clip, GazeOptions gazeOptions, SparseProjection projection, GazeResult result, List<GazeTrace> traces,
               ImageReadout imageReadout, VideoReadout videoReadout) {
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
            throw new IllegalStateException("this packet carries readout only; build the pipeline without readoutOnly to get traces");
        }
        return traces;
    }

    /** Image-grid tokens of every clip and frame. */
    public ImageReadout imageReadout() {
        return imageReadout;
    }

    /** Video-token ids of every clip, when the projection has a video geometry. */
    public Optional<VideoReadout> videoReadout() {
        return Optional.ofNullable(videoReadout);
    }

    /** The kept, scaled rectangles of the {@code t}-th frame of clip {@code clip}, in trace order. */
    public List<NormRect> rects(int clip, int t) {
        List<Fixation> frame = traces != null ? traces.get(clip).frame(t).fixations()
                : ClipFrames.of(result, ConfidenceSource.of(result), List.of()).frame(clip, t);
        return projection.rects(frame);
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

    /** Video-token coordinates of the batch as a padded {@code [batch, length, 4]} int tensor. */
    public VideoCoordTensor videoCoordTensor() {
        return requireVideo().coordTensor();
    }

    private VideoReadout requireVideo() {
        if (videoReadout == null) {
            throw new IllegalStateException("the projection has no video geometry, so there is no video readout");
        }
        return videoReadout;
    }
}
