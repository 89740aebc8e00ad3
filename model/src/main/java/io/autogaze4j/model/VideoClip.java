package io.autogaze4j.model;

import io.autogaze4j.tensor.Tensor;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Preprocessed video, {@code [B, T, 3, H, W]} float32 channels-first (the official model's {@code video}
 * input: pixels already normalised by the image processor). Validated on construction: positive
 * sizes and finite values only.
 */
public final class VideoClip {
    private final float[] data;
    private final int batch;
    private final int frames;
    private final int height;
    private final int width;
    /** The largest |value|, found by the finiteness pass of {@link #of}, so each gaze call checks its bound in O(1). */
    private final float maxMagnitude;

    private VideoClip(float[] data, int batch, int frames, int height, int width) {
        this.data = data;
        this.maxMagnitude = maxMagnitudeOf(data);
        this.batch = batch;
        this.frames = frames;
        this.height = height;
        this.width = width;
    }

    /** Wraps {@code data} laid out {@code [batch, frames, 3, height, width]} (copied). */
    public static VideoClip of(float[] data, int batch, int frames, int height, int width) {
        if (batch < 1 || frames < 1 || height < 1 || width < 1) {
            throw new IllegalArgumentException("clip sizes must be positive: batch " + batch + ", frames " + frames
                    + ", height " + height + ", width " + width);
        }
        long n = (long) batch * frames * 3 * height * width;
        if (n != data.length) {
            throw new IllegalArgumentException("clip [" + batch + ", " + frames + ", 3, " + height + ", " + width
                    + "] needs " + n + " values, got " + data.length);
        }
        VideoClip clip = new VideoClip(data.clone(), batch, frames, height, width);
        if (!Float.isFinite(clip.maxMagnitude)) {
            int i = clip.firstBeyond(Float.MAX_VALUE);
            throw new IllegalArgumentException(
                    "clip value " + clip.data[i] + " at " + clip.position(i) + ": input must be finite");
        }
        return clip;
    }

    /** The largest |value| of {@code data}; NaN when any value is NaN, infinity when any is infinite. */
    private static float maxMagnitudeOf(float[] data) {
        float max = 0;
        for (float v : data) {
            max = Math.max(max, Math.abs(v)); // Math.max keeps a NaN once it has seen one
        }
        return max;
    }

    /** The first index whose |value| exceeds {@code bound} or is NaN; -1 when none does. */
    private int firstBeyond(double bound) {
        for (int i = 0; i < data.length; i++) {
            if (!(Math.abs(data[i]) <= bound)) {
                return i;
            }
        }
        return -1;
    }

    /**
     * Refuses values whose magnitude exceeds {@code bound} (what the image processor can yield), naming the
     * first such value and where it lies; {@code source} says where the bound comes from.
     */
    void checkMagnitude(double bound, String source) {
        if (maxMagnitude <= bound) {
            return;
        }
        int i = firstBeyond(bound);
        throw new IllegalArgumentException(String.format(
                Locale.ROOT,
                "clip value %s at %s is beyond what the image processor"
                        + " yields (|value| <= %.4f for %s): pass frames normalised by ImageProcessor",
                data[i],
                position(i),
                bound,
                source));
    }

    /** Where flat index {@code i} lies, e.g. "batch 0, frame 3, channel 1, row 17, column 200". */
    private String position(int i) {
        int plane = height * width;
        int per = 3 * plane;
        return "batch " + i / (per * frames) + ", frame " + (i / per) % frames + ", channel " + (i % per) / plane
                + ", row " + (i % plane) / width + ", column " + i % width;
    }

    /** From a tensor of shape {@code [B, T, 3, H, W]}. */
    public static VideoClip of(Tensor t) {
        if (t.rank() != 5 || t.dim(2) != 3) {
            throw new IllegalArgumentException("clip tensor must be [B, T, 3, H, W], got " + t);
        }
        return of(t.data(), t.dim(0), t.dim(1), t.dim(3), t.dim(4));
    }

    public int batch() {
        return batch;
    }

    public int frames() {
        return frames;
    }

    public int height() {
        return height;
    }

    public int width() {
        return width;
    }

    /** A copy of frame {@code t} of row {@code b}, {@code [3, H, W]}. */
    public Tensor frame(int b, int t) {
        int per = 3 * height * width;
        int off = (b * frames + t) * per;
        return Tensor.wrap(Arrays.copyOfRange(data, off, off + per), 3, height, width);
    }

    /** The clip's values as a tensor {@code [B, T, 3, H, W]}, not a copy (a large batch holds gigabytes): never written. */
    Tensor values() {
        return Tensor.wrap(data, batch, frames, 3, height, width);
    }

    /** Frames {@code [from, to)} of every row as a new clip. */
    public VideoClip frames(int from, int to) {
        if (from < 0 || to > frames || from >= to) {
            throw new IllegalArgumentException("frame range [" + from + ", " + to + ") outside [0, " + frames + ")");
        }
        int per = 3 * height * width;
        float[] out = new float[batch * (to - from) * per];
        for (int b = 0; b < batch; b++) {
            System.arraycopy(data, (b * frames + from) * per, out, b * (to - from) * per, (to - from) * per);
        }
        return new VideoClip(out, batch, to - from, height, width);
    }

    /** Rows {@code [from, to)} of {@code clip}: one part of a {@link #stack}. */
    public record RowRange(VideoClip clip, int from, int to) {
        /** Checks that the range is a non-empty part of the clip's rows. */
        public RowRange {
            if (from < 0 || to > clip.batch || from >= to) {
                throw new IllegalArgumentException(
                        "row range [" + from + ", " + to + ") outside [0, " + clip.batch + ")");
            }
        }
    }

    /**
     * The rows of {@code parts} stacked in order into one clip (e.g. the rows of several clips gazed as one batch).
     * One copy: the parts' values were checked when they were made, so there is no second copy as in {@link #of}.
     */
    public static VideoClip stack(List<RowRange> parts) {
        VideoClip first = parts.get(0).clip();
        int perRow = first.frames * 3 * first.height * first.width;
        long rows = parts.stream().mapToLong(p -> p.to() - p.from()).sum();
        if (rows * perRow > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException(rows + " rows of " + first.frames + " frames of " + first.width + "x"
                    + first.height + " do not fit one batch: use smaller batches");
        }
        float[] data = new float[(int) rows * perRow];
        int at = 0;
        for (RowRange p : parts) {
            VideoClip c = p.clip();
            if (c.frames != first.frames || c.height != first.height || c.width != first.width) {
                throw new IllegalArgumentException(
                        "cannot stack rows of " + c.frames + " frames of " + c.width + "x" + c.height + " with rows of "
                                + first.frames + " frames of " + first.width + "x" + first.height);
            }
            int n = (p.to() - p.from()) * perRow;
            System.arraycopy(c.data, p.from() * perRow, data, at, n);
            at += n;
        }
        return new VideoClip(data, (int) rows, first.frames, first.height, first.width);
    }

    /** The clip as a tensor {@code [B, T, 3, H, W]} (a copy). */
    public Tensor toTensor() {
        return Tensor.wrap(data.clone(), batch, frames, 3, height, width);
    }

    @Override
    public String toString() {
        return "VideoClip[" + batch + ", " + frames + ", 3, " + height + ", " + width + "]";
    }
}
