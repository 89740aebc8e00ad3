package io.autogaze4j.pipeline;

import io.autogaze4j.video.ClipBuilder;

/**
 * How a {@link LiveGazer} treats pushed frames.
 *
 * @param clipLength      frames per gazed clip, 1..16 (1 = every gaze sees only the newest frame)
 * @param maxQueuedFrames frames held while the gazer is busy; a push beyond drops the oldest (counted as stale)
 * @param inFlight        clips gazed at once (gazing threads); the model must be safe to call from as many threads
 * @param tiles           cut frames into AnyRes tiles instead of resizing them
 */
public record LiveOptions(int clipLength, int maxQueuedFrames, int inFlight, boolean tiles) {

    public LiveOptions {
        if (clipLength < 1 || clipLength > ClipBuilder.MAX_CLIP_LENGTH) {
            throw new IllegalArgumentException(
                    "clip length must be in 1.." + ClipBuilder.MAX_CLIP_LENGTH + ", got " + clipLength);
        }
        if (maxQueuedFrames < clipLength) {
            throw new IllegalArgumentException(
                    "the queue must hold at least one clip (" + clipLength + " frames), got " + maxQueuedFrames);
        }
        if (inFlight < 1) {
            throw new IllegalArgumentException("at least one clip must be allowed in flight, got " + inFlight);
        }
    }

    /** Single-frame clips, two frames queued, one in flight, resized. */
    public static LiveOptions latestFrame() {
        return new LiveOptions(1, 2, 1, false);
    }
}
