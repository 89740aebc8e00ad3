package io.autogaze4j.kernels;

import io.autogaze4j.tensor.Tensor;
import java.util.List;
import java.util.stream.IntStream;

/**
 * Packs several frames into one tall frame so a single-frame convolution kernel serves a whole batch in
 * one launch and one round trip. Token grids get {@code pad} zero rows after each frame, which is exactly
 * the zero padding a {@code 2*pad+1} kernel sees at a frame's top and bottom edge, so every real output
 * token is computed as it would be for its frame alone.
 */
final class FrameStacks {
    private FrameStacks() {
    }

    /** Channels-first images {@code [C, H, W]} (all one size) stacked along H: {@code [C, N*H, W]}. */
    static Tensor images(List<Tensor> images) {
        Tensor first = images.get(0);
        int c = first.dim(0), h = first.dim(1), w = first.dim(2);
        int n = images.size();
        float[] out = new float[c * n * h * w];
        for (int i = 0; i < n; i++) {
            Tensor image = images.get(i);
            if (image.dim(0) != c || image.dim(1) != h || image.dim(2) != w) {
                throw new IllegalArgumentException("images differ in size: " + image + " vs " + first);
            }
            for (int ch = 0; ch < c; ch++) {
                System.arraycopy(image.data(), ch * h * w, out, ((ch * n + i) * h) * w, h * w);
            }
        }
        return Tensor.wrap(out, c, n * h, w);
    }

    /**
     * Windows of token grids ({@code kt} frames of {@code [gh*gw, C]} each, null = zeros) stacked into one
     * window whose frames are {@code [N*(gh+pad)*gw, C]}: window {@code i} occupies rows
     * {@code i*(gh+pad) .. i*(gh+pad)+gh-1}, followed by {@code pad} zero rows.
     */
    static Tensor[] windows(List<Tensor[]> windows, int gh, int gw, int channels, int pad) {
        int kt = windows.get(0).length;
        int per = (gh + pad) * gw * channels;
        Tensor[] out = new Tensor[kt];
        for (int dt = 0; dt < kt; dt++) {
            float[] data = new float[windows.size() * per];
            for (int i = 0; i < windows.size(); i++) {
                Tensor frame = windows.get(i)[dt];
                if (frame != null) {
                    System.arraycopy(frame.data(), 0, data, i * per, gh * gw * channels);
                }
            }
            out[dt] = Tensor.wrap(data, windows.size() * (gh + pad) * gw, channels);
        }
        return out;
    }

    /** The real output tokens of a stacked window's result {@code [N*(gh+pad)*gw, out]}: {@code [N*gh*gw, out]}. */
    static Tensor unstack(Tensor stacked, int frames, int gh, int gw, int pad) {
        int width = stacked.dim(1);
        int rows = gh * gw * width;
        float[] out = new float[frames * rows];
        for (int i = 0; i < frames; i++) {
            System.arraycopy(stacked.data(), i * (gh + pad) * gw * width, out, i * rows, rows);
        }
        return Tensor.wrap(out, frames * gh * gw, width);
    }

    /** Chunks of at most {@code size} consecutive elements. */
    static <T> List<List<T>> chunks(List<T> items, int size) {
        int n = (items.size() + size - 1) / size;
        return IntStream.range(0, n).mapToObj(c -> items.subList(c * size, Math.min(items.size(), (c + 1) * size))).toList();
    }
}
