package io.autogaze4j.kernels;

import static org.jocl.CL.clReleaseEvent;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.jocl.cl_event;
import org.jocl.cl_mem;

/**
 * The backend's device buffers for {@link ClDeviceTokens}, given back when closed and reused by later submissions: a
 * gaze call submits a chunk of vision tokens every few frames, each one buffer of up to hundreds of MB, so they are not
 * allocated anew each time. At most the buffers alive at once are kept (two chunks per call with the default schedule).
 * Used under the context's lock.
 */
final class TokenBuffers {
    /**
     * A device buffer of {@code bytes} bytes; {@code readsDone}: null, or an event (owned here) done once the last
     * command that read it on another queue is, which the next writer waits for ({@link ClContext#waitOn}).
     */
    record Buffer(cl_mem mem, long bytes, cl_event readsDone) {
        /** Releases the buffer and the event. */
        void release() {
            ClContext.release(mem);
            if (readsDone != null) {
                clReleaseEvent(readsDone);
            }
        }
    }

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
        free.forEach(Buffer::release);
        free.clear();
        return new Buffer(ctx.alloc(bytes), bytes, null);
    }

    /**
     * Takes {@code b} back for reuse: work enqueued on it before runs first (on its queue; {@code b.readsDone()}, when not
     * null, says when the work of another queue is done).
     */
    void giveBack(Buffer b) {
        if (released) {
            b.release();
        } else {
            free.add(b);
        }
    }

    /** Releases the free buffers; buffers given back later are released then. */
    void release() {
        released = true;
        free.forEach(Buffer::release);
        free.clear();
    }
}
