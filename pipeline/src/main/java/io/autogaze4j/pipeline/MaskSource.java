package io.autogaze4j.pipeline;

import io.autogaze4j.model.AutoGaze;
import io.autogaze4j.model.GazeOptions;
import io.autogaze4j.model.GazeResult;
import io.autogaze4j.readout.viz.DifferenceMaskSource;
import java.util.List;

/**
 * Where the gaze of a batch of rows comes from: the AutoGaze model ({@link #model}), or a model-free source such as
 * the patch-difference baseline ({@link #patchDifference}). Called from the pipeline's one gazing thread.
 */
public interface MaskSource {

    /** Gazes the rows of {@code batch}: one result per slice, in order, each holding that slice's rows. */
    List<GazeResult> gaze(RowBatch batch);

    /** Rows per batch when the pipeline's options leave it open: large on a GPU, the thread count on the CPU. */
    int defaultBatchRows();

    /** Whether the clips must keep their decoded frames (sources that look at pixels, not model input). */
    default boolean needsFrames() {
        return false;
    }

    /** Whether rows may be AnyRes tiles. */
    default boolean takesTiles() {
        return true;
    }

    /** A short name for reports ("model on cpu (16 threads)"). */
    String name();

    /** The model with fixed gazing options; the caller keeps and closes the model. */
    static MaskSource model(AutoGaze model, GazeOptions options) {
        return new ModelMaskSource(model, options);
    }

    /** The model-free patch-difference baseline on whole decoded frames (no tiles). */
    static MaskSource patchDifference(DifferenceMaskSource source) {
        return new PatchDifferenceMaskSource(source);
    }
}
