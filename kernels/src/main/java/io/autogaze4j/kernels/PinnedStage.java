package io.autogaze4j.kernels;

import static org.jocl.CL.*;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import org.jocl.Pointer;
import org.jocl.Sizeof;
import org.jocl.cl_event;
import org.jocl.cl_mem;

/**
 * A page-locked host buffer, mapped once, through which large uploads and downloads go: the driver moves
 * page-locked memory by DMA at full bus speed, while Java arrays are first copied through the driver's own
 * staging. Callers fill {@link #floats} in place (so packing and transfer share one copy), then
 * {@link #send} and {@link #fetch}. Not thread-safe: used under the context's lock.
 */
final class PinnedStage implements AutoCloseable {
    private final ClContext ctx;
    private cl_mem mem;
    private ByteBuffer mapped;
    /** Bytes. */
    private long capacity;

    PinnedStage(ClContext ctx) {
        this.ctx = ctx;
    }

    /** The first {@code bytes} of the stage (grown as needed; earlier contents are lost when it grows). */
    ByteBuffer reserve(long bytes) {
        if (bytes > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("stage of " + bytes + " bytes is larger than 2 GiB");
        }
        if (bytes > capacity) {
            release();
            capacity = Math.max(bytes, Math.min(Integer.MAX_VALUE, capacity * 2));
            mem = clCreateBuffer(ctx.context, CL_MEM_ALLOC_HOST_PTR | CL_MEM_READ_WRITE, capacity, null, null);
            mapped = clEnqueueMapBuffer(
                            ctx.queue, mem, CL_TRUE, CL_MAP_READ | CL_MAP_WRITE, 0, capacity, 0, null, null, null)
                    .order(ByteOrder.nativeOrder());
        }
        return mapped.duplicate().order(ByteOrder.nativeOrder()).clear().limit((int) bytes);
    }

    /** The first {@code n} floats of the stage (see {@link #reserve}). */
    FloatBuffer floats(long n) {
        return reserve(n * Sizeof.cl_float).asFloatBuffer();
    }

    /** Enqueues the upload of the stage's first {@code bytes} to {@code dst} (the queue is in order). */
    void send(cl_mem dst, long bytes) {
        send(dst, 0, bytes);
    }

    /**
     * Enqueues the upload of the stage's bytes {@code [at, at + bytes)} to the same place of {@code dst}; the caller may
     * fill other parts of the stage meanwhile (the queue is in order).
     */
    void send(cl_mem dst, long at, long bytes) {
        clEnqueueWriteBuffer(
                ctx.queue, dst, CL_FALSE, at, bytes, Pointer.to(mapped).withByteOffset(at), 0, null, null);
        if (!ctx.info.cpu()) {
            clFlush(ctx.queue); // start the copy while the host fills the next piece
        }
    }

    /**
     * Enqueues the upload of {@code rows} runs of {@code bytes} bytes, run r at byte {@code at + r * pitch} of the stage,
     * to the same places of {@code dst}, leaving the bytes between the runs of {@code dst} as they are.
     */
    void sendRows(cl_mem dst, long at, long bytes, long pitch, int rows) {
        long[] origin = {at, 0, 0};
        clEnqueueWriteBufferRect(
                ctx.queue,
                dst,
                CL_FALSE,
                origin,
                origin,
                new long[] {bytes, rows, 1},
                pitch,
                0,
                pitch,
                0,
                Pointer.to(mapped),
                0,
                null,
                null);
    }

    /** Downloads {@code n} floats of {@code src} into the stage, after everything enqueued before, and waits. */
    FloatBuffer fetch(cl_mem src, int n) {
        FloatBuffer view = floats(n);
        ctx.readPolling(src, view, n);
        return view;
    }

    /**
     * Enqueues the download of {@code n} floats of {@code src} into the stage, after everything enqueued before, without
     * waiting: once the returned event is done ({@link ClContext#await}), {@link #floats} holds them.
     */
    cl_event fetchLater(cl_mem src, long n) {
        long bytes = n * Sizeof.cl_float;
        return ctx.readLater(src, reserve(bytes), bytes);
    }

    private void release() {
        if (mem != null) {
            clEnqueueUnmapMemObject(ctx.queue, mem, mapped, 0, null, null);
            clFinish(ctx.queue);
            ClContext.release(mem);
            mem = null;
            mapped = null;
            capacity = 0;
        }
    }

    @Override
    public void close() {
        release();
    }
}
