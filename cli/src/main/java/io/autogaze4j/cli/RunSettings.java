package io.autogaze4j.cli;

import io.autogaze4j.readout.viz.GeometryMode;
import io.autogaze4j.video.FrameSampling;
import io.autogaze4j.video.VideoDecoder;
import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * The validated settings of one {@code autogaze} run, as the command line gave them.
 *
 * @param input            a video file or a folder of images
 * @param model            a checkpoint directory, or empty for the bundled demo checkpoint
 * @param out              the output directory
 * @param gazingRatio      the given gazing ratio, or empty
 * @param requirementGiven whether a task-loss requirement was given
 * @param requirement      the given requirement, empty for {@code none}
 * @param sampling         which frames to gaze
 * @param clipLength       frames per model call, 1..16
 * @param tiles            whether to cut frames into 224-px tiles at source resolution
 * @param threads          CPU threads
 * @param png              whether to write one overlay PNG per frame
 * @param progress         whether to draw a progress bar on stderr
 * @param viz              whether to write the visualisation (panels, GIF, HTML report) under {@code viz/}
 * @param geometry         which cells the masks, interframe output and metrics use
 * @param keyframePeriod   interframe keyframe period in frames (0 = only the first frame)
 * @param backend          where the model runs: {@code cpu}, {@code opencl} (first GPU, else first device) or {@code auto}
 * @param batch            most model rows per batch, 0 = the backend's default
 * @param decoder          the video decoder
 * @param strict           a video that ends before its declared frame count is an error, not a warning
 * @param metrics          whether to compute the interframe metrics (always with --viz)
 * @param readout          the readout to write, if any
 */
record RunSettings(
        Path input,
        Optional<Path> model,
        Path out,
        OptionalDouble gazingRatio,
        boolean requirementGiven,
        OptionalDouble requirement,
        FrameSampling sampling,
        int clipLength,
        boolean tiles,
        int threads,
        boolean png,
        boolean progress,
        boolean viz,
        GeometryMode geometry,
        int keyframePeriod,
        String backend,
        int batch,
        VideoDecoder decoder,
        boolean strict,
        boolean metrics,
        Optional<ReadoutSpec> readout) {
    /** The same settings writing into {@code dir} (the staging folder of an atomic output). */
    RunSettings withOut(Path dir) {
        return new RunSettings(
                input,
                model,
                dir,
                gazingRatio,
                requirementGiven,
                requirement,
                sampling,
                clipLength,
                tiles,
                threads,
                png,
                progress,
                viz,
                geometry,
                keyframePeriod,
                backend,
                batch,
                decoder,
                strict,
                metrics,
                readout);
    }
}
