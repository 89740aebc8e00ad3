package io.autogaze4j.cli;

import io.autogaze4j.pipeline.FramePlan;
import io.autogaze4j.pipeline.PipelineSummary;
import io.autogaze4j.readout.GazeTrace;
import io.autogaze4j.readout.viz.RunMetrics;
import io.autogaze4j.video.DecodeStatus;
import java.util.List;
import java.util.Optional;

/**
 * Everything a finished run reports (written as trace.json by {@link RunJson}).
 *
 * @param settings   the settings it ran with
 * @param inputKind  {@code "video"} or {@code "image-folder"}
 * @param model      the model used
 * @param budget     the resolved ratio and requirement
 * @param plan       how the first clip's frames were fed to the model
 * @param traces     one fixation trace per clip, frames numbered across the run
 * @param frames     one record per gazed frame, in order
 * @param clips      the timing of each clip
 * @param loadNanos  time to load the model
 * @param totalNanos wall time of the whole run up to writing trace.json
 * @param metrics    gaze ratio, update ratio and PSNR of the interframe output, per frame and for the run; null with --no-metrics
 * @param decode     frames decoded against the count the container declares
 * @param pipeline   the pipeline's batches, rows and wall time
 * @param readout    the readout coordinates, when asked for
 */
record RunReport(
        RunSettings settings,
        String inputKind,
        LoadedModel model,
        GazeBudget budget,
        FramePlan plan,
        List<GazeTrace> traces,
        List<FrameRecord> frames,
        List<ClipTiming> clips,
        long loadNanos,
        long totalNanos,
        RunMetrics metrics,
        DecodeStatus decode,
        PipelineSummary pipeline,
        Optional<ReadoutRecord> readout) {

    RunReport {
        traces = List.copyOf(traces);
        frames = List.copyOf(frames);
        clips = List.copyOf(clips);
    }

    /** The same report with its total time set. */
    RunReport withTotal(long nanos) {
        return new RunReport(
                settings, inputKind, model, budget, plan, traces, frames, clips, loadNanos, nanos, metrics, decode,
                pipeline, readout);
    }
}
