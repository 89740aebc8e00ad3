package io.autogaze4j.cli;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.OptionalInt;

/**
 * A one-line progress bar on stderr, redrawn in place ({@code \r}): frames gazed of the expected total
 * (when the source knows it), clips done, frames per second. Redraws at most a few times a second, so
 * a log file that captures stderr stays short.
 */
final class ProgressBar {
    private static final int WIDTH = 30;
    private static final long REDRAW_NANOS = 250_000_000L;

    private final PrintWriter err;
    private final boolean enabled;
    private final OptionalInt totalFrames;
    private final long start = System.nanoTime();
    private long lastDraw;
    private boolean drawn;

    /** A bar for {@code totalFrames} frames (empty = unknown); draws nothing unless {@code enabled}. */
    ProgressBar(PrintWriter err, boolean enabled, OptionalInt totalFrames) {
        this.err = err;
        this.enabled = enabled;
        this.totalFrames = totalFrames;
    }

    /** Reports {@code frames} frames in {@code clips} clips done (a run done in one go draws nothing). */
    void update(int frames, int clips) {
        long now = System.nanoTime();
        boolean complete = totalFrames.isPresent() && frames >= totalFrames.getAsInt();
        if (!enabled || complete && !drawn || now - lastDraw < REDRAW_NANOS) {
            return;
        }
        lastDraw = now;
        drawn = true;
        err.print("\r" + line(frames, clips, (now - start) / 1e9));
        err.flush();
    }

    /** Draws the final state and ends the line (only if anything was drawn). */
    void finish(int frames, int clips) {
        if (drawn) {
            err.println("\r" + line(frames, clips, (System.nanoTime() - start) / 1e9));
            err.flush();
        }
    }

    /** The text of the bar. */
    String line(int frames, int clips, double seconds) {
        String rate = String.format(Locale.ROOT, "%.1f frames/s", seconds > 0 ? frames / seconds : 0);
        if (totalFrames.isEmpty() || totalFrames.getAsInt() == 0) {
            return String.format(
                    Locale.ROOT, "gazing: %d frames, %d clip%s, %s", frames, clips, clips == 1 ? "" : "s", rate);
        }
        int total = totalFrames.getAsInt();
        int filled = (int) Math.min(WIDTH, (long) WIDTH * frames / total);
        return String.format(
                Locale.ROOT,
                "gazing [%s%s] %d/%d frames, %d clip%s, %s",
                "#".repeat(filled),
                "-".repeat(WIDTH - filled),
                frames,
                total,
                clips,
                clips == 1 ? "" : "s",
                rate);
    }
}
