package io.autogaze4j.kernels;

import static org.jocl.CL.clReleaseEvent;
import static org.jocl.CL.clWaitForEvents;

import io.autogaze4j.tensor.DeviceTokens;
import io.autogaze4j.tensor.Tensor;
import org.jocl.Sizeof;
import org.jocl.cl_event;
import org.jocl.cl_mem;

/**
 * A vision submission's embeddings kept on the device ({@link ClVisionSession}, {@link OpenClBackend#DEVICE_HANDOFF_PROPERTY}):
 * one buffer {@code [row][frame][token][width]} that a decoder session of the same context copies into its frame's
 * prefill rows ({@link ClFrameLoop}), device to device. The buffer comes from and goes back to the backend's
 * {@link TokenBuffers}; commands enqueued on it before {@link #close} still read what it held.
 *
 * <p>Made on the vision session's second queue ({@link OpenClBackend#VISION_QUEUE_PROPERTY}), they carry the event of
 * that work's end ({@link #ready}), which the decoder's copy waits for; each copy's own event ({@link #readBy}) goes back
 * to the pool with the buffer, and the next submission that takes it waits for it. On one queue there are no events.
 */
final class ClDeviceTokens implements DeviceTokens {
    private final ClContext ctx;
    private final TokenBuffers pool;
    private final TokenBuffers.Buffer buffer;
    private final int rows;
    private final int frames;
    private final int tokens;
    private final int width;
    private boolean closed;
    /** Done once the work that makes the tokens is, when it ran on another queue than the decoder's; else null. */
    private cl_event ready;
    /** The last copy of the tokens on another queue than the one that made them, or null. */
    private cl_event lastRead;

    /**
     * Takes a buffer for {@code [rows][frames][tokens][width]} from {@code pool}; the queue in use waits for the reads of
     * its last holder on another queue. Under the context's lock.
     */
    ClDeviceTokens(ClContext ctx, TokenBuffers pool, int rows, int frames, int tokens, int width) {
        this.ctx = ctx;
        this.pool = pool;
        this.rows = rows;
        this.frames = frames;
        this.tokens = tokens;
        this.width = width;
        TokenBuffers.Buffer taken = pool.take(ctx, (long) rows * frames * tokens * width * Sizeof.cl_float);
        if (taken.readsDone() != null) {
            ctx.waitOn(taken.readsDone());
        }
        this.buffer = new TokenBuffers.Buffer(taken.mem(), taken.bytes(), null);
    }

    /** The tokens are made on another queue than the decoder's: {@code ev} (owned here from now) is done with them. */
    void ready(cl_event ev) {
        ready = ev;
    }

    /** What a command reading the tokens on the decoder's queue waits for: empty, or the {@link #ready} event. */
    cl_event[] waitList() {
        return ready == null ? new cl_event[0] : new cl_event[] {ready};
    }

    /** {@code ev} (owned here from now) is a command that reads the tokens on the decoder's queue. */
    void readBy(cl_event ev) {
        if (lastRead != null) {
            clReleaseEvent(lastRead);
        }
        lastRead = ev;
    }

    @Override
    public int rows() {
        return rows;
    }

    @Override
    public int frames() {
        return frames;
    }

    @Override
    public int tokens() {
        return tokens;
    }

    @Override
    public int width() {
        return width;
    }

    /** Whether {@link #close} was called. */
    boolean closed() {
        return closed;
    }

    /** Whether these tokens live in {@code context}. */
    boolean livesIn(ClContext context) {
        return context == ctx;
    }

    /**
     * The device buffer.
     *
     * @throws IllegalStateException when closed
     */
    cl_mem mem() {
        if (closed) {
            throw new IllegalStateException("device tokens are closed");
        }
        return buffer.mem();
    }

    /** Byte offset of frame {@code t} of row 0; row r's is {@link #rowPitch} bytes further per row. */
    long frameOffset(int t) {
        return (long) t * tokens * width * Sizeof.cl_float;
    }

    /** Bytes from one row's frames to the next row's. */
    long rowPitch() {
        return (long) frames * tokens * width * Sizeof.cl_float;
    }

    @Override
    public Tensor[] toHost(int t) {
        if (t < 0 || t >= frames) {
            throw new IllegalArgumentException("frame " + t + " of device tokens of " + frames);
        }
        synchronized (ctx) {
            cl_mem mem = mem();
            awaitReady();
            Tensor[] out = new Tensor[rows];
            int per = tokens * width;
            for (int r = 0; r < rows; r++) {
                float[] frame = new float[per];
                ctx.read(mem, ((long) r * frames + t) * per, frame, per);
                out[r] = Tensor.wrap(frame, tokens, width);
            }
            return out;
        }
    }

    /** Waits until the work that makes the tokens is done, where it ran on another queue (a read on this one follows). */
    void awaitReady() {
        if (ready != null) {
            clWaitForEvents(1, new cl_event[] {ready});
        }
    }

    @Override
    public void close() {
        synchronized (ctx) {
            if (!closed) {
                closed = true;
                if (ready != null) {
                    clReleaseEvent(ready);
                }
                pool.giveBack(new TokenBuffers.Buffer(buffer.mem(), buffer.bytes(), lastRead));
            }
        }
    }
}
