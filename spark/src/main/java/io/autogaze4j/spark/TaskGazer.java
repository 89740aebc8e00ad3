package io.autogaze4j.spark;

import java.io.Serial;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.OptionalInt;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.resource.ResourceInformation;
import org.apache.spark.sql.Row;
import org.apache.spark.util.TaskCompletionListener;

/**
 * What one Spark task does: gaze its spans with this JVM's model and hand Spark one row per frame
 * ({@link FrameRows#SCHEMA}), lazily, clip by clip. A failed clip becomes an error row, or with
 * {@link GazeJobOptions.ErrorPolicy#FAIL} fails the task.
 */
final class TaskGazer implements FlatMapFunction<Iterator<List<VideoSpan>>, Row> {
    @Serial
    private static final long serialVersionUID = 1L;

    private final GazeJobOptions options;

    TaskGazer(GazeJobOptions options) {
        this.options = options;
    }

    @Override
    public Iterator<Row> call(Iterator<List<VideoSpan>> partition) {
        Iterator<VideoSpan> spans = partition.hasNext()
                ? partition.next().iterator()
                : List.<VideoSpan>of().iterator();
        TaskContext task = TaskContext.get();
        PipelineSpanGazer gazer = new PipelineSpanGazer(
                ModelHolder.model(options.model(), options.backend(), gpu(task)),
                options,
                task != null ? Math.max(1, task.cpus()) : 1);
        if (task != null) {
            // also when the task fails or is killed
            task.addTaskCompletionListener((TaskCompletionListener) context -> gazer.close());
        }
        return new Rows(gazer.gaze(spans), FrameRows.of(options.readoutGrid()), options, task);
    }

    /** The GPU Spark gave the task ({@code spark.task.resource.gpu.amount}), by its first address. */
    private static OptionalInt gpu(TaskContext task) {
        ResourceInformation gpu = task != null ? task.resourcesJMap().get("gpu") : null;
        if (gpu == null || gpu.addresses().length == 0) {
            return OptionalInt.empty();
        }
        try {
            return OptionalInt.of(Integer.parseInt(gpu.addresses()[0].strip()));
        } catch (NumberFormatException e) {
            throw new IllegalStateException(
                    "Spark gave this task GPU address '" + gpu.addresses()[0] + "', not a device number: the"
                            + " GPU discovery script must list devices as 0, 1, ...",
                    e);
        }
    }

    /** The rows of the outcomes, in order. */
    private static final class Rows implements Iterator<Row> {
        private final Iterator<ClipOutcome> outcomes;
        private final FrameRows rows;
        private final GazeJobOptions options;
        private final TaskContext task;
        private Iterator<Row> clip = List.<Row>of().iterator();
        private int clipsHanded;

        Rows(Iterator<ClipOutcome> outcomes, FrameRows rows, GazeJobOptions options, TaskContext task) {
            this.outcomes = outcomes;
            this.rows = rows;
            this.options = options;
            this.task = task;
        }

        @Override
        public boolean hasNext() {
            while (!clip.hasNext()) {
                injectFault();
                if (!outcomes.hasNext()) {
                    return false;
                }
                clip = rowsOf(outcomes.next()).iterator();
                clipsHanded++;
            }
            return true;
        }

        @Override
        public Row next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            return clip.next();
        }

        private List<Row> rowsOf(ClipOutcome outcome) {
            if (outcome.error().isEmpty()) {
                return outcome.frames().stream()
                        .map(f -> rows.row(outcome.video(), f))
                        .toList();
            }
            if (options.onError() == GazeJobOptions.ErrorPolicy.FAIL) {
                throw new IllegalStateException(outcome.error().get());
            }
            return List.of(FrameRows.error(
                    outcome.video(), outcome.clip(), outcome.error().get()));
        }

        /** The test fault: a first attempt dies once its first clip's rows went to the writer. */
        private void injectFault() {
            if (options.failFirstAttempt() && clipsHanded > 0 && task != null && task.attemptNumber() == 0) {
                throw new IllegalStateException("fault injected into the first attempt of task " + task.taskAttemptId()
                        + " (GazeJobOptions.failFirstAttempt)");
            }
        }
    }
}
