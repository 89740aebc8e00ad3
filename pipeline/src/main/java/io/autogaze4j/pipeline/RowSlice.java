package io.autogaze4j.pipeline;

/**
 * Rows {@code [from, to)} of a clip that run in one batch.
 *
 * @param clip the clip
 * @param from first row (inclusive)
 * @param to   last row (exclusive)
 */
public record RowSlice(ClipRows clip, int from, int to) {

    public RowSlice {
        if (from < 0 || to > clip.rows() || from >= to) {
            throw new IllegalArgumentException(
                    "rows [" + from + ", " + to + ") outside the " + clip.rows() + " rows of " + clip);
        }
    }

    /** Rows in the slice. */
    public int rows() {
        return to - from;
    }

    /** Whether the slice holds every row of its clip. */
    public boolean wholeClip() {
        return from == 0 && to == clip.rows();
    }
}
