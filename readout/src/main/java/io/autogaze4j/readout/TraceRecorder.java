package io.autogaze4j.readout;

import io.autogaze4j.model.GazeResult;
import java.util.ArrayList;
import java.util.List;

/**
 * Collects the traces of a stream: give it every result a {@code GazeStream} returns, in order, and it
 * keeps one growing trace per clip (frame indices continue across calls, as the results'
 * {@code firstFrame} says). Not thread-safe.
 */
public final class TraceRecorder {
    private final List<TilePlacement> tiles;
    private List<GazeTrace> traces = List.of();

    /** A recorder for untiled streams (one trace per batch row). */
    public TraceRecorder() {
        this(List.of());
    }

    /** A recorder for tiled streams: each push's rows are {@code tiles.size()} tiles per clip, as in {@link GazeTraces#tiled}. */
    public TraceRecorder(List<TilePlacement> tiles) {
        this.tiles = List.copyOf(tiles);
    }

    /** Records one result with the confidences the model recorded; returns the traces of just this result. */
    public List<GazeTrace> add(GazeResult result) {
        return add(result, ConfidenceSource.of(result));
    }

    /** Records one result with the given confidences; returns the traces of just this result. */
    public List<GazeTrace> add(GazeResult result, ConfidenceSource confidences) {
        List<GazeTrace> part = GazeTraces.tiled(result, confidences, tiles);
        if (traces.isEmpty()) {
            traces = part;
            return part;
        }
        if (part.size() != traces.size()) {
            throw new IllegalArgumentException(
                    "result has " + part.size() + " clips but the stream has " + traces.size());
        }
        List<GazeTrace> joined = new ArrayList<>(traces.size());
        for (int i = 0; i < traces.size(); i++) {
            joined.add(traces.get(i).followedBy(part.get(i)));
        }
        traces = List.copyOf(joined);
        return part;
    }

    /** The traces so far, one per clip. */
    public List<GazeTrace> traces() {
        return traces;
    }
}
