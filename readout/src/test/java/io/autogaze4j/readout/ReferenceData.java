package io.autogaze4j.readout;

import io.autogaze4j.model.GazeResult;
import io.autogaze4j.model.ScaleLayout;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** The notation of shared/spec/READOUT_SEMANTICS.md section 9: points, rects, options and the generated output G3. */
final class ReferenceData {
    /** scales "32+64", kernel 16: a 2x2 and a 4x4 scale, 20 tokens per frame. */
    static final ScaleLayout LAYOUT_32_64 = ScaleLayout.of(new int[] {32, 64}, new int[] {2, 4});

    private ReferenceData() {}

    /** {@code P(x, y, w, h, conf, grid)} ({@code with_grid_extent}); float literals widened, as the reference holds binary32. */
    static FixationPoint p(float x, float y, float w, float h, float confidence, int grid) {
        return new FixationPoint(x, y, w, h, confidence, grid);
    }

    /** {@code E(x, y, w, h, conf)} ({@code with_extent}). */
    static FixationPoint e(float x, float y, float w, float h, float confidence) {
        return new FixationPoint(x, y, w, h, confidence, 0);
    }

    /** Rect {@code (x0, y0, x1, y1)} from binary32 literals. */
    static NormRect r(float x0, float y0, float x1, float y1) {
        return new NormRect(x0, y0, x1, y1);
    }

    /** A fixation of frame {@code frame} on cell {@code (row, col)} of the {@code grid} scale of {@link #LAYOUT_32_64}. */
    static Fixation cell(int frame, int grid, int row, int col, double confidence) {
        int scale = grid == 2 ? 0 : 1;
        int local = LAYOUT_32_64.offset(scale) + row * grid + col;
        return new Fixation(
                frame, local, scale, row, col, grid, -1, NormRect.of(LAYOUT_32_64.cell(frame, local)), confidence);
    }

    /** A trace whose frame {@code t} holds {@code frames[t]}. */
    static GazeTrace trace(List<List<Fixation>> frames) {
        List<FrameTrace> out = new ArrayList<>();
        for (int t = 0; t < frames.size(); t++) {
            out.add(new FrameTrace(t, frames.get(t)));
        }
        return new GazeTrace(0, out, List.of());
    }

    /** {@code G3}: gazing_pos [[0, 4, 39]], num_gazing [2, 1], nothing padded, confidences [[1.0, 0.8, 0.9]]. */
    static GazeResult g3() {
        return new GazeResult(
                LAYOUT_32_64,
                0,
                new long[][] {{0, 4, 39}},
                new boolean[][] {{false, false, false}},
                new int[] {2, 1},
                List.of(),
                new float[][] {{1.0f, 0.8f, 0.9f}});
    }

    /** The rows of a flat {@code [N, 4]} listing. */
    static int[] rows(int[]... rows) {
        return Arrays.stream(rows).flatMapToInt(Arrays::stream).toArray();
    }

    static int[] ids(int... ids) {
        return ids;
    }
}
