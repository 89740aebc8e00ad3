package io.autogaze4j.model;

import io.autogaze4j.tensor.Backend;
import io.autogaze4j.tensor.Tensor;
import io.autogaze4j.tensor.VisionSession;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The ShallowVideoConvNet plus connector: each frame {@code [3, H, W]} is squashed to the model's input
 * size (bicubic), patch-embedded, LayerNormed, run through the causal 3x3x3 trunk (+ ReLU), projected,
 * and given the learned position table. Output per frame: {@code [196, 192]} vision token embeddings.
 *
 * <p>A call runs in a {@link VisionSession} that keeps each row's trunk history. On a backend that
 * {@link Backend#encodesVision encodes vision} itself, that session is the backend's (the whole encoder on its device);
 * otherwise it is {@link HostSession}: the single operations below, the reference. All frames of all rows of a
 * call go through each stage together (one matrix product per stage), which keeps every core busy; each row's trunk
 * history comes from its own {@link ConvCache}.
 */
final class VisionEncoder {
    /** LayerNorm epsilon of the stem (PyTorch's default; spec 3.1). */
    static final float NORM_EPS = 1e-5f;

    /** Intermediate tensors of one frame, for parity tests (debug values, not a fixation trace); tokens are {@code [196, C]}. */
    record FrameIntermediates(
            Tensor input224, Tensor patchEmbed, Tensor layerNorm, Tensor trunk, Tensor outProj, Tensor embeddings) {}

    private final ModelWeights w;
    private final Backend backend;

    VisionEncoder(ModelWeights w, Backend backend) {
        this.w = w;
        this.backend = backend;
    }

    /** A session for {@code batch} rows with empty trunk histories; the caller closes it. */
    VisionSession open(int batch) {
        return backend.encodesVision(w.vision) ? backend.openVision(w.vision, batch) : new HostSession(batch);
    }

    /**
     * Embeds every frame of {@code clip} ({@code [row][t]}, each {@code [196, 192]}), advancing the session's histories.
     * Frames not of the model's input size are squashed on the host first.
     */
    Tensor[][] encode(VisionSession session, VideoClip clip) {
        return session.encode(inputClip(clip));
    }

    /** {@code clip}'s values {@code [B, T, 3, S, S]} at the model's input size S, squashed on the host if need be. */
    Tensor inputClip(VideoClip clip) {
        int size = w.config.inputImageSize();
        return clip.height() == size && clip.width() == size ? clip.values() : squashed(clip, size);
    }

    /** Every frame of {@code clip} squashed to {@code size x size} (bicubic), {@code [B, T, 3, size, size]}. */
    private Tensor squashed(VideoClip clip, int size) {
        int per = 3 * size * size;
        int frames = clip.frames();
        float[] out = new float[clip.batch() * frames * per];
        backend.forEachTask(clip.batch() * frames, i -> {
            Tensor f = backend.bicubicResize(clip.frame(i / frames, i % frames), size, size);
            System.arraycopy(f.data(), 0, out, i * per, per);
        });
        return Tensor.wrap(out, clip.batch(), frames, 3, size, size);
    }

    /** The host session: the single operations of {@link #run}, each row's history in a {@link ConvCache}. */
    private final class HostSession implements VisionSession {
        private final ConvCache[] caches;

        HostSession(int batch) {
            caches = new ConvCache[batch];
            for (int b = 0; b < batch; b++) {
                caches[b] = ConvCache.of(w);
            }
        }

        @Override
        public int batch() {
            return caches.length;
        }

        @Override
        public Tensor[][] encode(Tensor clip) {
            if (clip.rank() != 5 || clip.dim(0) != caches.length || clip.dim(2) != 3) {
                throw new IllegalArgumentException("vision session of " + caches.length + " rows takes clips ["
                        + caches.length + ", T, 3, H, W], got " + clip);
            }
            int frames = clip.dim(1), h = clip.dim(3), wd = clip.dim(4);
            int per = 3 * h * wd;
            Tensor[][] split = new Tensor[caches.length][frames];
            backend.forEachTask(
                    caches.length * frames,
                    i -> split[i / frames][i % frames] =
                            Tensor.wrap(Arrays.copyOfRange(clip.data(), i * per, (i + 1) * per), 3, h, wd));
            return run(split, caches, null);
        }

        @Override
        public void close() {}
    }

    /** Embeds one frame keeping every intermediate. */
    FrameIntermediates intermediates(Tensor frame, ConvCache cache) {
        List<Tensor> keep = new ArrayList<>();
        Tensor e = run(new Tensor[][] {{frame}}, new ConvCache[] {cache}, keep)[0][0];
        return new FrameIntermediates(keep.get(0), keep.get(1), keep.get(2), keep.get(3), keep.get(4), e);
    }

    private Tensor[][] run(Tensor[][] frames, ConvCache[] caches, List<Tensor> keep) {
        int size = w.config.inputImageSize();
        int tokens = w.config.visionTokensPerFrame();
        int side = w.config.visionGridSide();
        int ks = w.config.vision().trunkSpatialKernelSize();
        List<Tensor> inputs = new ArrayList<>();
        for (Tensor[] row : frames) {
            for (Tensor f : row) {
                inputs.add(f.dim(1) == size && f.dim(2) == size ? f : backend.bicubicResize(f, size, size));
            }
        }
        Tensor patches =
                backend.patchEmbed(inputs, w.patchEmbed, w.config.vision().kernelSize());
        Tensor h = backend.layerNorm(patches, w.visionNormWeight, w.visionNormBias, NORM_EPS);
        Tensor normed = h;
        for (int blk = 0; blk < w.trunk.size(); blk++) {
            Tensor[] perFrame = split(h, tokens);
            List<Tensor[]> windows = new ArrayList<>();
            int n = 0;
            for (int b = 0; b < frames.length; b++) {
                for (int t = 0; t < frames[b].length; t++, n++) {
                    windows.add(caches[b].window(blk, perFrame[n]));
                    caches[b].push(blk, perFrame[n]);
                }
            }
            h = backend.causalConv3d(windows, w.trunk.get(blk), ks, side, side);
            backend.reluInPlace(h);
        }
        Tensor projected = backend.linear(h, w.outProj);
        Tensor[] out = split(projected, tokens);
        Tensor pos = Tensor.wrap(w.posEmbed, tokens, w.config.vision().outDim());
        for (Tensor e : out) {
            backend.addInPlace(e, pos);
        }
        if (keep != null) {
            keep.addAll(List.of(inputs.get(0), patches, normed, h, projected));
        }
        Tensor[][] result = new Tensor[frames.length][];
        int n = 0;
        for (int b = 0; b < frames.length; b++) {
            result[b] = Arrays.copyOfRange(out, n, n + frames[b].length);
            n += frames[b].length;
        }
        return result;
    }

    /** Rows of {@code x} in consecutive groups of {@code tokens}, as separate tensors (copied in parallel). */
    private Tensor[] split(Tensor x, int tokens) {
        int width = x.dim(1);
        int n = x.dim(0) / tokens;
        Tensor[] parts = new Tensor[n];
        backend.forEachTask(
                n,
                i -> parts[i] = Tensor.wrap(
                        Arrays.copyOfRange(x.data(), i * tokens * width, (i + 1) * tokens * width), tokens, width));
        return parts;
    }
}
