package io.autogaze4j.pipeline;

import io.autogaze4j.model.GazeResult;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Collects the per-slice results of batches until every row of a clip is gazed, then hands the clip out with its
 * joined result and its share of the batch time. Clips complete in the order they were batched. Not thread-safe.
 */
final class ClipAssembler {
    /** A clip whose rows are all gazed. */
    record Done(ClipRows clip, GazeResult result, StageTimes times) {}

    private static final class Parts {
        final List<GazeResult> results = new ArrayList<>();
        int rows;
        long gazeNanos;
        int firstBatchRows;
    }

    private final Map<ClipRows, Parts> open = new IdentityHashMap<>();

    /** Takes a gazed batch; returns the clips it completed, in order. */
    List<Done> add(RowBatch batch, List<GazeResult> results, long batchNanos) {
        if (results.size() != batch.slices().size()) {
            throw new IllegalStateException("the mask source returned " + results.size() + " results for "
                    + batch.slices().size() + " slices");
        }
        List<Done> done = new ArrayList<>();
        for (int i = 0; i < results.size(); i++) {
            RowSlice s = batch.slices().get(i);
            Parts p = open.computeIfAbsent(s.clip(), c -> new Parts());
            if (p.results.isEmpty()) {
                p.firstBatchRows = batch.rows();
            }
            p.results.add(results.get(i));
            p.rows += s.rows();
            p.gazeNanos += batchNanos * s.rows() / batch.rows();
            if (p.rows == s.clip().rows()) {
                open.remove(s.clip());
                done.add(new Done(
                        s.clip(),
                        ResultRows.concat(p.results),
                        s.clip().times().withGaze(p.gazeNanos, p.firstBatchRows)));
            }
        }
        return done;
    }
}
