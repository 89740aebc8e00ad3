package io.autogaze4j.kernels;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.jocl.cl_mem;

/**
 * The backend's device buffers for {@link ClDeviceTokens}, given back when closed and reused by later submissions: a
 * gaze call submits a chunk of vision tokens every few frames, each one buffer of up to hundreds of MB, so they are not
 * allocated anew each time. At most the buffers alive at once are kept (two chunks per call with the default schedule).
 * Used under the context's lock.
 */
final class TokenBuffers {
    /** A device buffer of {@code bytes} bytes. */
    record Buffer(cl_mem mem, long bytes) {}

    private final List<Buffer> free = new ArrayList<>();
    private boolean released;

    /**
     * The smallest free buffer of at least {@code bytes}, else a new one (the free ones too small for it are released:
     * calls of a larger batch would never use them again).
     */
    Buffer take(ClContext ctx, long bytes) {
        if (released) {
            throw new IllegalStateException("OpenCL backend is closed");
        }
        Buffer best = free.stream()
                .filter(b -> b.bytes() >= bytes)
                .min(Comparator.comparingLong(Buffer::bytes))
                .orElse(null);
        if (best != null) {
            free.remove(best);
            return best;
        }
        free.removeIf(b -> {
            ClContext.release(b.mem());
            return true;
        });
        return new Buffer(ctx.alloc(bytes), bytes);
    }

    /** Takes {@code b} back for reuse (work enqueued on it before still runs first: one in-order queue). */
    void giveBack(Buffer b) {
        if (released) {
            ClContext.release(b.mem());
        } else {
            free.add(b);
        }
    }

    /** Releases the free buffers; buffers given back later are released then. */
    void release() {
        released = true;
        free.forEach(b -> ClContext.release(b.mem()));
        free.clear();
    }
}
