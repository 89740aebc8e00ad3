package io.autogaze4j.cli;

import io.autogaze4j.readout.viz.GeometryMode;
import io.autogaze4j.readout.viz.VisualizationWriter;
import io.autogaze4j.tensor.BackendKind;
import io.autogaze4j.video.ClipBuilder;
import io.autogaze4j.video.FrameRangeOptions;
import io.autogaze4j.video.FrameSampling;
import io.autogaze4j.video.VideoDecoder;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** The {@code autogaze} command: its options, their checks, and the run they start. */
@Command(
        name = "autogaze",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        usageHelpAutoWidth = true,
        versionProvider = Main.Version.class,
        description = {
            "Gazes a video with NVIDIA AutoGaze: writes trace.json (every frame's gazed cells, padding, options, model"
                    + " and timings) and one PNG per frame with the gazed cells drawn over it, colour by scale.",
            "With no --model the bundled demo checkpoint is used: its weights are random and its gaze is meaningless."
        },
        exitCodeListHeading = "Exit codes:%n",
        exitCodeList = {
            "0:done",
            "1:internal error (a bug; --debug prints the stack trace)",
            "2:bad command line",
            "3:input unusable (missing, unreadable, empty, unsupported codec, bad frame size)",
            "4:model directory unusable (missing files, bad config, corrupt weights)",
            "5:outputs cannot be written (or --out is not empty and --overwrite was not given)",
            "6:out of memory"
        })
