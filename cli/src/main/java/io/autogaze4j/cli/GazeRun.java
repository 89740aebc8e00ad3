package io.autogaze4j.cli;

import io.autogaze4j.model.preprocess.FrameSize;
import io.autogaze4j.model.preprocess.ImageProcessor;
import io.autogaze4j.pipeline.FramePlan;
import io.autogaze4j.pipeline.MaskSource;
import io.autogaze4j.pipeline.MetricsOptions;
import io.autogaze4j.pipeline.PacketStream;
import io.autogaze4j.pipeline.PipelineException;
import io.autogaze4j.pipeline.PipelineOptions;
import io.autogaze4j.pipeline.PipelineSummary;
import io.autogaze4j.pipeline.VideoInput;
import io.autogaze4j.pipeline.VideoPipeline;
import io.autogaze4j.pipeline.VideoSummary;
import io.autogaze4j.readout.viz.GazeMetrics;
import io.autogaze4j.readout.viz.InterframeOptions;
import io.autogaze4j.readout.viz.MaskStyle;
import io.autogaze4j.readout.viz.RunMetrics;
import io.autogaze4j.readout.viz.VisualizationWriter;
import io.autogaze4j.readout.viz.VizOptions;
import io.autogaze4j.tensor.Backend;
import io.autogaze4j.tensor.BackendKind;
import io.autogaze4j.video.FrameSource;
import io.autogaze4j.video.FrameSources;
import io.autogaze4j.video.VideoFrame;
import io.autogaze4j.video.VideoReadOptions;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * One run of the command: probe the input, load the model, run the {@link VideoPipeline} over the input (decoding,
 * preprocessing and batched gazing overlapped), record each clip's packet (trace, overlays, metrics, readout) and
 * hand back a {@link RunReport}. Every failure the user can fix becomes a
 * {@link CliException} with the matching {@link ExitCode}.
 */
final class GazeRun {
    /** Where the overlay PNGs go, inside the output directory. */
    static final String FRAMES_DIR = "frames";

    static final String TRACE_FILE = "trace.json";
    /** Where --viz writes its panels, GIF and report, inside the output directory. */
    static final String VIZ_DIR = "viz";
    /**
     * Clips the pipeline holds at once, roughly, for the heap check: two queued after decoding, one being preprocessed, one
     * being batched or gazed (its rows copied into the batch), and the finished one whose frames the overlays still need.
     */
    private static final int CLIPS_IN_FLIGHT = 5;

    static final String DEMO_WARNING =
            "WARNING: no --model given, so the bundled DEMO checkpoint is used. Its weights are random:"
                    + " the gaze it produces is meaningless. For real gaze pass --model DIR with the official "
                    + "nvidia/AutoGaze files.";

    private final RunSettings settings;
    private final PrintWriter err;
    private OptionalInt frameCount = OptionalInt.empty();

    GazeRun(RunSettings settings, PrintWriter err) {
        this.settings = settings;
        this.err = err;
    }

    RunReport run() throws CliException {
        long start = System.nanoTime();
        if (!Files.exists(settings.input())) {
            throw new CliException(ExitCode.INPUT, "input " + settings.input() + " does not exist");
        }
        // the input is opened and its first frame decoded before the model loads, so a bad input fails fast,
        // and the output folder is only touched once input and model are known to be usable
        FrameSize firstSize = firstFrame();
        try (Backend backend = backend();
                LoadedModel model = settings.model().isPresent()
                        ? ModelLoader.load(settings.model().get(), backend)
                        : ModelLoader.loadDemo(Path.of(System.getProperty("java.io.tmpdir")), backend)) {
            if (model.demo()) {
                err.println(DEMO_WARNING);
                err.flush();
            }
            long loaded = System.nanoTime();
            prepareOutput();
            return gaze(firstSize, model, loaded - start).withTotal(System.nanoTime() - start);
        }
    }

