package io.autogaze4j.pipeline;

import io.autogaze4j.readout.viz.ArgbImage;
import io.autogaze4j.readout.viz.FrameMetrics;
import io.autogaze4j.readout.viz.InterframeRun;
import io.autogaze4j.readout.viz.RunMetrics;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The interframe metrics of a run's videos, clip after clip in order: one {@link InterframeRun} per video, its canvas
 * carried from clip to clip. Used by the finishing thread only.
 */
final class VideoMetrics implements AutoCloseable {
    private final MetricsOptions options;
    private final Map<Integer, InterframeRun> runs = new HashMap<>();
    private final Map<Integer, RunMetrics> finished = new HashMap<>();

    VideoMetrics(MetricsOptions options) {
        this.options = options;
    }

    /** The metrics of each frame of a finished clip (its decoded frames must be kept). */
    List<FrameMetrics> add(ClipRows clip, ClipPacket packet) {
        if (clip.frames().isEmpty()) {
            throw new IllegalStateException("metrics need the decoded frames of " + clip);
        }
        InterframeRun run = runs.computeIfAbsent(
                clip.video(), v -> new InterframeRun(options.geometry(), options.interframe(), options.emaAlpha()));
        List<FrameMetrics> out = new ArrayList<>(clip.frameCount());
        for (int t = 0; t < clip.frameCount(); t++) {
            out.add(run.add(ArgbImage.of(clip.frames().get(t).image()), packet.trace(), t)
                    .metrics());
        }
        return out;
    }

    /** The whole video's metrics (empty metrics when none of its clips came), and its run closed. */
    RunMetrics finish(int video) {
        RunMetrics done = finished.get(video);
        if (done == null) {
            InterframeRun run = runs.remove(video);
            done = run != null
                    ? run.summary()
                    : new InterframeRun(options.geometry(), options.interframe(), options.emaAlpha()).summary();
            if (run != null) {
                run.close();
            }
            finished.put(video, done);
        }
        return done;
    }

    @Override
    public void close() {
        runs.values().forEach(InterframeRun::close);
        runs.clear();
    }
}
