package io.autogaze4j.spark;

import io.autogaze4j.model.AutoGaze;
import io.autogaze4j.model.GazeOptions;
import io.autogaze4j.model.GazeResult;
import io.autogaze4j.model.VideoClip;
import io.autogaze4j.model.preprocess.ImageProcessor;
import io.autogaze4j.model.tiling.AnyResTiling;
import io.autogaze4j.model.tiling.PixelRect;
import io.autogaze4j.readout.ConfidenceSource;
import io.autogaze4j.readout.FrameTrace;
import io.autogaze4j.readout.GazeTrace;
import io.autogaze4j.readout.GazeTraces;
import io.autogaze4j.readout.TilePlacement;
import io.autogaze4j.video.ClipBuilder;
import io.autogaze4j.video.FrameClip;
import io.autogaze4j.video.FrameSource;
import io.autogaze4j.video.FrameSources;
import io.autogaze4j.weights.AutoGazeConfig;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Optional;

/**
 * Gazes spans clip by clip on this thread, each clip one model call as the CLI makes it: decode, preprocess
 * (resize, or AnyRes tiles as one batch), gaze, decode the fixations.
 */
final class DirectSpanGazer implements SpanGazer {
    private final AutoGaze model;
    private final GazeJobOptions options;
    private final GazeOptions gazeOptions;
    private final ClipBuilder clips;

    DirectSpanGazer(AutoGaze model, GazeJobOptions options) {
        this.model = model;
        this.options = options;
        this.gazeOptions = budget(options, model.config());
        ImageProcessor processor = ImageProcessor.of(model.preprocessor());
        this.clips = ClipBuilder.of(options.tiles() ? processor.withoutResize() : processor).clipLength(options.clipLength());
    }

    @Override
    public Iterator<ClipOutcome> gaze(Iterator<VideoSpan> spans) {
        return new Iterator<>() {
            private final Deque<ClipOutcome> ready = new ArrayDeque<>();

            @Override
            public boolean hasNext() {
                while (ready.isEmpty() && spans.hasNext()) {
                    ready.addAll(gazeSpan(spans.next()));
                }
                return !ready.isEmpty();
            }

            @Override
            public ClipOutcome next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                return ready.removeFirst();
            }
        };
    }

    private List<ClipOutcome> gazeSpan(VideoSpan span) {
        List<ClipOutcome> out = new ArrayList<>();
        int clip = span.firstClip();
        try (FrameSource source = options.sampling().apply(FrameSources.open(VideoFiles.localPath(span.video())))) {
            for (int skipped = 0; skipped < span.firstClip() * options.clipLength(); skipped++) {
                if (source.next().isEmpty()) {
                    return out;
                }
            }
            for (; clip <= span.lastClip() || span.toEnd(); clip++) {
                Optional<FrameClip> next = clips.next(source);
                if (next.isEmpty()) {
                    break;
                }
                out.add(ClipOutcome.gazed(span.video(), clip, gaze(next.get(), clip)));
            }
        } catch (IOException | RuntimeException e) {
            String why = "cannot gaze clip " + clip + " of " + span.video() + ": " + (e.getMessage() != null ? e.getMessage() : e);
            out.add(ClipOutcome.failed(span.video(), clip, why));
            for (int later = clip + 1; later <= span.lastClip(); later++) {
                out.add(ClipOutcome.failed(span.video(), later, "not read: clip " + clip + " of " + span.video() + " failed before it"));
            }
        }
        return out;
    }

    private List<GazedFrame> gaze(FrameClip clip, int index) {
        Optional<AnyResTiling> tiling = options.tiles() ? Optional.of(AnyResTiling.of(clip.sourceSize(),
                new io.autogaze4j.model.preprocess.FrameSize(clip.clip().width(), clip.clip().height()), AnyResTiling.DEFAULT_TILE))
                : Optional.empty();
        VideoClip input = tiling.map(t -> t.tile(clip.clip())).orElse(clip.clip());
        GazeResult result = model.gaze(input, gazeOptions);
        GazeTrace trace = GazeTraces.tiled(result, ConfidenceSource.of(result), placements(tiling, clip)).get(0);
        List<GazedFrame> frames = new ArrayList<>(clip.frames());
        int first = index * options.clipLength();
        for (int t = 0; t < clip.frames(); t++) {
            FrameTrace f = trace.frame(t);
            int slots = 0;
            int padded = 0;
            for (int row = 0; row < result.batch(); row++) {
                for (int j = result.frameStart(t); j < result.frameStart(t) + result.numGazingEachFrame()[t]; j++) {
                    slots++;
                    padded += result.padded()[row][j] ? 1 : 0;
                }
            }
            int frame = first + t;
            frames.add(new GazedFrame(frame, clip.indices()[t], clip.seconds()[t], index, clip.sourceSize().width(),
                    clip.sourceSize().height(), slots, padded, f.fixations().stream().map(x -> new io.autogaze4j.readout.Fixation(frame,
                    x.cell(), x.scale(), x.row(), x.col(), x.grid(), x.tile(), x.rect(), x.confidence())).toList()));
        }
        return frames;
    }

    private static List<TilePlacement> placements(Optional<AnyResTiling> tiling, FrameClip clip) {
        List<TilePlacement> out = new ArrayList<>();
        tiling.ifPresent(t -> {
            for (int i = 0; i < t.tilesPerFrame(); i++) {
                PixelRect r = t.tileRect(i);
                out.add(TilePlacement.ofPixels(i, r.x0(), r.y0(), t.tile(), t.tile(), clip.clip().width(), clip.clip().height()));
            }
        });
        return out;
    }

    /** The CLI's budget rules (spec section 4.1): a ratio alone stops nothing early; a requirement alone gazes at ratio 1. */
    private static GazeOptions budget(GazeJobOptions o, AutoGazeConfig config) {
        GazeOptions.Builder b = GazeOptions.builder();
        if (o.gazingRatio().isPresent()) {
            b.gazingRatio(o.gazingRatio().getAsDouble());
            o.taskLossRequirement().ifPresent(b::taskLossRequirement);
        } else if (o.taskLossRequirementGiven()) {
            b.gazingRatio(o.taskLossRequirement().isPresent() ? 1.0 : config.defaultGazingRatio());
            o.taskLossRequirement().ifPresent(b::taskLossRequirement);
        } else {
            b.gazingRatio(config.defaultGazingRatio());
            if (config.hasTaskLossRequirement()) {
                b.taskLossRequirement(config.defaultTaskLossRequirement());
            }
        }
        return b.build();
    }
}
