package io.autogaze4j.readout.pyramid;

import io.autogaze4j.readout.CoverageRule;
import io.autogaze4j.readout.FixationPoint;
import io.autogaze4j.readout.NormRect;
import io.autogaze4j.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

/**
 * The masked image-pyramid helpers of burn_autogaze 0.21.6 (section 8 of the readout semantics), for consumers that
 * take a pixel mask rather than token ids. Masks are float32 in {@code [0, 1]}; a mask of another size than the
 * image is conformed: its channels averaged, resized by nearest neighbour (source index {@code floor(dst * in / out)}),
 * a batch of 1 broadcast, values clamped to {@code [0, 1]}.
 */
public final class ImagePyramid {
    private ImagePyramid() {}

    /**
     * A {@code [batch, 1, height, width]} mask: 1 on the pixels of every point with confidence above 0 (its cell at
     * scale 1, binary32 bounds), else 0; the same for every batch row. Pixel rule: {@code start = min(floor(lo * E), E - 1)},
     * {@code end = min(ceil(hi * E), E)}, at least one pixel, in binary32.
     */
    public static Tensor fixationMask(int batch, int height, int width, List<FixationPoint> points) {
        if (batch < 1) {
            throw new IllegalArgumentException("mask batch must be nonzero and positive, got " + batch);
        }
        checkDims("mask", height, width);
        float[] plane = plane(height, width, points);
        float[] out = new float[batch * plane.length];
        for (int b = 0; b < batch; b++) {
            System.arraycopy(plane, 0, out, b * plane.length, plane.length);
        }
        return Tensor.wrap(out, batch, 1, height, width);
    }

    /**
     * One mask per row of {@code frames} ({@code frames.get(b)} = the points of frame f of trace b): {@code [rows, 1,
     * height, width]}.
     */
    public static Tensor frameMasks(List<List<FixationPoint>> frames, int height, int width) {
        if (frames.isEmpty()) {
            throw new IllegalArgumentException("at least one fixation trace is required");
        }
        checkDims("mask", height, width);
        float[] out = new float[frames.size() * height * width];
        for (int b = 0; b < frames.size(); b++) {
            System.arraycopy(plane(height, width, frames.get(b)), 0, out, b * height * width, height * width);
        }
        return Tensor.wrap(out, frames.size(), 1, height, width);
    }

    /** {@code image * m + fill * (1 - m)} with the conformed mask {@code m} repeated over channels: {@code [B, C, H, W]}. */
    public static Tensor applyMask(Tensor image, Tensor mask, float fill) {
        Shape s = Shape.ofImage(image);
        float[] m = conform(mask, s);
        float[] in = image.data();
        float[] out = new float[in.length];
        int plane = s.height * s.width;
        for (int b = 0; b < s.batch; b++) {
            for (int c = 0; c < s.channels; c++) {
                for (int i = 0; i < plane; i++) {
                    float w = m[b * plane + i];
                    int o = (b * s.channels + c) * plane + i;
                    out[o] = in[o] * w + fill * (w * -1f + 1f);
                }
            }
        }
        return Tensor.wrap(out, s.batch, s.channels, s.height, s.width);
    }

    /** Per level, the conformed mask's density and where it is above {@code threshold} (strictly). */
    public static List<PyramidLevelMask> levelMasks(
            Tensor mask, int height, int width, List<ImagePyramidLevel> levels, float threshold) {
        checkDims("image", height, width);
        if (mask.rank() != 4 || mask.dim(0) < 1) {
            throw new IllegalArgumentException("mask batch must be nonzero; mask must be [B, C, H, W], got " + mask);
        }
        Shape s = new Shape(mask.dim(0), 1, height, width);
        float[] m = conform(mask, s);
        List<PyramidLevelMask> out = new ArrayList<>(levels.size());
        for (ImagePyramidLevel level : levels) {
            float[] density = pool(m, s.batch, 1, height, width, level);
            float[] active = new float[density.length];
            for (int i = 0; i < density.length; i++) {
                density[i] = Math.min(Math.max(density[i], 0f), 1f);
                active[i] = density[i] > threshold ? 1f : 0f;
            }
            out.add(new PyramidLevelMask(
                    level,
                    Tensor.wrap(density, s.batch, 1, level.height(), level.width()),
                    Tensor.wrap(active, s.batch, 1, level.height(), level.width())));
        }
        return out;
    }

