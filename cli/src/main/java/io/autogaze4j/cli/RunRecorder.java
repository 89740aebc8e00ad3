package io.autogaze4j.cli;

import io.autogaze4j.pipeline.ClipPacket;
import io.autogaze4j.pipeline.FrameFacts;
import io.autogaze4j.readout.GazeTrace;
import io.autogaze4j.readout.VideoTokenCoord;
import io.autogaze4j.readout.viz.ArgbImage;
import io.autogaze4j.readout.viz.MaskGeometry;
import io.autogaze4j.readout.viz.MaskRenderer;
import io.autogaze4j.readout.viz.MaskStyle;
import io.autogaze4j.readout.viz.VisualizationWriter;
import io.autogaze4j.video.VideoFrame;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import javax.imageio.ImageIO;

/**
 * Takes the run's packets in order and keeps what the report needs: each clip's trace, timing and readout, and each
 * frame's record, writing its overlay PNG and feeding the visualisation as it goes (on the caller's thread, while the
 * pipeline gazes the next batch; without --viz the pipeline computes the metrics).
 */
final class RunRecorder {
    /** Per-frame overlays: the frame with its gazed cells alpha-blended in their scale's colour. */
    private static final MaskRenderer OVERLAY = MaskRenderer.of(MaskStyle.IMAGE_OVERLAY);

    private final RunSettings settings;
    private final VisualizationWriter viz;
    private final List<GazeTrace> traces = new ArrayList<>();
    private final List<FrameRecord> frames = new ArrayList<>();
    private final List<ClipTiming> clips = new ArrayList<>();
    private final List<int[]> coords = new ArrayList<>();
    private int skippedClips;

    /** Records into {@code viz} when open (null: no visualisation). */
    RunRecorder(RunSettings settings, VisualizationWriter viz) {
        this.settings = settings;
        this.viz = viz;
    }

    void add(ClipPacket p) throws CliException {
        long start = System.nanoTime();
        GazeTrace trace = p.trace();
        traces.add(trace);
        for (int t = 0; t < p.frameCount(); t++) {
            frames.add(record(p, t));
        }
        if (settings.readout().isPresent()) {
            if (p.videoReadout().isPresent()) {
                for (VideoTokenCoord c : p.videoReadout().get().coords(0)) {
                    coords.add(new int[] {p.clip(), c.temporal(), c.row(), c.col()});
                }
            } else {
                skippedClips++;
            }
        }
        clips.add(new ClipTiming(
                p.clip(),
                p.firstFrame(),
                p.frameCount(),
                p.result().batch(),
                p.times().decode(),
                p.times().preprocess(),
                p.times().gaze(),
                System.nanoTime() - start));
    }

    /** The record of frame {@code t} of a clip: its overlay PNG and visualisation panels if asked. */
    private FrameRecord record(ClipPacket p, int t) throws CliException {
        FrameFacts facts = FrameFacts.of(p, t, p.trace().frame(t).frame(), p.clip());
        int index = facts.sourceIndex();
        String png = null;
        if (!p.frames().isEmpty()) {
            VideoFrame frame = p.frames().get(t);
            ArgbImage picture = ArgbImage.of(frame.image());
            try {
                if (viz != null) {
                    viz.add(picture, p.trace(), t);
                }
                if (settings.png()) {
                    png = GazeRun.FRAMES_DIR + "/" + String.format(Locale.ROOT, "frame_%06d.png", index);
                    Path file = settings.out().resolve(png);
                    ArgbImage overlay = OVERLAY.render(MaskGeometry.cells(p.trace(), t, settings.geometry()), picture);
                    if (!ImageIO.write(overlay.toBufferedImage(), "png", file.toFile())) {
                        throw new IOException("no PNG writer in this JVM");
                    }
                }
            } catch (IOException e) {
                throw new CliException(
                        ExitCode.OUTPUT, "cannot write the pictures of frame " + index + ": " + GazeRun.describe(e), e);
            }
        }
        return new FrameRecord(facts, png);
    }

    List<GazeTrace> traces() {
        return traces;
    }

    List<FrameRecord> frames() {
        return frames;
    }

    List<ClipTiming> clips() {
        return clips;
    }

    /** The readout coordinates {@code (clip, temporal, row, col)} when a readout was asked for. */
    Optional<ReadoutRecord> readout() {
        return settings.readout().map(spec -> new ReadoutRecord(spec, coords, skippedClips));
    }
}
