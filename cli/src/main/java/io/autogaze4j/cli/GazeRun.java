package io.autogaze4j.cli;

import io.autogaze4j.model.GazeResult;
import io.autogaze4j.model.VideoClip;
import io.autogaze4j.model.preprocess.FrameSize;
import io.autogaze4j.model.preprocess.ImageProcessor;
import io.autogaze4j.pipeline.FramePlan;
import io.autogaze4j.readout.ConfidenceSource;
import io.autogaze4j.readout.Fixation;
import io.autogaze4j.readout.FrameTrace;
import io.autogaze4j.readout.GazeTrace;
import io.autogaze4j.readout.viz.ArgbImage;
import io.autogaze4j.readout.viz.GazeMetrics;
import io.autogaze4j.readout.viz.InterframeOptions;
import io.autogaze4j.readout.viz.InterframeRun;
import io.autogaze4j.readout.viz.MaskGeometry;
import io.autogaze4j.readout.viz.MaskRenderer;
import io.autogaze4j.readout.viz.MaskStyle;
import io.autogaze4j.readout.viz.RunMetrics;
import io.autogaze4j.readout.viz.VisualizationWriter;
import io.autogaze4j.readout.viz.VizOptions;
import io.autogaze4j.readout.GazeTraces;
import io.autogaze4j.tensor.Backend;
import io.autogaze4j.video.ClipBuilder;
import io.autogaze4j.video.FrameClip;
import io.autogaze4j.video.FrameSources;
import io.autogaze4j.video.VideoFrame;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import javax.imageio.ImageIO;

/**
 * One run of the command: load the model, read the input clip by clip, gaze each clip, keep its trace,
 * draw the overlays, and hand back a {@link RunReport}. Every failure the user can fix becomes a
 * {@link CliException} with the matching {@link ExitCode}.
 */
final class GazeRun {
    /** Where the overlay PNGs go, inside the output directory. */
    static final String FRAMES_DIR = "frames";
    static final String TRACE_FILE = "trace.json";
    /** Where --viz writes its panels, GIF and report, inside the output directory. */
    static final String VIZ_DIR = "viz";
    /** Per-frame overlays: the frame with its gazed cells alpha-blended in their scale's colour. */
    private static final MaskRenderer OVERLAY = MaskRenderer.of(MaskStyle.IMAGE_OVERLAY);
    static final String DEMO_WARNING = "WARNING: no --model given, so the bundled DEMO checkpoint is used. Its weights are random:"
            + " the gaze it produces is meaningless. For real gaze pass --model DIR with the official nvidia/AutoGaze files.";