    /**
     * Density-weighted pyramid tokens: per level, {@code weight = density * active} and {@code token = avgpool(image) * weight}
     * (the pooled unmasked image scaled by the mask density).
     */
    public static PyramidTokens tokenize(Tensor image, Tensor mask, List<ImagePyramidLevel> levels, float threshold) {
        if (levels.isEmpty()) {
            throw new IllegalArgumentException("image pyramid must contain at least one level");
        }
        Shape s = Shape.ofImage(image);
        Tensor conformed = Tensor.wrap(conform(mask, s), s.batch, 1, s.height, s.width);
        List<PyramidLevelMask> masks = levelMasks(conformed, s.height, s.width, levels, threshold);
        int n = levels.stream().mapToInt(ImagePyramidLevel::cells).sum();
        float[] tokens = new float[s.batch * n * s.channels];
        float[] weights = new float[s.batch * n];
        List<Integer> starts = new ArrayList<>(List.of(0));
        int offset = 0;
        for (PyramidLevelMask lm : masks) {
            int cells = lm.level().cells();
            float[] pooled = pool(image.data(), s.batch, s.channels, s.height, s.width, lm.level());
            float[] density = lm.density().data();
            float[] active = lm.active().data();
            for (int b = 0; b < s.batch; b++) {
                for (int i = 0; i < cells; i++) {
                    float w = density[b * cells + i] * active[b * cells + i];
                    weights[b * n + offset + i] = w;
                    for (int c = 0; c < s.channels; c++) {
                        tokens[(b * n + offset + i) * s.channels + c] = pooled[(b * s.channels + c) * cells + i] * w;
                    }
                }
            }
            offset += cells;
            starts.add(offset);
        }
        return new PyramidTokens(
                Tensor.wrap(tokens, s.batch, n, s.channels), Tensor.wrap(weights, s.batch, n, 1), levels, starts);
    }

    /** The {@code clamp(maxTokens, 1, N)} heaviest tokens of each row, heaviest first, ties by lower index. */
    public static SparsePyramidTokens sparsify(PyramidTokens pyramid, int maxTokens) {
        Tensor t = pyramid.tokens();
        int batch = t.dim(0);
        int n = t.dim(1);
        int channels = t.dim(2);
        if (n == 0) {
            throw new IllegalArgumentException("image pyramid tokens must be nonempty");
        }
        if (channels == 0) {
            throw new IllegalArgumentException("image pyramid token channels must be nonzero");
        }
        int k = Math.min(Math.max(maxTokens, 1), n);
        float[] w = pyramid.weights().data();
        float[] tokens = new float[batch * k * channels];
        float[] weights = new float[batch * k];
        int[][] indices = new int[batch][];
        for (int b = 0; b < batch; b++) {
            int row = b;
            indices[b] = IntStream.range(0, n)
                    .boxed()
                    .sorted((i, j) -> Float.compare(w[row * n + j], w[row * n + i]))
                    .limit(k)
                    .mapToInt(Integer::intValue)
                    .toArray();
            for (int i = 0; i < k; i++) {
                int src = indices[b][i];
                weights[b * k + i] = w[b * n + src];
                System.arraycopy(t.data(), (b * n + src) * channels, tokens, (b * k + i) * channels, channels);
            }
        }
        return new SparsePyramidTokens(
                Tensor.wrap(tokens, batch, k, channels), Tensor.wrap(weights, batch, k, 1), indices);
    }

    /** One mask plane: the union of the points' pixel rectangles. */
    private static float[] plane(int height, int width, List<FixationPoint> points) {
        float[] out = new float[height * width];
        for (FixationPoint p : points) {
            if (!(p.confidence() > 0)) {
                continue;
            }
            NormRect r = CoverageRule.BINARY32.bounds(p, 1);
            float x = (float) p.x();
            float y = (float) p.y();
            int[] cols = pixelSpan(r == null ? x : (float) r.x0(), r == null ? x : (float) r.x1(), width);
            int[] rows = pixelSpan(r == null ? y : (float) r.y0(), r == null ? y : (float) r.y1(), height);
            for (int row = rows[0]; row < rows[1]; row++) {
                for (int col = cols[0]; col < cols[1]; col++) {
                    out[row * width + col] = 1f;
                }
            }
        }
        return out;
    }

