package io.autogaze4j.kernels;

import java.util.List;
import java.util.stream.Stream;

/**
 * decoder.cl's builds for one decoder shape ({@link ClDecoderSession#builds}), and the rule of which of them a run
 * needs: the one place that says what a decoder session and a call of R rows need, used both to start the builds in
 * the background ({@link ClContext#prebuild}: {@link #atOpen}, {@link #forCall}) and to pick the kernels that wait for
 * them ({@link #largeRows}). Every call needs the step and narrow builds; a session with the tiled attention (by
 * default two batch rows or more) the tiled build; a call of {@link #WIDE_FROM} rows or more the wide row kernels, or
 * their stand-in while the wide build runs. So a batch-1 run (strided attention, every call under {@link #WIDE_FROM}
 * rows) never starts the tiled, stand-in or wide builds, and its process does not wait for them at close (H200, cold:
 * the wide build alone took 12.4 s of a 17.4 s first process).
 *
 * @param step    the step kernels (attention, feed_step, heads_logits, heads_choose)
 * @param narrow  the narrow row kernels: one row per work-group, k loops in slices (decode steps and calls of fewer than
 *                {@link #WIDE_FROM} rows)
 * @param tiled   the tiled attention kernels (attention_prefill, attention_decode, attention_stream,
 *                attention_stream_last)
 * @param standIn the row kernels with one row per work-group and each k loop in one chain: the wide ones' sums, run in
 *                their place while their build is still running; {@code narrow} itself when that has one k slice
 * @param wide    the wide row kernels: several rows per work-group, each k loop in one chain (prefills)
 */
record DecoderBuilds(
        ClContext.ProgramSource step,
        ClContext.ProgramSource narrow,
        ClContext.ProgramSource tiled,
        ClContext.ProgramSource standIn,
        ClContext.ProgramSource wide) {
    /**
     * Rows in a call (batch x new tokens) from which the wide kernels are used; fewer rows get one row per work-group.
     * A batch-1 prefill (196 vision tokens and at most K pending ones: 206 rows at K = 10) stays below it, so a batch-1
     * run never needs the wide build, the slowest one (cold start, H200: 12.4-13.2 s against 0.6-1.0 s for each other).
     */
    static final int WIDE_FROM = 256;

    /**
     * Each build once, in the order to queue them: what every first clip needs first (the step and narrow kernels),
     * then the tiled attention, the stand-in, and the wide kernels, by far the slowest to compile, last.
     */
    List<ClContext.ProgramSource> all() {
        return Stream.of(step, narrow, tiled, standIn, wide).distinct().toList();
    }

    /**
     * The builds to start when a model with this decoder loads ({@code tiledAttention} false: no session yet) or a
     * session opens: the step and narrow kernels, and the tiled attention for a session that runs it; every build with
     * {@code everything} ({@link Prebuild#ALL}).
     */
    List<ClContext.ProgramSource> atOpen(boolean tiledAttention, boolean everything) {
        if (everything) {
            return all();
        }
        return tiledAttention ? List.of(step, narrow, tiled) : List.of(step, narrow);
    }

    /** Whether a call of {@code rows} rows (batch x new tokens) runs the large-row kernels: the wide ones or the stand-in. */
    static boolean largeRows(int rows) {
        return rows >= WIDE_FROM;
    }

    /**
     * The builds a call of {@code rows} rows needs beyond what its session started at open: the stand-in (what it waits
     * for while the wide build runs) and then the wide kernels for {@link #largeRows}, none otherwise.
     */
    List<ClContext.ProgramSource> forCall(int rows) {
        return largeRows(rows) ? List.of(standIn, wide) : List.of();
    }
}
