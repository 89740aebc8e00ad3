package io.autogaze4j.readout.viz;

import io.autogaze4j.model.GazeCell;
import io.autogaze4j.model.GazeResult;
import io.autogaze4j.model.ScaleLayout;
import io.autogaze4j.model.tiling.PixelRect;
import io.autogaze4j.readout.Fixation;
import io.autogaze4j.readout.GazeTrace;
import io.autogaze4j.readout.GazeTraces;
import io.autogaze4j.readout.NormRect;
import java.util.ArrayList;
import java.util.List;

/**
 * A model-free baseline gaze: cells where the frame changed since the previous one. It yields the model's own
 * output types ({@link GazeResult}, {@link GazeTrace}) over the same multi-scale cells, so every renderer and
 * metric works on it unchanged, without weights.
 *
 * <p>Rule, per frame: the first frame gazes every cell of the coarsest scale (it has no predecessor). Every
 * later frame visits the scales from coarse to fine and each scale's cells row-major; a cell is skipped when the
 * union of the cells already chosen at coarser scales covers it (as {@link GeometryMode#DEDUPLICATED} decides),
 * and otherwise chosen when the mean absolute difference of its pixels to the previous frame, over R, G and B
 * in 0..255 units, is greater than {@code threshold}. A small moving object thus gets fine cells, a large
 * change coarse ones. Pixel rectangles follow {@link NormRect#pixelRect}.
 *
 * @param layout    the cells to choose from (e.g. the model's {@code layout()})
 * @param threshold mean absolute difference a cell must exceed, {@code >= 0}
 */
public record DifferenceMaskSource(ScaleLayout layout, double threshold) {
    /** Default threshold: a mean change of 12 levels. */
    public static final double DEFAULT_THRESHOLD = 12;
    /** The official layout: scales 32/64/112/224, grids 2/4/7/14. */
    public static final ScaleLayout OFFICIAL_LAYOUT =
            ScaleLayout.of(new int[] {32, 64, 112, 224}, new int[] {2, 4, 7, 14});

    public DifferenceMaskSource {
        if (layout == null) {
            throw new IllegalArgumentException("layout must be given");
        }
        if (!(threshold >= 0) || Double.isInfinite(threshold)) {
            throw new IllegalArgumentException("threshold must be finite and >= 0, got " + threshold);
        }
    }

    /** The official layout with the default threshold. */
    public static DifferenceMaskSource official() {
        return new DifferenceMaskSource(OFFICIAL_LAYOUT, DEFAULT_THRESHOLD);
    }

    /** The cells of frame {@code frame}, given the previous frame ({@code null} for the first one), in choice order. */
    public List<GazeCell> cells(ArgbImage previous, ArgbImage current, int frame) {
        List<GazeCell> out = new ArrayList<>();
        if (previous == null) {
            for (int id = 0; id < layout.cells(0); id++) {
                out.add(layout.cell(frame, id));
            }
            return out;
        }
        current.requireSameSize(previous, "previous frame");
        List<Fixation> chosen = new ArrayList<>();
        for (int s = 0; s < layout.numScales(); s++) {
            for (int id = layout.offset(s); id < layout.offset(s) + layout.cells(s); id++) {
                GazeCell c = layout.cell(frame, id);
                Fixation f = new Fixation(frame, id, s, c.row(), c.col(), c.grid(), -1, NormRect.of(c), Double.NaN);
                if (!MaskGeometry.coveredByCoarser(f, chosen)
                        && meanAbsDifference(previous, current, c.pixelRect(current.width(), current.height()))
                                > threshold) {
                    out.add(c);
                    chosen.add(f);
                }
            }
        }
        return out;
    }

    /** The baseline gazing of a clip as a one-row {@link GazeResult} (no padding, confidences unknown). */
    public GazeResult result(List<ArgbImage> frames) {
        if (frames.isEmpty()) {
            throw new IllegalArgumentException("the clip has no frames");
        }
        int[] counts = new int[frames.size()];
        List<Long> ids = new ArrayList<>();
        for (int t = 0; t < frames.size(); t++) {
            List<GazeCell> cells = cells(t == 0 ? null : frames.get(t - 1), frames.get(t), t);
            counts[t] = cells.size();
            for (GazeCell c : cells) {
                ids.add((long) t * layout.cellsPerFrame() + c.localId());
            }
        }
        long[][] pos = {ids.stream().mapToLong(Long::longValue).toArray()};
        return new GazeResult(layout, 0, pos, new boolean[1][pos[0].length], counts, List.of());
    }

    /** The baseline gazing of a clip as a trace. */
    public GazeTrace trace(List<ArgbImage> frames) {
        return GazeTraces.of(result(frames)).get(0);
    }

    /** Mean absolute difference of R, G and B over the pixel rectangle {@code rect}. */
    public static double meanAbsDifference(ArgbImage a, ArgbImage b, PixelRect rect) {
        a.requireSameSize(b, "second image");
        if (rect.x1() > a.width() || rect.y1() > a.height()) {
            throw new IllegalArgumentException(
                    "pixel rectangle " + rect + " is outside the " + a.width() + "x" + a.height() + " frame");
        }
        int[] pa = a.pixels();
        int[] pb = b.pixels();
        long sum = 0;
        for (int y = rect.y0(); y < rect.y1(); y++) {
            for (int i = y * a.width() + rect.x0(); i < y * a.width() + rect.x1(); i++) {
                for (int shift = 0; shift < 24; shift += 8) {
                    sum += Math.abs((pa[i] >>> shift & 0xFF) - (pb[i] >>> shift & 0xFF));
                }
            }
        }
        long n = 3L * rect.width() * rect.height();
        return (double) sum / n;
    }
}