    private final RunSettings settings;
    private final PrintWriter err;

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
        try (RecordingSource source = open()) {
            FrameSize firstSize = firstFrame(source);
            try (Backend backend = backend();
                 LoadedModel model = settings.model().isPresent() ? ModelLoader.load(settings.model().get(), backend)
                         : ModelLoader.loadDemo(Path.of(System.getProperty("java.io.tmpdir")), backend)) {
                if (model.demo()) {
                    err.println(DEMO_WARNING);
                    err.flush();
                }
                long loaded = System.nanoTime();
                prepareOutput();
                return gaze(source, firstSize, model, loaded - start).withTotal(System.nanoTime() - start);
            }
        } catch (IOException e) {
            throw new CliException(ExitCode.INPUT, "cannot close " + settings.input() + ": " + describe(e), e);
        }
    }

    private RunReport gaze(RecordingSource source, FrameSize firstSize, LoadedModel model, long loadNanos) throws CliException {
        GazeBudget budget = GazeBudget.resolve(settings.gazingRatio(), settings.requirementGiven(), settings.requirement(),
                model.model().config());
        ImageProcessor processor = processor(model);
        ClipBuilder builder = ClipBuilder.of(processor).clipLength(settings.clipLength());
        List<GazeTrace> traces = new ArrayList<>();
        List<FrameRecord> records = new ArrayList<>();
        List<ClipTiming> timings = new ArrayList<>();
        FramePlan first = plan(firstSize, processor);
        ProgressBar bar = new ProgressBar(err, settings.progress(), source.frameCount());
        InterframeOptions interframe = InterframeOptions.sparse(settings.keyframePeriod());
        VisualizationWriter viz = settings.viz() ? openViz(interframe) : null;
        // without --viz the metrics come from a picture-free run of the same interframe output
        InterframeRun metrics = viz != null ? null : new InterframeRun(settings.geometry(), interframe, GazeMetrics.DEFAULT_EMA_ALPHA);
        long mark = System.nanoTime();
        for (Optional<FrameClip> next = readClip(builder, source); next.isPresent(); next = readClip(builder, source)) {
            FrameClip clip = next.get();
            long read = System.nanoTime();
            List<VideoFrame> frames = source.takeFrames();
            long decode = source.takeDecodeNanos();
            FramePlan plan = clip.sourceSize().equals(first.source()) ? first : plan(clip.sourceSize(), processor);
            VideoClip input = plan.modelInput(clip.clip());
            long tiled = System.nanoTime();
            GazeResult result = gaze(model, plan, input, budget);
            long gazed = System.nanoTime();
            int clipIndex = timings.size();
            GazeTrace trace = renumber(GazeTraces.tiled(result, ConfidenceSource.of(result), plan.placements()).get(0), clipIndex,
                    records.size());
            traces.add(trace);
            for (int t = 0; t < frames.size(); t++) {
                records.add(record(frames.get(t), trace, t, clipIndex, result, viz, metrics));
            }
            long rendered = System.nanoTime();
            timings.add(new ClipTiming(clipIndex, trace.frame(0).frame(), frames.size(), plan.rows(), decode,
                    Math.max(0, read - mark - decode) + (tiled - read), gazed - tiled, rendered - gazed));
            bar.update(records.size(), timings.size());
            mark = System.nanoTime();
        }
        bar.finish(records.size(), timings.size());
        RunMetrics summary;
        try {
            summary = viz != null ? viz.finish().metrics() : metrics.summary();
            if (metrics != null) {
                metrics.close();
            }
        } catch (IOException e) {
            throw new CliException(ExitCode.OUTPUT, "cannot write the visualisation: " + describe(e), e);
        }
        return new RunReport(settings, Files.isDirectory(settings.input()) ? "image-folder" : "video", model, budget, first, traces,
                records, timings, loadNanos, 0, summary);
    }

    /** The backend the settings ask for; OpenCL falls back to the CPU (with a log line) when no device exists. */
    private Backend backend() {
        return switch (settings.backend()) {
            case "opencl" -> Backend.openCl(io.autogaze4j.kernels.OpenClBackend.preferredDevice());
            case "auto" -> Backend.auto();
            default -> Backend.cpu(settings.threads());
        };
    }

    private VisualizationWriter openViz(InterframeOptions interframe) throws CliException {
        VizOptions options = VizOptions.builder().style(MaskStyle.IMAGE_OVERLAY).geometry(settings.geometry()).interframe(interframe)
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
            ImageProcessor p = ImageProcessor.of(model.model().preprocessor());
            return settings.tiles() ? p.withoutResize() : p;
        } catch (IllegalArgumentException e) {
            throw new CliException(ExitCode.MODEL, "the model's preprocessor_config.json cannot be used: " + e.getMessage(), e);
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
            throw new CliException(ExitCode.OUTPUT, "cannot prepare the output directory " + out + ": " + describe(e), e);
        }
    }

    private RecordingSource open() throws CliException {
        try {
            return new RecordingSource(settings.sampling().apply(FrameSources.open(settings.input())));
        } catch (IOException e) {
            throw new CliException(ExitCode.INPUT, describe(e), e);
        } catch (RuntimeException e) {
            throw new CliException(ExitCode.INPUT, "cannot open " + settings.input() + ": " + e.getMessage(), e);
        }
    }

    private FrameSize firstFrame(RecordingSource source) throws CliException {
        Optional<VideoFrame> first;
        try {
            first = source.peek();
        } catch (IOException | RuntimeException e) {
            throw new CliException(ExitCode.INPUT, decodeFailure(e), e);
        }
        if (first.isEmpty()) {
            throw new CliException(ExitCode.INPUT, settings.input() + " yielded no frames to gaze (an empty video, or --start/--end/"
                    + "--every/--frames selected none)");
        }
        return new FrameSize(first.get().image().width(), first.get().image().height());
    }

    private FramePlan plan(FrameSize size, ImageProcessor processor) throws CliException {
        FramePlan plan = FramePlan.of(size, processor, settings.tiles());
        Optional<String> problem = plan.fitProblem(settings.clipLength(), Runtime.getRuntime().maxMemory());
        if (problem.isPresent()) {
            throw new CliException(ExitCode.INPUT, problem.get().replace("lower the clip length", "lower --clip-length")
                    .replace("drop tiling", "drop --tiles"));
        }
        return plan;
    }

    private Optional<FrameClip> readClip(ClipBuilder builder, RecordingSource source) throws CliException {
        try {
            return builder.next(source);
        } catch (IOException | RuntimeException e) {
            throw new CliException(ExitCode.INPUT, decodeFailure(e), e);
        }
    }

    private String decodeFailure(Exception e) {
        return e instanceof IOException io ? describe(io) : "cannot read " + settings.input() + ": " + e.getMessage();
    }

    private static GazeResult gaze(LoadedModel model, FramePlan plan, VideoClip input, GazeBudget budget) throws CliException {
        try {
            return model.model().gaze(input, budget.options());
        } catch (IllegalArgumentException e) {
            throw new CliException(ExitCode.INPUT, "cannot gaze frames of " + plan.source() + ": " + e.getMessage(), e);
        }
    }

    /** The trace of one clip as part of the run: clip {@code clip}, frames numbered from {@code firstFrame}. */
    static GazeTrace renumber(GazeTrace trace, int clip, int firstFrame) {
        List<FrameTrace> frames = new ArrayList<>(trace.frameCount());
        for (FrameTrace f : trace.frames()) {
            int index = firstFrame + f.frame();
            frames.add(new FrameTrace(index, f.fixations().stream().map(x -> new Fixation(index, x.cell(), x.scale(), x.row(), x.col(),
                    x.grid(), x.tile(), x.rect(), x.confidence())).toList()));
        }
        return new GazeTrace(clip, frames, trace.tiles());
    }

    /**
     * The record of frame {@code t} of a clip: its overlay PNG if asked, its interframe metrics, and its
     * visualisation panels when {@code viz} is open.
     */
    private FrameRecord record(VideoFrame frame, GazeTrace trace, int t, int clip, GazeResult result, VisualizationWriter viz,
                               InterframeRun metrics) throws CliException {
        int slots = 0, padded = 0;
        int start = result.frameStart(t);
        for (int row = 0; row < result.batch(); row++) {
            for (int j = start; j < start + result.numGazingEachFrame()[t]; j++) {
                slots++;
                padded += result.padded()[row][j] ? 1 : 0;
            }
        }
        ArgbImage picture = ArgbImage.of(frame.image());
        String png = null;
        try {
            if (viz != null) {
                viz.add(picture, trace, t);
            } else {
                metrics.add(picture, trace, t);
            }
            if (settings.png()) {
                png = FRAMES_DIR + "/" + String.format(Locale.ROOT, "frame_%06d.png", frame.index());
                Path file = settings.out().resolve(png);
                ArgbImage overlay = OVERLAY.render(MaskGeometry.cells(trace, t, settings.geometry()), picture);
                if (!ImageIO.write(overlay.toBufferedImage(), "png", file.toFile())) {
                    throw new IOException("no PNG writer in this JVM");
                }
            }
        } catch (IOException e) {
            throw new CliException(ExitCode.OUTPUT, "cannot write the pictures of frame " + frame.index() + ": " + describe(e), e);
        }
        FrameTrace f = trace.frame(t);
        return new FrameRecord(f.frame(), frame.index(), frame.seconds(), clip, frame.image().width(), frame.image().height(), slots,
                padded, png);
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