    /**
     * Gazes the input through the pipeline (decoding and preprocessing overlap the gazing of the previous batch) and
     * consumes its packets in order: traces, frame records, overlays, metrics and readout, on this thread.
     */
    private RunReport gaze(FrameSize firstSize, LoadedModel model, long loadNanos) throws CliException {
        GazeBudget budget = GazeBudget.resolve(
                settings.gazingRatio(),
                settings.requirementGiven(),
                settings.requirement(),
                model.model().config());
        ImageProcessor processor = processor(model);
        FramePlan first = plan(firstSize, processor);
        ProgressBar bar = new ProgressBar(err, settings.progress(), frameCountHint());
        InterframeOptions interframe = InterframeOptions.sparse(settings.keyframePeriod());
        VisualizationWriter viz = settings.viz() ? openViz(interframe) : null;
        RunRecorder recorder = new RunRecorder(settings, viz);
        PipelineSummary summary;
        // without --viz the metrics come from the pipeline (a picture-free run of the same interframe output)
        try (VideoPipeline pipeline = VideoPipeline.create(
                        MaskSource.model(model.model(), budget.options()),
                        processor,
                        pipelineOptions(
                                viz == null && settings.metrics()
                                        ? Optional.of(new MetricsOptions(
                                                settings.geometry(), interframe, GazeMetrics.DEFAULT_EMA_ALPHA))
                                        : Optional.empty()));
                PacketStream packets =
                        pipeline.stream(List.of(VideoInput.file(settings.input(), settings.sampling())))) {
            while (packets.hasNext()) {
                recorder.add(packets.next());
                bar.update(recorder.frames().size(), recorder.clips().size());
            }
            summary = packets.summary().join();
        } catch (PipelineException e) {
            throw failure(e);
        }
        bar.finish(recorder.frames().size(), recorder.clips().size());
        VideoSummary video = summary.videos().get(0);
        if (video.frames() == 0) {
            throw new CliException(
                    ExitCode.INPUT,
                    settings.input() + " yielded no frames to gaze (an empty video, or --start/--end/"
                            + "--every/--frames selected none)");
        }
        if (video.status().truncated()) {
            err.println("WARNING: " + settings.input() + " ends after "
                    + video.status().decoded() + " of the "
                    + video.status().declared().getAsInt()
                    + " frames its container declares (truncated or damaged); gazed the "
                    + video.frames() + " frames that decode (--strict makes this an error)");
            err.flush();
        }
        RunMetrics runMetrics;
        try {
            runMetrics = viz != null ? viz.finish().metrics() : video.metrics().orElse(null);
        } catch (IOException e) {
            throw new CliException(ExitCode.OUTPUT, "cannot write the visualisation: " + describe(e), e);
        }
        return new RunReport(
                settings,
                Files.isDirectory(settings.input()) ? "image-folder" : "video",
                model,
                budget,
                first,
                recorder.traces(),
                recorder.frames(),
                recorder.clips(),
                loadNanos,
                0,
                runMetrics,
                video.status(),
                summary,
                recorder.readout());
    }

    /** The pipeline as the settings configure it: one video, decoded on one thread while the CPU threads preprocess. */
    private PipelineOptions pipelineOptions(Optional<MetricsOptions> metrics) {
        PipelineOptions.Builder b = PipelineOptions.builder()
                .clipLength(settings.clipLength())
                .tiles(settings.tiles())
                .batchRows(settings.batch())
                .preprocessThreads(settings.threads())
                .keepFrames(settings.png() || settings.viz())
                .metrics(metrics.orElse(null))
                .read(VideoReadOptions.defaults()
                        .withDecoder(settings.decoder())
                        .withStrict(settings.strict()));
        settings.readout().ifPresent(r -> b.projection(r.projection(settings.clipLength())));
        return b.build();
    }

    /** A failed run as the user sees it: the input's fault (exit 3) unless the model or memory is to blame. */
    private CliException failure(PipelineException e) {
        Throwable cause = e.getCause();
        if (cause instanceof OutOfMemoryError oom) {
            throw oom;
        }
        if (cause instanceof IOException io) {
            return new CliException(ExitCode.INPUT, describe(io), e);
        }
        return new CliException(
                ExitCode.INPUT,
                "cannot gaze " + settings.input() + ": " + (cause != null ? cause.getMessage() : e.getMessage()),
                e);
    }

    /** The source's frame count for the progress bar, when it knows it (the probe opened it once already). */
    private OptionalInt frameCountHint() {
        return frameCount;
    }

    /** The backend the settings ask for; OpenCL falls back to the CPU (with a log line) when no device exists. */
    private Backend backend() {
        return Backend.named(BackendKind.parse(settings.backend()), settings.threads());
    }

