package io.autogaze4j.readout;

import io.autogaze4j.model.GazeCell;
import io.autogaze4j.model.GazeResult;
import java.util.ArrayList;
import java.util.List;

/** Turns the slots of one row and frame of a {@link GazeResult} into fixations. */
final class FixationDecoder {
    private FixationDecoder() {}

    /**
     * The fixations of frame {@code t} (relative to the result's first frame) of batch row {@code row},
     * in gazing order. With a placement the rectangles are mapped to the source frame and cells wholly
     * in the tile's padding are dropped.
     */
    static List<Fixation> frame(
            GazeResult result, int row, int t, ConfidenceSource confidences, TilePlacement placement) {
        int cells = result.layout().cellsPerFrame();
        int start = result.frameStart(t);
        int frame = result.firstFrame() + t;
        long[] pos = result.gazingPos()[row];
        boolean[] padded = result.padded()[row];
        List<Fixation> out = new ArrayList<>();
        for (int j = start; j < start + result.numGazingEachFrame()[t]; j++) {
            if (padded[j]) {
                continue;
            }
            long local = pos[j] - (long) t * cells;
            if (local < 0 || local >= cells) {
                throw new IllegalArgumentException("gazing id " + pos[j] + " at slot " + j + " of row " + row
                        + " is not a cell of frame " + t + " (ids of that frame are in [" + (long) t * cells + ", "
                        + (long) (t + 1) * cells + "))");
            }
            GazeCell c = result.layout().cell(frame, (int) local);
            NormRect rect = NormRect.of(c);
            if (placement != null) {
                rect = placement.toSource(rect);
                if (rect == null) {
                    continue;
                }
            }
            int tile = placement == null ? -1 : placement.index();
            out.add(new Fixation(
                    frame,
                    c.localId(),
                    c.scale(),
                    c.row(),
                    c.col(),
                    c.grid(),
                    tile,
                    rect,
                    confidences.confidence(row, j)));
        }
        return out;
    }

    /** The fixations of frame {@code t} of source clip {@code clip}, whose tiles are rows {@code clip*tiles .. +tiles-1}. */
    static List<Fixation> tiledFrame(
            GazeResult result, int clip, int t, ConfidenceSource confidences, List<TilePlacement> tiles) {
        List<Fixation> out = new ArrayList<>();
        for (TilePlacement tile : tiles) {
            out.addAll(frame(result, clip * tiles.size() + tile.index(), t, confidences, tile));
        }
        return out;
    }

    /** Source clips of a result whose rows are {@code tiles} tiles per clip (tiles empty: one row per clip). */
    static int clips(GazeResult result, List<TilePlacement> tiles) {
        if (tiles.isEmpty()) {
            return result.batch();
        }
        if (result.batch() % tiles.size() != 0) {
            throw new IllegalArgumentException("result has " + result.batch() + " rows, not a multiple of the "
                    + tiles.size() + " tiles per clip");
        }
        return result.batch() / tiles.size();
    }

    /** Frame {@code t} of clip {@code clip}, tiled or not. */
    static List<Fixation> clipFrame(
            GazeResult result, int clip, int t, ConfidenceSource confidences, List<TilePlacement> tiles) {
        return tiles.isEmpty()
                ? frame(result, clip, t, confidences, null)
                : tiledFrame(result, clip, t, confidences, tiles);
    }
}
