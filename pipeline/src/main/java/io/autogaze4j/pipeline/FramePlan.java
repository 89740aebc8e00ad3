package io.autogaze4j.pipeline;

import io.autogaze4j.model.VideoClip;
import io.autogaze4j.model.preprocess.FrameSize;
import io.autogaze4j.model.preprocess.ImageProcessor;
import io.autogaze4j.model.tiling.AnyResTiling;
import io.autogaze4j.model.tiling.PixelRect;
import io.autogaze4j.readout.TilePlacement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * How frames of one size reach the model: resized by the checkpoint's processor (the model squashes
 * them to its 224 x 224 input), or, with tiles, normalised at source resolution and cut into 224-px
 * tiles, one model row each (the official AnyRes recipe, spec section 5.1).
 *
 * @param source    the decoded frame size
 * @param processed the size after preprocessing
 * @param tiling    the tiling, when frames are tiled
 */
public record FramePlan(FrameSize source, FrameSize processed, Optional<AnyResTiling> tiling) {
    private static final long MIB = 1L << 20;

    /**
     * The plan for {@code source}-sized frames through {@code processor} (already without resize when tiling).
     *
     * @throws IllegalArgumentException naming the size, when the processor or the tiling cannot take it (e.g. 10000 x 10
     *     resized to a 224-px shorter edge)
     */
    public static FramePlan of(FrameSize source, ImageProcessor processor, boolean tiles) {
        try {
            FrameSize processed = processor.outputSize(source);
            return new FramePlan(
                    source,
                    processed,
                    tiles
                            ? Optional.of(AnyResTiling.of(source, processed, AnyResTiling.DEFAULT_TILE))
                            : Optional.empty());
        } catch (IllegalArgumentException | ArithmeticException e) {
            throw new IllegalArgumentException(
                    "frames of " + source + " cannot be gazed" + (tiles ? " in tiles" : "") + ": " + e.getMessage(), e);
        }
    }

    /** The model input of a processed clip: itself, or its tile batch. */
    public VideoClip modelInput(VideoClip clip) {
        return tiling.map(t -> t.tile(clip)).orElse(clip);
    }

    /** Where each tile lies on the source frame (empty when untiled). */
    public List<TilePlacement> placements() {
        List<TilePlacement> out = new ArrayList<>();
        tiling.ifPresent(t -> {
            for (int i = 0; i < t.tilesPerFrame(); i++) {
                PixelRect r = t.tileRect(i);
                out.add(TilePlacement.ofPixels(
                        i, r.x0(), r.y0(), t.tile(), t.tile(), processed.width(), processed.height()));
            }
        });
        return out;
    }

    /** Model input rows per clip (tiles per frame, or 1). */
    public int rows() {
        return tiling.map(AnyResTiling::tilesPerFrame).orElse(1);
    }

    /** Side of a model row's frames: the tile, or the processed frame's height. */
    public int rowHeight() {
        return tiling.map(AnyResTiling::tile).orElse(processed.height());
    }

    /** Width of a model row's frames: the tile, or the processed frame's width. */
    public int rowWidth() {
        return tiling.map(AnyResTiling::tile).orElse(processed.width());
    }

    /**
     * The problem, if {@code clipsInFlight} clips of {@code clipLength} frames of this size would not fit at once: more
     * floats than one Java array holds, or (roughly) more than 3/4 of {@code heapBytes} for their decoded frames, processed
     * frames, tiles and an overlay (a pipeline holds several clips at once: queued, being batched, in the model). The
     * message names the fixes in words ("lower the clip length").
     */
    public Optional<String> fitProblem(int clipLength, int clipsInFlight, long heapBytes) {
        long pixels = (long) source.width() * source.height();
        long processedFloats = 3L * processed.width() * processed.height() * clipLength;
        long tileFloats = tiling.map(t -> 3L * t.tile() * t.tile() * t.tilesPerFrame() * clipLength)
                .orElse(0L);
        long bytes = clipsInFlight * (clipLength * 3 * pixels + 4 * (processedFloats + tileFloats) + 8 * pixels);
        String what = "frames of " + source
                + (tiling.isPresent()
                        ? " cut into " + tiling.get().rows() + "x"
                                + tiling.get().cols() + " tiles"
                        : "");
        if (Math.max(processedFloats, tileFloats) > Integer.MAX_VALUE - 8) {
            return Optional.of(what + " are too large to gaze " + clipLength + " at a time: lower the clip length"
                    + (tiling.isPresent() ? " or drop tiling" : ""));
        }
        if (bytes > heapBytes * 3 / 4) {
            return Optional.of(String.format(
                    Locale.ROOT,
                    "%s need about %d MiB for the %d clips of %d frames in flight, more than this JVM's heap (%d MiB) "
                            + "allows: lower"
                            + " the clip length%s or raise the heap (e.g. JAVA_OPTS=-Xmx16g)",
                    what,
                    bytes / MIB,
                    clipsInFlight,
                    clipLength,
                    heapBytes / MIB,
                    tiling.isPresent() ? ", drop tiling" : ""));
        }
        return Optional.empty();
    }
}
