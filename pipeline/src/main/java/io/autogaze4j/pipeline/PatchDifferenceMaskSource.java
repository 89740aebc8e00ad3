package io.autogaze4j.pipeline;

import io.autogaze4j.model.GazeResult;
import io.autogaze4j.readout.viz.ArgbImage;
import io.autogaze4j.readout.viz.DifferenceMaskSource;
import java.util.ArrayList;
import java.util.List;

/** The model-free patch-difference baseline as a {@link MaskSource}: one row per clip, from its decoded frames. */
final class PatchDifferenceMaskSource implements MaskSource {
    private final DifferenceMaskSource source;

    PatchDifferenceMaskSource(DifferenceMaskSource source) {
        if (source == null) {
            throw new IllegalArgumentException("a difference source must be given");
        }
        this.source = source;
    }

    @Override
    public List<GazeResult> gaze(RowBatch batch) {
        List<GazeResult> out = new ArrayList<>(batch.slices().size());
        for (RowSlice s : batch.slices()) {
            if (s.clip().rows() != 1 || s.clip().frames().isEmpty()) {
                throw new IllegalArgumentException(
                        "the patch-difference source needs whole frames (no tiles) with their pixels kept");
            }
            out.add(source.result(
                    s.clip().frames().stream().map(f -> ArgbImage.of(f.image())).toList()));
        }
        return out;
    }

    @Override
    public int defaultBatchRows() {
        return 1;
    }

    @Override
    public boolean needsFrames() {
        return true;
    }

    @Override
    public boolean takesTiles() {
        return false;
    }

    @Override
    public String name() {
        return "patch difference (threshold " + source.threshold() + ")";
    }
}
