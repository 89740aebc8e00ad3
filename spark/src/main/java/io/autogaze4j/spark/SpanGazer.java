package io.autogaze4j.spark;

import java.util.Iterator;

/**
 * The one seam between the Spark job and the gazing: turns the spans of a task into gazed clips. Spark
 * decides which spans a task gets; a gazer decides how they are decoded, batched and run on the model.
 */
public interface SpanGazer {
    /**
     * The outcomes of every clip of {@code spans}, span by span and clip by clip in order. A clip that cannot
     * be decoded or gazed gives a failed outcome, and so does every later planned clip of its span (the
     * video cannot be read past it); the next span starts afresh. Clips are gazed as the iterator is read.
     */
    Iterator<ClipOutcome> gaze(Iterator<VideoSpan> spans);
}
