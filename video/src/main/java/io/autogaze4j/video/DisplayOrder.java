package io.autogaze4j.video;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.PriorityQueue;
import org.jcodec.containers.mp4.boxes.CompositionOffsetsBox;
import org.jcodec.containers.mp4.boxes.NodeBox;
import org.jcodec.containers.mp4.boxes.TimeToSampleBox;
import org.jcodec.containers.mp4.boxes.TrakBox;

/**
 * Puts frames that a decoder returns in decoding order (B-frames: I0 P3 B1 B2 ...) back into display
 * order. The window is the least that suffices for the track: how many places the latest frame arrives
 * behind its display position, from the track's {@code stts} and {@code ctts} tables (0 without
 * {@code ctts}, i.e. no reordering).
 */
final class DisplayOrder {
    private final int window;
    private final PriorityQueue<VideoFrame> pending =
            new PriorityQueue<>((a, b) -> Double.compare(a.seconds(), b.seconds()));

    DisplayOrder(int window) {
        this.window = window;
    }

    /** The window a track needs. */
    static int windowOf(TrakBox track) {
        CompositionOffsetsBox ctts = NodeBox.findFirstPath(
                track, CompositionOffsetsBox.class, new String[] {"mdia", "minf", "stbl", "ctts"});
        TimeToSampleBox stts =
                NodeBox.findFirstPath(track, TimeToSampleBox.class, new String[] {"mdia", "minf", "stbl", "stts"});
        if (ctts == null || stts == null) {
            return 0;
        }
        List<Long> pts = new ArrayList<>();
        long dts = 0;
        for (TimeToSampleBox.TimeToSampleEntry e : stts.getEntries()) {
            for (int i = 0; i < e.getSampleCount(); i++) {
                pts.add(dts);
                dts += e.getSampleDuration();
            }
        }
        int sample = 0;
        for (CompositionOffsetsBox.Entry e : ctts.getEntries()) {
            for (int i = 0; i < e.getCount() && sample < pts.size(); i++, sample++) {
                pts.set(sample, pts.get(sample) + e.getOffset());
            }
        }
        long[] sorted = pts.stream().mapToLong(Long::longValue).sorted().toArray();
        int window = 0;
        for (int i = 0; i < pts.size(); i++) {
            window = Math.max(window, i - Arrays.binarySearch(sorted, pts.get(i)));
        }
        return window;
    }

    /** Takes a decoded frame; returns the next frame in display order once it is certain. */
    Optional<VideoFrame> push(VideoFrame decoded) {
        pending.add(decoded);
        return pending.size() > window ? Optional.of(pending.poll()) : Optional.empty();
    }

    /** At the end of the stream: the frames still held, earliest first, one per call. */
    Optional<VideoFrame> drain() {
        return Optional.ofNullable(pending.poll());
    }
}