    /** The reference pixel rule on one axis of {@code extent} pixels, in binary32; no epsilon, at least one pixel. */
    private static int[] pixelSpan(float lo, float hi, int extent) {
        int start = (int) Math.min((long) Math.floor(lo * (float) extent), extent - 1);
        int end = (int) Math.min((long) Math.ceil(hi * (float) extent), extent);
        if (end <= start) {
            end = Math.min(start + 1, extent);
        }
        return new int[] {start, end};
    }

    /**
     * Adaptive average pooling of {@code [B, C, H, W]} to the level: cell {@code i} averages rows {@code floor(i*H/h) ..
     * ceil((i+1)*H/h)-1}.
     */
    private static float[] pool(float[] data, int batch, int channels, int height, int width, ImagePyramidLevel level) {
        int oh = level.height();
        int ow = level.width();
        float[] out = new float[batch * channels * oh * ow];
        for (int bc = 0; bc < batch * channels; bc++) {
            for (int i = 0; i < oh; i++) {
                int r0 = (int) Math.floor((float) (i * height) / oh);
                int r1 = (int) Math.ceil((float) ((i + 1) * height) / oh);
                for (int j = 0; j < ow; j++) {
                    int c0 = (int) Math.floor((float) (j * width) / ow);
                    int c1 = (int) Math.ceil((float) ((j + 1) * width) / ow);
                    float sum = 0;
                    for (int r = r0; r < r1; r++) {
                        for (int c = c0; c < c1; c++) {
                            sum += data[(bc * height + r) * width + c];
                        }
                    }
                    out[(bc * oh + i) * ow + j] = sum / ((r1 - r0) * (c1 - c0));
                }
            }
        }
        return out;
    }

    /**
     * The mask conformed to {@code s}: channel mean, nearest resize, batch broadcast, clamp; {@code [s.batch][H * W]}
     * flattened.
     */
    private static float[] conform(Tensor mask, Shape s) {
        if (mask.rank() != 4) {
            throw new IllegalArgumentException("mask must be [B, C, H, W], got " + mask);
        }
        int mb = mask.dim(0);
        int mc = mask.dim(1);
        int mh = mask.dim(2);
        int mw = mask.dim(3);
        if (mb != 1 && mb != s.batch) {
            throw new IllegalArgumentException("mask batch must be 1 or match image batch " + s.batch + ", got " + mb);
        }
        if (mc < 1) {
            throw new IllegalArgumentException("mask channels must be nonzero");
        }
        checkDims("mask", mh, mw);
        float[] m = mask.data();
        float[] out = new float[s.batch * s.height * s.width];
        for (int b = 0; b < s.batch; b++) {
            int src = mb == 1 ? 0 : b;
            for (int y = 0; y < s.height; y++) {
                int sy = (int) Math.floor(y * ((double) mh / s.height));
                for (int x = 0; x < s.width; x++) {
                    int sx = (int) Math.floor(x * ((double) mw / s.width));
                    float sum = 0;
                    for (int c = 0; c < mc; c++) {
                        sum += m[((src * mc + c) * mh + sy) * mw + sx];
                    }
                    out[(b * s.height + y) * s.width + x] = Math.min(Math.max(sum / mc, 0f), 1f);
                }
            }
        }
        return out;
    }

    private static void checkDims(String what, int height, int width) {
        if (height < 1 || width < 1) {
            throw new IllegalArgumentException(
                    what + " dimensions must be nonzero and positive, got " + height + "x" + width);
        }
    }

    /** An image shape {@code [B, C, H, W]}, checked. */
    private record Shape(int batch, int channels, int height, int width) {
        static Shape ofImage(Tensor image) {
            if (image.rank() != 4) {
                throw new IllegalArgumentException("image must be [B, C, H, W], got " + image);
            }
            if (image.dim(0) < 1) {
                throw new IllegalArgumentException("image batch must be nonzero");
            }
            if (image.dim(1) < 1) {
                throw new IllegalArgumentException("image channels must be nonzero");
            }
            checkDims("image", image.dim(2), image.dim(3));
            return new Shape(image.dim(0), image.dim(1), image.dim(2), image.dim(3));
        }
    }
}
