package io.autogaze4j.kernels;

import io.autogaze4j.tensor.DeviceTokens;
import io.autogaze4j.tensor.Tensor;
import org.jocl.Sizeof;
import org.jocl.cl_mem;

/**
 * A vision submission's embeddings kept on the device ({@link ClVisionSession}, {@link OpenClBackend#DEVICE_HANDOFF_PROPERTY}):
 * one buffer {@code [row][frame][token][width]} that a decoder session of the same context copies into its frame's
 * prefill rows ({@link ClFrameLoop}), device to device. The buffer comes from and goes back to the backend's
 * {@link TokenBuffers}; commands enqueued on it before {@link #close} still read what it held (one in-order queue).
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

    /** Takes a buffer for {@code [rows][frames][tokens][width]} from {@code pool}. Under the context's lock. */
    ClDeviceTokens(ClContext ctx, TokenBuffers pool, int rows, int frames, int tokens, int width) {
        this.ctx = ctx;
        this.pool = pool;
        this.rows = rows;
        this.frames = frames;
        this.tokens = tokens;
        this.width = width;
        this.buffer = pool.take(ctx, (long) rows * frames * tokens * width * Sizeof.cl_float);
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

    @Override
    public void close() {
        synchronized (ctx) {
            if (!closed) {
                closed = true;
                pool.giveBack(buffer);
            }
        }
    }
}
