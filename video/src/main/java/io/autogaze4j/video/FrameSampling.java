package io.autogaze4j.video;

import java.io.IOException;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Which frames of a source to use: those whose time lies in {@code [fromSeconds, toSeconds)}, of them every
 * {@code step}-th (the first one included), at most {@code maxFrames}. Build with {@link #builder()};
 * {@link #all()} takes everything.
 *
 * <pre>{@code
 * FrameSampling s = FrameSampling.builder().timeRange(2.0, 6.0).everyNth(2).firstFrames(32).build();
 * }</pre>
 *
 * @param fromSeconds start of the time range (inclusive)
 * @param toSeconds   end of the time range (exclusive), {@code +infinity} for the end of the source
 * @param step        take every {@code step}-th frame of the range (1 = all)
 * @param maxFrames   most frames to take, {@code 0} = no limit
 */
public record FrameSampling(double fromSeconds, double toSeconds, int step, int maxFrames) {

    public FrameSampling {
        if (!(fromSeconds >= 0) || !(toSeconds > fromSeconds)) {
            throw new IllegalArgumentException(
                    "time range [" + fromSeconds + ", " + toSeconds + ") s must start at >= 0 and not be empty");
        }
        if (step < 1) {
            throw new IllegalArgumentException("every-n-th step must be at least 1, got " + step);
        }
        if (maxFrames < 0) {
            throw new IllegalArgumentException("frame limit must be >= 0 (0 = no limit), got " + maxFrames);
        }
    }

    /** Every frame. */
    public static FrameSampling all() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** {@code source} seen through this sampling; closing it closes {@code source}. */
    public FrameSource apply(FrameSource source) {
        return new Sampled(source);
    }

    private final class Sampled implements FrameSource {
        private final FrameSource source;
        private int inRange;
        private int taken;
        private boolean done;

        Sampled(FrameSource source) {
            this.source = source;
        }

        @Override
        public Optional<VideoFrame> next() throws IOException {
            while (!done && (maxFrames == 0 || taken < maxFrames)) {
                Optional<VideoFrame> f = source.next();
                if (f.isEmpty() || f.get().seconds() >= toSeconds) {
                    done = true; // frames come in time order: nothing later can be in range
                } else if (f.get().seconds() >= fromSeconds && inRange++ % step == 0) {
                    taken++;
                    return f;
                }
            }
            return Optional.empty();
        }

        /** Known when the source's count is and no time range is set (times are only known while decoding). */
        @Override
        public OptionalInt frameCount() {
            OptionalInt all = source.frameCount();
            if (all.isEmpty() || fromSeconds > 0 || toSeconds != Double.POSITIVE_INFINITY) {
                return OptionalInt.empty();
            }
            int sampled = Math.ceilDiv(all.getAsInt(), step);
            return OptionalInt.of(maxFrames == 0 ? sampled : Math.min(sampled, maxFrames));
        }

        @Override
        public DecodeStatus status() {
            return source.status();
        }

        @Override
        public String description() {
            return source.description() + " sampled " + FrameSampling.this;
        }

        @Override
        public void close() throws IOException {
            source.close();
        }
    }

    /** Builder of {@link FrameSampling}; by default every frame. */
    public static final class Builder {
        private double from = 0;
        private double to = Double.POSITIVE_INFINITY;
        private int step = 1;
        private int max;

        private Builder() {}

        /** At most the first {@code n} (sampled) frames. */
        public Builder firstFrames(int n) {
            if (n < 1) {
                throw new IllegalArgumentException("the number of frames to take must be at least 1, got " + n);
            }
            this.max = n;
            return this;
        }

        /** Every {@code k}-th frame (k = 1: all). */
        public Builder everyNth(int k) {
            this.step = k;
            return this;
        }

        /** Only frames shown at {@code fromSeconds <= t < toSeconds}. */
        public Builder timeRange(double fromSeconds, double toSeconds) {
            this.from = fromSeconds;
            this.to = toSeconds;
            return this;
        }

        public FrameSampling build() {
            return new FrameSampling(from, to, step, max);
        }
    }
}
