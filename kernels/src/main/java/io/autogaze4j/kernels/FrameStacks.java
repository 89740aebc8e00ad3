package io.autogaze4j.kernels;

import io.autogaze4j.tensor.Backend;
import io.autogaze4j.tensor.Tensor;
import java.nio.FloatBuffer;
import java.util.List;
import java.util.stream.IntStream;

/**
 * Packs several frames into one tall frame so a single-frame convolution kernel serves a whole batch in
 * one launch and one round trip. Token grids get {@code pad} zero rows after each frame, which is exactly
 * the zero padding a {@code 2*pad+1} kernel sees at a frame's top and bottom edge, so every real output
 * token is computed as it would be for its frame alone.
 */
final class FrameStacks {
    private FrameStacks() {}

    /**
     * Channels-first images {@code [C, H, W]} (all one size) stacked along H, {@code [C, N*H, W]}, written
     * into {@code out} (one task per image on {@code pool}).
     */
    static void writeImages(List<Tensor> images, FloatBuffer out, Backend pool) {
        Tensor first = images.get(0);
        int c = first.dim(0), h = first.dim(1), w = first.dim(2);
        int n = images.size();
        for (Tensor image : images) {
            if (image.dim(0) != c || image.dim(1) != h || image.dim(2) != w) {
                throw new IllegalArgumentException("images differ in size: " + image + " vs " + first);
            }
        }
        pool.forEachTask(n, i -> {
            for (int ch = 0; ch < c; ch++) {
                out.put(((ch * n + i) * h) * w, images.get(i).data(), ch * h * w, h * w);
            }
        });
    }

    /**
     * Windows of token grids ({@code kt} frames of {@code [gh*gw, C]} each, null = zeros) stacked into one
     * window whose frames are {@code [N*(gh+pad)*gw, C]}: window {@code i} occupies rows
     * {@code i*(gh+pad) .. i*(gh+pad)+gh-1}, followed by {@code pad} zero rows. Written into {@code out} as
     * {@code [kt][N*(gh+pad)*gw*C]} (one task per window on {@code pool}).
     */
    static void writeWindows(
            List<Tensor[]> windows, int gh, int gw, int channels, int pad, FloatBuffer out, Backend pool) {
        int kt = windows.get(0).length;
        int n = windows.size();
        int per = (gh + pad) * gw * channels;
        int real = gh * gw * channels;
        float[] zeros = new float[per];
        pool.forEachTask(n, i -> {
            for (int dt = 0; dt < kt; dt++) {
                Tensor frame = windows.get(i)[dt];
                int at = (dt * n + i) * per;
                out.put(at, frame == null ? zeros : frame.data(), 0, frame == null ? per : real);
                out.put(at + real, zeros, 0, per - real);
            }
        });
    }

    /** The real output tokens of a stacked window's result {@code [N*(gh+pad)*gw, width]}: {@code [N*gh*gw, width]}. */
    static Tensor unstack(FloatBuffer stacked, int width, int frames, int gh, int gw, int pad, Backend pool) {
        int rows = gh * gw * width;
        float[] out = new float[frames * rows];
        pool.forEachTask(frames, i -> stacked.get(i * (gh + pad) * gw * width, out, i * rows, rows));
        return Tensor.wrap(out, frames * gh * gw, width);
    }

    /** The first {@code rows x width} floats of {@code data} as a tensor (copied by row chunks on {@code pool}). */
    static Tensor copy(FloatBuffer data, int rows, int width, Backend pool) {
        float[] out = new float[rows * width];
        int chunk = 1 << 16;
        pool.forEachTask(
                (out.length + chunk - 1) / chunk,
                c -> data.get(c * chunk, out, c * chunk, Math.min(chunk, out.length - c * chunk)));
        return Tensor.wrap(out, rows, width);
    }

    /** Chunks of at most {@code size} consecutive elements. */
    static <T> List<List<T>> chunks(List<T> items, int size) {
        int n = (items.size() + size - 1) / size;
        return IntStream.range(0, n)
                .mapToObj(c -> items.subList(c * size, Math.min(items.size(), (c + 1) * size)))
                .toList();
    }
}
