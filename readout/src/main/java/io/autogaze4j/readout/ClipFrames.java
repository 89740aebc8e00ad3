package io.autogaze4j.readout;

import io.autogaze4j.model.GazeResult;
import java.util.List;

/** The fixations of a batch of clips, frame by frame: from traces, or decoded on the fly from a result. */
interface ClipFrames {

    int clips();

    int frames(int clip);

    /** The fixations of the {@code t}-th frame of clip {@code clip}, in trace order. */
    List<Fixation> frame(int clip, int t);

    static ClipFrames of(List<GazeTrace> traces) {
        return new ClipFrames() {
            public int clips() {
                return traces.size();
            }

            public int frames(int clip) {
                return traces.get(clip).frameCount();
            }

            public List<Fixation> frame(int clip, int t) {
                return traces.get(clip).frame(t).fixations();
            }
        };
    }

    /** Decodes only what is asked for, without building traces. */
    static ClipFrames of(GazeResult result, ConfidenceSource confidences, List<TilePlacement> tiles) {
        int clips = FixationDecoder.clips(result, tiles);
        return new ClipFrames() {
            public int clips() {
                return clips;
            }

            public int frames(int clip) {
                return result.frames();
            }

            public List<Fixation> frame(int clip, int t) {
                return FixationDecoder.clipFrame(result, clip, t, confidences, tiles);
            }
        };
    }
}
