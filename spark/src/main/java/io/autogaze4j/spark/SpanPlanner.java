package io.autogaze4j.spark;

import java.util.ArrayList;
import java.util.List;

/**
 * Cuts the clips of a corpus into the spans of at most {@code tasks} tasks, each task getting about the same
 * number of clips: the videos in the order given, each task a run of consecutive clips (so a task opens a
 * video once, and a long video spreads over several tasks). A task that starts inside a video decodes the
 * video's earlier sampled frames to reach its first clip.
 */
final class SpanPlanner {
    private SpanPlanner() {}

    /** The spans of each task; videos whose plan failed get none. */
    static List<List<VideoSpan>> tasks(List<VideoPlan> videos, int tasks) {
        if (tasks < 1) {
            throw new IllegalArgumentException("tasks must be at least 1, got " + tasks);
        }
        long total = videos.stream()
                .filter(v -> v.error().isEmpty())
                .mapToLong(VideoPlan::clips)
                .sum();
        long perTask = Math.max(1, Math.ceilDiv(total, tasks));
        List<List<VideoSpan>> out = new ArrayList<>();
        List<VideoSpan> current = new ArrayList<>();
        long room = perTask;
        for (VideoPlan v : videos) {
            if (v.error().isPresent()) {
                continue;
            }
            int next = 0;
            while (next < v.clips()) {
                int take = (int) Math.min(room, v.clips() - next);
                current.add(new VideoSpan(v.video(), next, take, next + take == v.clips()));
                next += take;
                room -= take;
                if (room == 0) {
                    out.add(current);
                    current = new ArrayList<>();
                    room = perTask;
                }
            }
        }
        if (!current.isEmpty()) {
            out.add(current);
        }
        return out;
    }
}