final class GazeCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(
            names = {"-i", "--input"},
            paramLabel = "PATH",
            description = "Video file (any codec and container FFmpeg reads: MP4,"
                    + " MOV, MKV, WebM with H.264, HEVC, VP9, AV1, MPEG-4 Part 2, ...) or folder"
                    + " of images (PNG/JPEG/BMP/GIF, file-name order, 25 frames/s). Default: ${DEFAULT-VALUE}")
    Path input = Defaults.input();

    @Option(
            names = {"-m", "--model"},
            paramLabel = "DIR",
            description = "Hugging Face AutoGaze checkpoint (config.json,"
                    + " model.safetensors, preprocessor_config.json), e.g. a download of nvidia/AutoGaze. Default: the "
                    + "bundled demo checkpoint"
                    + " (random weights).")
    Path model;

    @Option(
            names = {"-o", "--out"},
            paramLabel = "DIR",
            description = "Output directory for trace.json and frames/, written"
                    + " atomically (moved into place when complete). It must be new or empty unless --overwrite. Default: "
                    + "${DEFAULT-VALUE}"
                    + " (replaced on every run)")
    Path out = Defaults.out();

    @Option(
            names = "--overwrite",
            description = "Replace an earlier run's output in --out (only once the new run has"
                    + " succeeded; a folder holding other files is never replaced).")
    boolean overwrite;

    @Option(
            names = {"-r", "--gazing-ratio"},
            paramLabel = "R",
            description = "Share of the 265 cells a frame may gaze, in (0, 1]."
                    + " Default: the checkpoint's (0.75 for nvidia/AutoGaze).")
    Double gazingRatio;

    @Option(
            names = "--task-loss-requirement",
            paramLabel = "Q|none",
            description = "Stop gazing a frame once the predicted"
                    + " task loss is at most Q; 'none' never stops early. Default: the checkpoint's (0.7 for "
                    + "nvidia/AutoGaze) when no ratio is"
                    + " given, else none (the official rule).")
    String taskLossRequirement;

    @Mixin
    FrameRangeOptions range = new FrameRangeOptions();

    @Option(
            names = "--clip-length",
            paramLabel = "T",
            description = "Frames per model call, 1.." + ClipBuilder.MAX_CLIP_LENGTH
                    + " (the model sees each clip on its own). Default: ${DEFAULT-VALUE}")
    int clipLength = ClipBuilder.MAX_CLIP_LENGTH;

    @Option(
            names = "--tiles",
            description = "Keep the source resolution: cut frames into 224-px tiles (AnyRes) and gaze each tile,"
                    + " instead of squashing the whole frame to 224x224.")
    boolean tiles;

    @Option(
            names = {"-t", "--threads"},
            paramLabel = "N",
            description = "CPU threads, 1..the number of processors." + " Default: all processors (${DEFAULT-VALUE}).")
    int threads = Runtime.getRuntime().availableProcessors();

    @Option(names = "--no-png", description = "Write trace.json only, no overlay PNGs.")
    boolean noPng;

    @Option(
            names = "--viz",
            description = "Also write viz/: input | mask | interframe panels (PNG), an animated GIF and a"
                    + " self-contained HTML report with the metrics plotted.")
    boolean viz;

    @Option(
            names = "--viz-geometry",
            paramLabel = "MODE",
            description = "Cells drawn and measured: ${COMPLETION-CANDIDATES}." + " Default: ${DEFAULT-VALUE}")
    GeometryMode geometry = GeometryMode.NATIVE;

    @Option(
            names = "--keyframe-period",
            paramLabel = "N",
            description = "Interframe output: refresh the whole frame every N"
                    + " frames (0 = only the first). Default: ${DEFAULT-VALUE}")
    int keyframePeriod = 12;

    @Option(
            names = "--backend",
            paramLabel = "cpu|opencl|auto",
            description = "Where the model runs: cpu (pure Java),"
                    + " opencl (an OpenCL device, a GPU when there is one) or auto (OpenCL if a device exists, else cpu)."
                    + " Without an OpenCL device it falls back to cpu with a warning. Default: ${DEFAULT-VALUE}")
    String backend = "cpu";

    @Option(
            names = "--batch",
            paramLabel = "N",
            description = "Most model rows (clips, or tiles of clips) gazed in one call;"
                    + " rows of several clips share a batch. 0 = the backend's default (48 on a GPU, the CPU's thread count)."
                    + " Default: ${DEFAULT-VALUE}")
    int batch;

    @Option(
            names = "--decoder",
            paramLabel = "ffmpeg|jcodec",
            description =
                    "Video decoder: ffmpeg (native, every codec and"
                            + " container, the default) or jcodec (pure Java, H.264 in MP4/MOV only). Default: ${DEFAULT-VALUE}")
    String decoder = "ffmpeg";

    @Option(
            names = "--strict",
            description = "A video that ends before the frame count its container declares (truncated or"
                    + " damaged) is an error (exit 3) instead of a warning.")
    boolean strict;

    @Option(
            names = "--no-metrics",
            description = "Skip the interframe metrics (gaze ratio, update ratio, PSNR); with"
                    + " --no-png too, decoded frames are not kept once preprocessed.")
    boolean noMetrics;

    @Option(
            names = "--readout-grid",
            paramLabel = "ROWSxCOLS",
            description = "Also write the readout: fixations projected onto a"
                    + " downstream model's ROWSxCOLS patch grid (e.g. 14x14), as [N,4] video-token coordinates "
                    + "(clip, temporal, row, col).")
    String readoutGrid;

    @Option(
            names = "--tubelet",
            paramLabel = "T",
            description = "Frames per tubelet of the readout's video tokens (divides"
                    + " --clip-length). Default: ${DEFAULT-VALUE}")
    int tubelet = 1;

    @Option(
            names = "--readout-format",
            paramLabel = "npy|json",
            description = "Where the readout coordinates go: npy"
                    + " (readout.npy, int32 [N,4]) or json (a readout block in trace.json). Default: ${DEFAULT-VALUE}")
    String readoutFormat = "npy";

    @Option(names = "--no-progress", description = "Draw no progress bar on stderr.")
    boolean noProgress;

    @Option(names = "--debug", description = "Print the stack trace of a failure.")
    boolean debug;

    @Override
    public Integer call() throws CliException {
        RunSettings settings = settings();
        RunReport report;
        // the default folder is the main job's own and is replaced on every run; one the user names is only with
        // --overwrite
        boolean replace = overwrite || !spec.commandLine().getParseResult().hasMatchedOption("--out");
        try (OutputDirectory output = OutputDirectory.open(settings.out(), replace)) {
            report = gaze(settings.withOut(output.path()));
            Path trace = output.path().resolve(GazeRun.TRACE_FILE);
            try {
                RunJson.write(report, trace);
            } catch (IOException e) {
                throw new CliException(
                        ExitCode.OUTPUT,
                        "cannot write " + settings.out().resolve(GazeRun.TRACE_FILE) + ": " + GazeRun.describe(e),
                        e);
            }
            Optional<ReadoutRecord> readout =
                    report.readout().filter(r -> r.spec().format() == ReadoutSpec.Format.NPY);
            if (readout.isPresent()) {
                try {
                    NpyFile.writeInts(
                            output.path().resolve(ReadoutRecord.NPY_FILE),
                            readout.get().coords(),
                            4);
                } catch (IOException e) {
                    throw new CliException(
                            ExitCode.OUTPUT,
                            "cannot write " + settings.out().resolve(ReadoutRecord.NPY_FILE) + ": "
                                    + GazeRun.describe(e),
                            e);
                }
            }
            output.commit();
        }
        printSummary(report, settings.out());
        return ExitCode.OK;
    }

    private RunReport gaze(RunSettings settings) throws CliException {
        try {
            return new GazeRun(settings, err()).run();
        } catch (OutOfMemoryError e) {
            throw new CliException(
                    ExitCode.OUT_OF_MEMORY,
                    "out of memory (heap " + (Runtime.getRuntime().maxMemory() >> 20) + " MiB):"
                            + " lower --clip-length, drop --tiles, or raise the heap (e.g. JAVA_OPTS=-Xmx16g)",
                    e);
        }
    }

    /** The options checked and gathered; a bad value is a {@link ParameterException} (exit code 2). */
    RunSettings settings() {
        if (gazingRatio != null && !(gazingRatio > 0 && gazingRatio <= 1)) {
            throw usage("--gazing-ratio must be in (0, 1], got " + gazingRatio);
        }
        OptionalDouble requirement = OptionalDouble.empty();
        if (taskLossRequirement != null && !taskLossRequirement.strip().equalsIgnoreCase("none")) {
            try {
                requirement = OptionalDouble.of(Double.parseDouble(taskLossRequirement.strip()));
            } catch (NumberFormatException e) {
                throw usage("--task-loss-requirement must be a number or 'none', got '" + taskLossRequirement + "'");
            }
            if (!Double.isFinite(requirement.getAsDouble())) {
                throw usage("--task-loss-requirement must be finite, got " + taskLossRequirement);
            }
        }
        try {
            BackendKind.parse(backend);
        } catch (IllegalArgumentException e) {
            throw usage("--" + e.getMessage());
        }
        if (keyframePeriod < 0) {
            throw usage("--keyframe-period must be >= 0, got " + keyframePeriod);
        }
        if (range.frames().isPresent() && range.frames().getAsInt() < 1) {
            throw usage("--frames must be at least 1, got " + range.frames().getAsInt());
        }
        if (range.every() < 1) {
            throw usage("--every must be at least 1, got " + range.every());
        }
        if (!(range.start() >= 0) || Double.isInfinite(range.start())) {
            throw usage("--start must be a time >= 0 in seconds, got " + range.start());
        }
        if (!(range.end() > range.start())) { // an absent --end is +infinity, after any finite start
            throw usage("--end (" + range.end() + " s) must be after --start (" + range.start() + " s)");
        }
        if (clipLength < 1 || clipLength > ClipBuilder.MAX_CLIP_LENGTH) {
            throw usage("--clip-length must be in 1.." + ClipBuilder.MAX_CLIP_LENGTH + ", got " + clipLength);
        }
        int processors = Runtime.getRuntime().availableProcessors();
        if (threads < 1 || threads > processors) {
            throw usage("--threads must be in 1.." + processors
                    + " (this machine's processors; more threads only slow the run), got " + threads);
        }
        if (out.toString().isBlank()) {
            throw usage("--out must name a directory, got an empty path");
        }
        if (batch < 0) {
            throw usage("--batch must be >= 1, or 0 for the backend's default; got " + batch);
        }
        VideoDecoder videoDecoder = switch (decoder.strip().toLowerCase(Locale.ROOT)) {
            case "ffmpeg" -> VideoDecoder.FFMPEG;
            case "jcodec" -> VideoDecoder.JCODEC;
            default -> throw usage("--decoder must be ffmpeg or jcodec, got '" + decoder + "'");
        };
        Optional<ReadoutSpec> readout = readout();
        FrameSampling.Builder sampling =
                FrameSampling.builder().everyNth(range.every()).timeRange(range.start(), range.end());
        range.frames().ifPresent(sampling::firstFrames);
        return new RunSettings(
                input,
                Optional.ofNullable(model),
                out,
                gazingRatio != null ? OptionalDouble.of(gazingRatio) : OptionalDouble.empty(),
                taskLossRequirement != null,
                requirement,
                sampling.build(),
                clipLength,
                tiles,
                threads,
                !noPng,
                !noProgress,
                viz,
                geometry,
                keyframePeriod,
                backend.strip().toLowerCase(java.util.Locale.ROOT),
                batch,
                videoDecoder,
                strict,
                viz || !noMetrics,
                readout);
    }

    /** The readout asked for by --readout-grid, --tubelet and --readout-format. */
    private Optional<ReadoutSpec> readout() {
        ReadoutSpec.Format format = switch (readoutFormat.strip().toLowerCase(Locale.ROOT)) {
            case "npy" -> ReadoutSpec.Format.NPY;
            case "json" -> ReadoutSpec.Format.JSON;
            default -> throw usage("--readout-format must be npy or json, got '" + readoutFormat + "'");
        };
        if (tubelet < 1 || clipLength % tubelet != 0) {
            throw usage("--tubelet must be >= 1 and divide --clip-length (" + clipLength + "), got " + tubelet);
        }
        if (readoutGrid == null) {
            return Optional.empty();
        }
        String[] parts = readoutGrid.strip().toLowerCase(Locale.ROOT).split("x");
        try {
            if (parts.length != 2) {
                throw new NumberFormatException();
            }
            int rows = Integer.parseInt(parts[0]), cols = Integer.parseInt(parts[1]);
            if (rows < 1 || cols < 1 || rows > 1024 || cols > 1024) {
                throw new NumberFormatException();
            }
            return Optional.of(new ReadoutSpec(rows, cols, tubelet, format));
        } catch (NumberFormatException e) {
            throw usage(
                    "--readout-grid must be ROWSxCOLS with both in 1..1024 (e.g. 14x14), got '" + readoutGrid + "'");
        }
    }

    private ParameterException usage(String message) {
        return new ParameterException(spec.commandLine(), message);
    }

    private PrintWriter err() {
        return spec.commandLine().getErr();
    }

    /** The summary on stdout; {@code out} is where the output now lies (the report's settings name the staging folder). */
    private void printSummary(RunReport r, Path out) {
        Path trace = out.resolve(GazeRun.TRACE_FILE);
        PrintWriter stdout = spec.commandLine().getOut();
        int frames = r.frames().size();
        long gazed = r.traces().stream().mapToLong(t -> t.fixations().size()).sum();
        int clips = r.clips().size();
        stdout.printf(
                Locale.ROOT,
                "gazed %d frames of %s (%s, %d clip%s%s) in %.1f s (%.2f frames/s), %.1f cells per frame on average%n",
                frames,
                r.settings().input(),
                r.plan().source(),
                clips,
                clips == 1 ? "" : "s",
                r.plan()
                        .tiling()
                        .map(t -> ", " + t.rows() + "x" + t.cols() + " tiles of " + t.tile() + " px")
                        .orElse(""),
                r.totalNanos() / 1e9,
                frames / (r.totalNanos() / 1e9),
                (double) gazed / frames);
        stdout.println("backend:  " + r.model().model().backend().name());
        stdout.println("trace:    " + trace);
        if (r.settings().png()) {
            stdout.println("overlays: " + out.resolve(GazeRun.FRAMES_DIR) + " (" + frames
                    + " PNGs; cells coloured by scale:" + " red 2x2, orange 4x4, green 7x7, blue 14x14)");
        }
        if (r.settings().viz()) {
            stdout.println("viz:      " + out.resolve(GazeRun.VIZ_DIR) + " (panels, " + VisualizationWriter.GIF_NAME
                    + ", " + VisualizationWriter.HTML_NAME + ")");
        }
        if (r.metrics() != null) {
            stdout.println("metrics:  " + r.metrics().summaryLine());
        }
        r.readout()
                .ifPresent(x -> stdout.println("readout:  " + x.coords().size() + " video tokens on a "
                        + x.spec().rows() + "x"
                        + x.spec().cols() + " grid, tubelets of " + x.spec().tubelet()
                        + (x.spec().format() == ReadoutSpec.Format.NPY
                                ? " -> " + out.resolve(ReadoutRecord.NPY_FILE)
                                : " (in trace.json)")
                        + (x.skippedClips() > 0
                                ? "; " + x.skippedClips() + " clip(s) not whole tubelets left out"
                                : "")));
        if (r.model().demo()) {
            stdout.println(
                    "note:     demo checkpoint with random weights: this gaze is meaningless (use --model DIR for real gaze)");
        }
        stdout.flush();
    }

    /**
     * Default paths: relative to {@code -Dautogaze.home} (the ./autogaze launcher sets it to the checkout), else the working
     * directory.
     */
    static final class Defaults {
        private Defaults() {}

        static Path home() {
            String home = System.getProperty("autogaze.home");
            return home != null ? Path.of(home) : Path.of("");
        }

        static Path input() {
            return home().resolve("../shared/media/example_input.mp4").normalize();
        }

        static Path out() {
            return home().resolve("runs/example").normalize();
        }
    }
}
