package io.autogaze4j.bench;

import io.autogaze4j.model.AutoGaze;
import io.autogaze4j.model.GazeOptions;
import io.autogaze4j.model.VideoClip;
import io.autogaze4j.pipeline.ClipPacket;
import io.autogaze4j.pipeline.PacketStream;
import io.autogaze4j.pipeline.PipelineOptions;
import io.autogaze4j.pipeline.PipelineSummary;
import io.autogaze4j.pipeline.RowBatch;
import io.autogaze4j.pipeline.RowBatcher;
import io.autogaze4j.pipeline.VideoChunks;
import io.autogaze4j.pipeline.VideoInput;
import io.autogaze4j.pipeline.VideoPipeline;
import io.autogaze4j.readout.TraceJson;
import io.autogaze4j.tensor.Backend;
import io.autogaze4j.tensor.BackendKind;
import io.autogaze4j.video.FrameSampling;
import io.autogaze4j.video.FrameSource;
import io.autogaze4j.video.FrameSources;
import io.autogaze4j.video.VideoReadOptions;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * Whole-pipeline speed on a video file against the model alone at the same batch: tile-frames (model rows x frames) per
 * second end to end (decode, preprocess, gaze, and a writer that serialises each clip's trace), the time of each stage
 * (they overlap: decoding and preprocessing run while the model gazes), and the model-only figure: the same batches,
 * preprocessed beforehand, gazed back to back. Usage:
 * {@code PipelineBenchmark --video FILE [--model DIR] [--backend cpu|opencl] [--batch N (0 = default)] [--tiles]
 * [--frames N] [--copies N] [--gazing-ratio R] [--threads N]}.
 *
 * <p>{@code --copies N} gazes the video N times in one run (N inputs of one pipeline, as a corpus is): a long run, in
 * which filling the first batch and draining the last are paid once, as over a long video.
 */
public final class PipelineBenchmark {
    private PipelineBenchmark() {}

    public static void main(String[] args) throws Exception {
        Path video = null;
        Path model = Path.of("../shared/fixtures/model_k10");
        String backendName = "cpu";
        int batch = 0, frames = 64, copies = 1, threads = Runtime.getRuntime().availableProcessors();
        double ratio = 0.75;
        boolean tiles = false;
        for (int i = 0; i < args.length; i++) {
            String v = i + 1 < args.length ? args[i + 1] : "";
            switch (args[i]) {
                case "--video" -> video = Path.of(v);
                case "--model" -> model = Path.of(v);
                case "--backend" -> backendName = v;
                case "--batch" -> batch = Integer.parseInt(v);
                case "--frames" -> frames = Integer.parseInt(v);
                case "--copies" -> copies = Integer.parseInt(v);
                case "--gazing-ratio" -> ratio = Double.parseDouble(v);
                case "--threads" -> threads = Integer.parseInt(v);
                case "--tiles" -> {
                    tiles = true;
                    continue;
                }
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
            i++;
        }
        if (video == null) {
            throw new IllegalArgumentException("--video FILE is required");
        }
        GazeOptions gaze = GazeOptions.builder().gazingRatio(ratio).build();
        // the preferred OpenCL device (a GPU before a CPU runtime such as PoCL), as the command picks it
        Backend chosen = Backend.named(BackendKind.parse(backendName), threads);
        FrameSampling sampling = FrameSampling.builder().firstFrames(frames).build();
        try (Backend backend = chosen;
                AutoGaze autoGaze = AutoGaze.load(model, backend);
                VideoPipeline pipeline = VideoPipeline.of(
                        autoGaze,
                        gaze,
                        PipelineOptions.builder()
                                .tiles(tiles)
                                .batchRows(batch)
                                .preprocessThreads(threads)
                                .build())) {
            System.out.printf(
                    Locale.ROOT,
                    "%s x %d, backend %s, %d rows per batch, ratio %.2f, %s %s, %d cores%n",
                    video,
                    copies,
                    backend.name(),
                    pipeline.batchRows(),
                    ratio,
                    System.getProperty("java.vm.name"),
                    System.getProperty("java.version"),
                    Runtime.getRuntime().availableProcessors());
            List<VideoInput> inputs = Collections.nCopies(copies, VideoInput.file(video, sampling));
            runPipeline(pipeline, inputs); // warm-up
            double endToEnd = runPipeline(pipeline, inputs);
            double modelOnly = modelOnly(pipeline, video, sampling, copies);
            System.out.printf(Locale.ROOT, "end to end / model only: %.2f%n", endToEnd / modelOnly);
        }
    }

    /** Runs the pipeline once and prints its figures; returns tile-frames per second. */
    private static double runPipeline(VideoPipeline pipeline, List<VideoInput> inputs) {
        long decode = 0, preprocess = 0, gaze = 0, finish = 0, write = 0;
        long tileFrames = 0, frames = 0, json = 0;
        long t0 = System.nanoTime();
        PipelineSummary summary;
        try (PacketStream packets = pipeline.stream(inputs)) {
            while (packets.hasNext()) {
                ClipPacket p = packets.next();
                long w0 = System.nanoTime();
                json += TraceJson.toJson(List.of(p.trace()))
                        .length(); // the writer: what trace.json serialises per clip
                write += System.nanoTime() - w0;
                decode += p.times().decode();
                preprocess += p.times().preprocess();
                gaze += p.times().gaze();
                finish += p.times().finish();
                frames += p.frameCount();
                tileFrames += (long) p.frameCount() * p.result().batch();
            }
            summary = packets.summary().join();
        }
        double wall = (System.nanoTime() - t0) / 1e9;
        System.out.printf(
                Locale.ROOT,
                "pipeline: %d frames, %d tile-frames in %.2f s: %.1f frames/s, %.1f tile-frames/s end to end"
                        + " (%d batches, %d trace chars)%n",
                frames,
                tileFrames,
                wall,
                frames / wall,
                tileFrames / wall,
                summary.batches(),
                json);
        System.out.printf(
                Locale.ROOT,
                "  stages (thread time, overlapping): decode %.2f s, preprocess %.2f s, gaze %.2f s, traces %.2f s,"
                        + " write %.2f s%n",
                decode / 1e9,
                preprocess / 1e9,
                gaze / 1e9,
                finish / 1e9,
                write / 1e9);
        return tileFrames / wall;
    }

    /** The same batches, preprocessed beforehand, gazed back to back; returns tile-frames per second. */
    private static double modelOnly(VideoPipeline pipeline, Path video, FrameSampling sampling, int copies)
            throws Exception {
        List<RowBatch> batches = new ArrayList<>();
        RowBatcher batcher = new RowBatcher(pipeline.batchRows());
        for (int copy = 0; copy < copies; copy++) {
            try (FrameSource source = sampling.apply(FrameSources.video(video, VideoReadOptions.defaults()))) {
                VideoChunks chunks =
                        new VideoChunks(source, copy, video.toString(), pipeline.preprocessor(), 16, false);
                for (var clip = chunks.next(); clip.isPresent(); clip = chunks.next()) {
                    batches.addAll(batcher.add(clip.get()));
                }
            }
        }
        batcher.flush().ifPresent(batches::add);
        long tileFrames = 0;
        long t0 = System.nanoTime();
        for (RowBatch b : batches) {
            pipeline.source().gaze(b);
            VideoClip input = b.input();
            tileFrames += (long) input.batch() * input.frames();
        }
        double wall = (System.nanoTime() - t0) / 1e9;
        System.out.printf(
                Locale.ROOT,
                "model only: %d batches, %d tile-frames in %.2f s: %.1f tile-frames/s%n",
                batches.size(),
                tileFrames,
                wall,
                tileFrames / wall);
        return tileFrames / wall;
    }
}
