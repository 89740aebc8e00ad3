package io.autogaze4j.pipeline;

import io.autogaze4j.model.VideoClip;
import io.autogaze4j.model.preprocess.FrameSize;
import io.autogaze4j.model.preprocess.ImageProcessor;
import io.autogaze4j.model.preprocess.RgbFrame;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;

/**
 * Turns the decoded frames of a clip into model rows through the checkpoint's Pillow-exact processor: each frame
 * resized and normalised (or normalised at source size and cut into tiles) on its own task, so a clip's frames are
 * processed in parallel. Every frame is computed exactly as {@link ImageProcessor#process(List)} and
 * {@code AnyResTiling.tile} compute it, so the rows are bit-identical to the serial path whatever the thread count.
 * Thread-safe.
 */
public final class Preprocessor {
    private final ImageProcessor processor;
    private final boolean tiles;
    private final ExecutorService pool;

    /**
     * Frames through {@code processor} (resized, or with {@code tiles} normalised at source size and cut into tiles) on
     * {@code pool}, which the caller keeps and shuts down.
     */
    public Preprocessor(ImageProcessor processor, boolean tiles, ExecutorService pool) {
        this.processor = tiles ? processor.withoutResize() : processor;
        this.tiles = tiles;
        this.pool = pool;
    }

    /** Whether frames are cut into tiles. */
    public boolean tiles() {
        return tiles;
    }

    /** The plan for frames of {@code size}. */
    public FramePlan plan(FrameSize size) {
        return FramePlan.of(size, processor, tiles);
    }

    /** The rows {@code [plan.rows(), T, 3, h, w]} of {@code frames} (all of {@code plan.source()} size). */
    public VideoClip rows(List<RgbFrame> frames, FramePlan plan) throws InterruptedException {
        int count = frames.size();
        int perFrame = 3 * plan.rowHeight() * plan.rowWidth();
        long total = (long) plan.rows() * count * perFrame;
        if (total > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException(count + " frames of " + plan.source()
                    + " make too many values for one clip:" + " lower the clip length");
        }
        float[] rows = new float[(int) total];
        List<Future<?>> tasks = new ArrayList<>(count);
        for (int t = 0; t < count; t++) {
            int frame = t;
            tasks.add(pool.submit(() -> processFrame(frames.get(frame), plan, rows, frame, count)));
        }
        try {
            for (Future<?> task : tasks) {
                task.get();
            }
        } catch (ExecutionException e) {
            tasks.forEach(task -> task.cancel(true));
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            tasks.forEach(task -> task.cancel(true));
            throw e;
        }
        return VideoClip.of(rows, plan.rows(), count, plan.rowHeight(), plan.rowWidth());
    }

    private void processFrame(RgbFrame frame, FramePlan plan, float[] rows, int t, int frames) {
        if (frame.width() != plan.source().width()
                || frame.height() != plan.source().height()) {
            throw new IllegalArgumentException("frame " + t + " is " + frame.width() + "x" + frame.height()
                    + " but the clip's frames are " + plan.source() + ": all frames of a video must have one size");
        }
        float[] processed = processor.process(frame);
        if (plan.tiling().isPresent()) {
            plan.tiling().get().cutFrame(processed, rows, t, frames);
        } else {
            System.arraycopy(processed, 0, rows, t * processed.length, processed.length);
        }
    }
}
