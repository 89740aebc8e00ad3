package io.autogaze4j.readout;

import io.autogaze4j.model.GazeResult;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds {@link GazeTrace}s from model results: whole clips and batches (one trace per batch row) and
 * tiled frames (one trace per source clip, the rows of its tiles merged frame by frame). For streams use
 * {@link TraceRecorder}.
 */
public final class GazeTraces {
    private GazeTraces() {}

    /** One trace per batch row, with the confidences the model recorded (if any). */
    public static List<GazeTrace> of(GazeResult result) {
        return of(result, ConfidenceSource.of(result));
    }

    /** One trace per batch row, with the given confidences. */
    public static List<GazeTrace> of(GazeResult result, ConfidenceSource confidences) {
        return tiled(result, confidences, List.of());
    }

    /**
     * Traces of tiled frames: the result's rows are {@code tiles.size()} tiles per source clip, clip-major
     * (row {@code clip * tiles.size() + tile.index()}), and {@code tiles.get(i).index() == i}. Each frame of
     * a clip lists the fixations of tile 0, then tile 1, ..., each in gazing order, with rectangles on
     * the source frame. An empty {@code tiles} list means untiled: one trace per row.
     */
    public static List<GazeTrace> tiled(GazeResult result, ConfidenceSource confidences, List<TilePlacement> tiles) {
        int clips = FixationDecoder.clips(result, tiles);
        List<GazeTrace> traces = new ArrayList<>(clips);
        for (int clip = 0; clip < clips; clip++) {
            List<FrameTrace> frames = new ArrayList<>(result.frames());
            for (int t = 0; t < result.frames(); t++) {
                frames.add(new FrameTrace(
                        result.firstFrame() + t, FixationDecoder.clipFrame(result, clip, t, confidences, tiles)));
            }
            traces.add(new GazeTrace(clip, frames, tiles));
        }
        return traces;
    }
}
