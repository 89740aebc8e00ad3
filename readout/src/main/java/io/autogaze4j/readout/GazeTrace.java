package io.autogaze4j.readout;

import java.util.ArrayList;
import java.util.List;

/**
 * The fixation trace of one clip (one batch row, or one source clip whose frames were tiled): its frames
 * in order, each with its fixations in trace order. Build traces with {@link GazeTraces} or
 * {@link TraceRecorder}; write them with {@link TraceJson}.
 *
 * @param clip   the clip's index in its batch
 * @param frames consecutive frames, in order
 * @param tiles  where each tile lies on the source frame (empty when frames were not tiled)
 */
public record GazeTrace(int clip, List<FrameTrace> frames, List<TilePlacement> tiles) {

    public GazeTrace {
        if (clip < 0) {
            throw new IllegalArgumentException("clip index must be >= 0, got " + clip);
        }
        frames = List.copyOf(frames);
        tiles = List.copyOf(tiles);
        for (int i = 1; i < frames.size(); i++) {
            if (frames.get(i).frame() != frames.get(i - 1).frame() + 1) {
                throw new IllegalArgumentException("trace frames must be consecutive, got "
                        + frames.get(i - 1).frame() + " then " + frames.get(i).frame());
            }
        }
        for (int i = 0; i < tiles.size(); i++) {
            if (tiles.get(i).index() != i) {
                throw new IllegalArgumentException(
                        "tile " + i + " has index " + tiles.get(i).index());
            }
        }
    }

    /** Number of frames. */
    public int frameCount() {
        return frames.size();
    }

    /** The {@code i}-th frame of this trace (not the absolute frame index). */
    public FrameTrace frame(int i) {
        return frames.get(i);
    }

    /** All fixations, frame by frame in trace order. */
    public List<Fixation> fixations() {
        List<Fixation> all = new ArrayList<>();
        for (FrameTrace f : frames) {
            all.addAll(f.fixations());
        }
        return all;
    }

    /** This trace followed by the frames of {@code later}, which must continue it (streaming). */
    public GazeTrace followedBy(GazeTrace later) {
        if (later.clip != clip || !later.tiles.equals(tiles)) {
            throw new IllegalArgumentException("trace of clip " + later.clip + " cannot continue clip " + clip
                    + (later.tiles.equals(tiles) ? "" : " (different tiling)"));
        }
        List<FrameTrace> all = new ArrayList<>(frames);
        all.addAll(later.frames);
        return new GazeTrace(clip, all, tiles);
    }
}
