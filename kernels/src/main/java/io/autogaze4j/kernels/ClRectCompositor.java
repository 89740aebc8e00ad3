package io.autogaze4j.kernels;

import static org.jocl.CL.CL_TRUE;
import static org.jocl.CL.clEnqueueReadBuffer;
import static org.jocl.CL.clEnqueueWriteBuffer;

import io.autogaze4j.tensor.CanvasSize;
import io.autogaze4j.tensor.RectCompositor;
import org.jocl.Pointer;
import org.jocl.Sizeof;
import org.jocl.cl_kernel;
import org.jocl.cl_mem;

/** {@link RectCompositor} with canvas and frame on an OpenCL device; one work-group per rectangle. */
final class ClRectCompositor extends CanvasSize {
    private static final int GROUP = 64;
    private final ClContext ctx;
    private final cl_kernel kernel;
    private final cl_mem canvas;
    private final cl_mem frame;
    private cl_mem rects;
    private int rectCapacity;

    ClRectCompositor(ClContext ctx, cl_kernel kernel, int width, int height) {
        super(width, height);
        this.ctx = ctx;
        this.kernel = kernel;
        long bytes = (long) width * height * Sizeof.cl_int;
        this.canvas = ctx.alloc(bytes);
        this.frame = ctx.alloc(bytes);
    }

    @Override
    public void keyFrame(int[] pixels) {
        RectCompositor.check(this, pixels, null);
        synchronized (ctx) {
            write(canvas, pixels, pixels.length);
        }
    }

    @Override
    public void update(int[] pixels, int[] r) {
        RectCompositor.check(this, pixels, r);
        if (r.length == 0) {
            return;
        }
        synchronized (ctx) {
            if (r.length > rectCapacity) {
                ClContext.release(rects);
                rectCapacity = Math.max(r.length, 2 * rectCapacity);
                rects = ctx.alloc((long) rectCapacity * Sizeof.cl_int);
            }
            write(frame, pixels, pixels.length);
            write(rects, r, r.length);
            ClContext.args(kernel, canvas, frame, width(), rects);
            ctx.launch(kernel, "composite_rects", new long[] {(long) r.length / 4 * GROUP}, new long[] {GROUP});
        }
    }

    private void write(cl_mem mem, int[] data, int count) {
        clEnqueueWriteBuffer(ctx.queue, mem, CL_TRUE, 0, (long) count * Sizeof.cl_int, Pointer.to(data), 0, null, null);
    }

    @Override
    public int[] canvas() {
        int[] out = new int[width() * height()];
        synchronized (ctx) {
            clEnqueueReadBuffer(
                    ctx.queue, canvas, CL_TRUE, 0, (long) out.length * Sizeof.cl_int, Pointer.to(out), 0, null, null);
        }
        return out;
    }

    @Override
    public void close() {
        synchronized (ctx) {
            ClContext.release(canvas);
            ClContext.release(frame);
            ClContext.release(rects);
        }
    }
}
