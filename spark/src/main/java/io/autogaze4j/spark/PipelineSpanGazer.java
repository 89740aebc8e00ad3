package io.autogaze4j.spark;

import io.autogaze4j.model.AutoGaze;
import io.autogaze4j.model.GazeOptions;
import io.autogaze4j.pipeline.ClipPacket;
import io.autogaze4j.pipeline.FrameFacts;
import io.autogaze4j.pipeline.PacketStream;
import io.autogaze4j.pipeline.PipelineException;
import io.autogaze4j.pipeline.PipelineOptions;
import io.autogaze4j.pipeline.VideoInput;
import io.autogaze4j.pipeline.VideoPipeline;
import io.autogaze4j.readout.FrameTrace;
import io.autogaze4j.readout.ReadoutOptions;
import io.autogaze4j.readout.SparseProjection;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;

/**
 * Gazes a task's spans through one {@link VideoPipeline} run: decoding, preprocessing and gazing overlap, and rows
 * of several clips and videos share batches (the pipeline's batch rule: without a task-loss stop a clip's tokens
 * are those it gets alone). A video that fails ends its span with failed clips; the spans not yet done go on in
 * a new run. Close it to stop the run and the pipeline's threads.
 */
final class PipelineSpanGazer implements SpanGazer, AutoCloseable {
    private final VideoPipeline pipeline;
    private final GazeJobOptions options;
    private PacketStream running;

    /**
     * A gazer on {@code model} (which the caller keeps) with {@code preprocessThreads} threads preparing frames.
     */
    PipelineSpanGazer(AutoGaze model, GazeJobOptions options, int preprocessThreads) {
        this.options = options;
        PipelineOptions.Builder p = PipelineOptions.builder()
                .clipLength(options.clipLength())
                .tiles(options.tiles())
                .batchRows(options.batchRows().orElse(0))
                .preprocessThreads(preprocessThreads);
        options.readoutGrid().ifPresent(g -> p.projection(SparseProjection.image(g, ReadoutOptions.defaults())));
        this.pipeline = VideoPipeline.of(model, gazeOptions(options), p.build());
    }

    /**
     * The model options of the job: what is given, the model's official defaults for the rest ({@link
     * io.autogaze4j.model.Budget#resolve}); a requirement of "none" switches the stop off (the CLI's
     * {@code --task-loss-requirement none}).
     */
    static GazeOptions gazeOptions(GazeJobOptions o) {
        GazeOptions.Builder b = GazeOptions.builder();
        o.gazingRatio().ifPresent(b::gazingRatio);
        o.taskLossRequirement().ifPresent(b::taskLossRequirement);
        if (o.taskLossRequirementGiven() && o.taskLossRequirement().isEmpty()) {
            b.noTaskLossStop();
        }
        return b.build();
    }

    @Override
    public Iterator<ClipOutcome> gaze(Iterator<VideoSpan> spans) {
        Map<String, Progress> todo = new LinkedHashMap<>();
        spans.forEachRemaining(s -> todo.put(s.video(), new Progress(s)));
        return new Iterator<>() {
            private final Deque<ClipOutcome> failed = new ArrayDeque<>();

            @Override
            public boolean hasNext() {
                while (failed.isEmpty()) {
                    if (running == null) {
                        List<VideoInput> inputs = todo.values().stream()
                                .filter(p -> !p.done())
                                .map(p -> p.input(options))
                                .toList();
                        if (inputs.isEmpty()) {
                            return false;
                        }
                        running = pipeline.stream(inputs);
                    }
                    try {
                        if (running.hasNext()) {
                            return true;
                        }
                        running.close();
                        running = null;
                        todo.values().forEach(Progress::finish);
                    } catch (PipelineException e) {
                        running.close();
                        running = null;
                        Progress p = e.videoId().map(todo::get).orElseThrow(() -> e);
                        failed.addAll(p.fail(e));
                    }
                }
                return true;
            }

            @Override
            public ClipOutcome next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                if (!failed.isEmpty()) {
                    return failed.removeFirst();
                }
                ClipPacket packet = running.next();
                return todo.get(packet.videoId()).gazed(packet, options.clipLength());
            }
        };
    }

    @Override
    public void close() {
        if (running != null) {
            running.close();
        }
        pipeline.close();
    }

    /** How far a span has come: its next clip not yet handed out, and whether it is finished. */
    private static final class Progress {
        private final VideoSpan span;
        private int nextClip;
        private int runStart;
        private boolean done;

        Progress(VideoSpan span) {
            this.span = span;
            this.nextClip = span.firstClip();
        }

        /** Finished, or every planned clip handed out (a span that does not read to the end must not read further). */
        boolean done() {
            return done || (!span.toEnd() && nextClip > span.lastClip());
        }

        void finish() {
            done = true;
        }

        /** The pipeline input reading the span's frames from its next clip on. */
        VideoInput input(GazeJobOptions options) {
            runStart = nextClip;
            VideoSpan rest =
                    new VideoSpan(span.video(), nextClip, Math.max(1, span.lastClip() - nextClip + 1), span.toEnd());
            Path file = VideoFiles.localPath(span.video());
            VideoInput whole = VideoInput.file(file, options.sampling());
            return new VideoInput(
                    span.video(), read -> SpanFrames.of(whole.opener().open(read), rest, options.clipLength()));
        }

        /** The outcome of a packet of the span's current run. */
        ClipOutcome gazed(ClipPacket packet, int clipLength) {
            int clip =
                    runStart + packet.clip(); // packets number the clips of the run's input, which starts at runStart
            nextClip = clip + 1;
            return ClipOutcome.gazed(span.video(), clip, frames(packet, clip, clipLength));
        }

        /** The span's clips from the next one on, failed with {@code e}; the span is finished. */
        List<ClipOutcome> fail(PipelineException e) {
            done = true;
            String cause = e.getCause() != null && e.getCause().getMessage() != null
                    ? e.getCause().getMessage()
                    : e.getMessage();
            List<ClipOutcome> out = new ArrayList<>();
            out.add(ClipOutcome.failed(
                    span.video(), nextClip, "cannot gaze clip " + nextClip + " of " + span.video() + ": " + cause));
            for (int later = nextClip + 1; later <= span.lastClip(); later++) {
                out.add(ClipOutcome.failed(
                        span.video(),
                        later,
                        "not read: clip " + nextClip + " of " + span.video() + " failed before it"));
            }
            return out;
        }
    }

    /** The frames of a packet, numbered in the whole video: clip {@code clip} starts at frame {@code clip * clipLength}. */
    private static List<GazedFrame> frames(ClipPacket packet, int clip, int clipLength) {
        List<GazedFrame> out = new ArrayList<>(packet.frameCount());
        for (int t = 0; t < packet.frameCount(); t++) {
            FrameTrace f = packet.trace().frame(t);
            int frame = t;
            Optional<List<Integer>> readout = packet.imageReadout()
                    .map(r -> Arrays.stream(r.tokens(0, frame)).boxed().toList());
            out.add(new GazedFrame(FrameFacts.of(packet, t, clip * clipLength + t, clip), f.fixations(), readout));
        }
        return out;
    }
}