    private VisualizationWriter openViz(InterframeOptions interframe) throws CliException {
        VizOptions options = VizOptions.builder()
                .style(MaskStyle.IMAGE_OVERLAY)
                .geometry(settings.geometry())
                .interframe(interframe)
                .build();
        Path dir = settings.out().resolve(VIZ_DIR);
        try {
            return VisualizationWriter.open(dir, options);
        } catch (IOException e) {
            throw new CliException(ExitCode.OUTPUT, "cannot prepare " + dir + ": " + describe(e), e);
        }
    }

    private ImageProcessor processor(LoadedModel model) throws CliException {
        try {
            return ImageProcessor.of(model.model().preprocessor());
        } catch (IllegalArgumentException e) {
            throw new CliException(
                    ExitCode.MODEL, "the model's preprocessor_config.json cannot be used: " + e.getMessage(), e);
        }
    }

    /** The output folder, emptied of the files an earlier run wrote there. */
    private void prepareOutput() throws CliException {
        Path out = settings.out();
        try {
            Files.createDirectories(out);
            Files.deleteIfExists(out.resolve(TRACE_FILE));
            Path frames = out.resolve(FRAMES_DIR);
            if (settings.png()) {
                Files.createDirectories(frames);
            }
            if (Files.isDirectory(frames)) {
                try (DirectoryStream<Path> old = Files.newDirectoryStream(frames, "frame_*.png")) {
                    for (Path p : old) {
                        Files.delete(p);
                    }
                }
            }
        } catch (IOException e) {
            throw new CliException(
                    ExitCode.OUTPUT, "cannot prepare the output directory " + out + ": " + describe(e), e);
        }
    }

    /**
     * Opens the input, decodes its first sampled frame and closes it again: a bad input fails here, before the model
     * loads. Remembers the frame count for the progress bar.
     */
    private FrameSize firstFrame() throws CliException {
        Optional<VideoFrame> first;
        try (FrameSource source = settings.sampling()
                .apply(
                        Files.isDirectory(settings.input())
                                ? FrameSources.imageFolder(settings.input(), FrameSources.DEFAULT_FPS)
                                : FrameSources.video(
                                        settings.input(),
                                        VideoReadOptions.defaults().withDecoder(settings.decoder())))) {
            frameCount = source.frameCount();
            first = source.next();
        } catch (IOException e) {
            throw new CliException(ExitCode.INPUT, describe(e), e);
        } catch (RuntimeException e) {
            throw new CliException(ExitCode.INPUT, "cannot read " + settings.input() + ": " + e.getMessage(), e);
        }
        if (first.isEmpty()) {
            throw new CliException(
                    ExitCode.INPUT,
                    settings.input() + " yielded no frames to gaze (an empty video, or --start/--end/"
                            + "--every/--frames selected none)");
        }
        return new FrameSize(first.get().image().width(), first.get().image().height());
    }

    /** The plan of the first frames, checked to fit the heap. */
    private FramePlan plan(FrameSize size, ImageProcessor processor) throws CliException {
        FramePlan plan;
        try {
            plan = FramePlan.of(size, settings.tiles() ? processor.withoutResize() : processor, settings.tiles());
        } catch (IllegalArgumentException e) {
            throw new CliException(ExitCode.INPUT, e.getMessage(), e);
        }
        Optional<String> problem = plan.fitProblem(
                settings.clipLength(), CLIPS_IN_FLIGHT, Runtime.getRuntime().maxMemory());
        if (problem.isPresent()) {
            throw new CliException(
                    ExitCode.INPUT,
                    problem.get()
                            .replace("lower the clip length", "lower --clip-length")
                            .replace("drop tiling", "drop --tiles"));
        }
        return plan;
    }

    /** An I/O failure in one phrase (the JDK's messages for missing files are just the path). */
    static String describe(IOException e) {
        String m = e.getMessage();
        return switch (e) {
            case java.nio.file.NoSuchFileException x -> m + ": no such file or directory";
            case java.nio.file.AccessDeniedException x -> m + ": permission denied";
            case java.nio.file.FileAlreadyExistsException x -> m + ": already exists (and is not a directory)";
            case java.nio.file.NotDirectoryException x -> m + ": not a directory";
            default -> m != null ? m : e.toString();
        };
    }
}
