package io.autogaze4j.pipeline;

import io.autogaze4j.model.GazeResult;
import io.autogaze4j.readout.ConfidenceSource;
import io.autogaze4j.readout.Fixation;
import io.autogaze4j.readout.FrameTrace;
import io.autogaze4j.readout.GazeTrace;
import io.autogaze4j.readout.GazeTraces;
import io.autogaze4j.readout.ImageReadout;
import io.autogaze4j.readout.SparseProjection;
import io.autogaze4j.readout.VideoReadout;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Builds a clip's packet from its gazed rows: its trace on the source frames and, with a projection, its readout. */
final class PacketBuilder {
    private final Optional<SparseProjection> projection;
    private final boolean keepFrames;

    /** Packets with the readout on {@code projection}, carrying the decoded frames when {@code keepFrames}. */
    PacketBuilder(Optional<SparseProjection> projection, boolean keepFrames) {
        this.projection = projection;
        this.keepFrames = keepFrames;
    }

    ClipPacket build(ClipRows clip, GazeResult result, StageTimes times) {
        long start = System.nanoTime();
        GazeTrace trace = renumber(
                GazeTraces.tiled(
                                result, ConfidenceSource.of(result), clip.plan().placements())
                        .get(0),
                clip.clip(),
                clip.firstFrame());
        List<GazeTrace> traces = List.of(trace);
        Optional<ImageReadout> image = projection.map(p -> p.imageReadout(traces));
        Optional<VideoReadout> video =
                projection.flatMap(p -> forFrames(p, clip.frameCount())).map(p -> p.videoReadout(traces));
        return new ClipPacket(
                clip.video(),
                clip.videoId(),
                clip.clip(),
                clip.firstFrame(),
                clip.stamps(),
                keepFrames ? clip.frames() : List.of(),
                clip.plan(),
                result,
                trace,
                image,
                video,
                List.of(),
                times.withFinish(System.nanoTime() - start));
    }

    /**
     * The projection for a clip of {@code frames} frames: the projection itself (a clip shorter than its video grid is a
     * partial temporal window, which the readout takes), or empty when it has no video grid or the frames are not
     * whole tubelets.
     */
    static Optional<SparseProjection> forFrames(SparseProjection projection, int frames) {
        if (projection.videoGrid().isEmpty()
                || frames % projection.videoOptions().tubeletSize() != 0) {
            return Optional.empty();
        }
        return Optional.of(projection);
    }

    /** The trace of one clip as part of its video: clip {@code clip}, frames numbered from {@code firstFrame}. */
    static GazeTrace renumber(GazeTrace trace, int clip, int firstFrame) {
        List<FrameTrace> frames = new ArrayList<>(trace.frameCount());
        for (FrameTrace f : trace.frames()) {
            int index = firstFrame + f.frame();
            frames.add(new FrameTrace(
                    index,
                    f.fixations().stream()
                            .map(x -> new Fixation(
                                    index,
                                    x.cell(),
                                    x.scale(),
                                    x.row(),
                                    x.col(),
                                    x.grid(),
                                    x.tile(),
                                    x.rect(),
                                    x.confidence()))
                            .toList()));
        }
        return new GazeTrace(clip, frames, trace.tiles());
    }
}
