package io.autogaze4j.kernels;

import io.autogaze4j.tensor.DecoderLayerWeights;
import io.autogaze4j.tensor.DecoderWeights;
import io.autogaze4j.tensor.RopeTable;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.jocl.cl_mem;

/** A decoder's weights copied once to the device, shared by every session of one backend. */
final class ClDecoderWeights implements AutoCloseable {
    /** One layer's device buffers (linear weights {@code [in, out]}). */
    record Layer(
            cl_mem inputNorm,
            cl_mem q,
            cl_mem k,
            cl_mem v,
            cl_mem o,
            cl_mem postNorm,
            cl_mem gate,
            cl_mem up,
            cl_mem down) {}

    final DecoderWeights host;
    final int k;
    final int vocab;
    final List<Layer> layers = new ArrayList<>();
    final cl_mem finalNorm;
    final cl_mem lmHead;
    final cl_mem taskLossHead;
    /** Every layer's weights in one buffer (made when first asked for: {@link #layerStack}). */
    private cl_mem layerStack;

    private float[][] ropeTable = {new float[0], new float[0]};
    private int ropePositions;

    ClDecoderWeights(ClContext ctx, DecoderWeights w) {
        this.host = w;
        this.k = heads(w);
        this.vocab = vocab(w);
        for (DecoderLayerWeights l : w.layers()) {
            layers.add(new Layer(
                    ctx.upload(l.inputNorm()),
                    ctx.upload(l.q().transposed()),
                    ctx.upload(l.k().transposed()),
                    ctx.upload(l.v().transposed()),
                    ctx.upload(l.o().transposed()),
                    ctx.upload(l.postNorm()),
                    ctx.upload(l.gate().transposed()),
                    ctx.upload(l.up().transposed()),
                    ctx.upload(l.down().transposed())));
        }
        finalNorm = ctx.upload(w.finalNorm());
        lmHead = ctx.upload(w.lmHead().transposed());
        taskLossHead = ctx.upload(w.taskLossHead().transposed());
    }

    /**
     * Every layer's weights in one device buffer, layer after layer, each in decoder.cl's LW_ order: input norm
     * [hidden], q, k, v, o [hidden][hidden], post norm [hidden], gate, up [hidden][intermediate], down
     * [intermediate][hidden] (linear weights [in][out], as the per-layer buffers): what persistent_step reads, one kernel
     * argument for any number of layers. Made on first use, released with the weights.
     */
    synchronized cl_mem layerStack(ClContext ctx) {
        if (layerStack == null) {
            List<float[]> parts = new ArrayList<>();
            for (DecoderLayerWeights l : host.layers()) {
                parts.addAll(List.of(
                        l.inputNorm(),
                        l.q().transposed(),
                        l.k().transposed(),
                        l.v().transposed(),
                        l.o().transposed(),
                        l.postNorm(),
                        l.gate().transposed(),
                        l.up().transposed(),
                        l.down().transposed()));
            }
            float[] all = new float[parts.stream().mapToInt(a -> a.length).sum()];
            int at = 0;
            for (float[] a : parts) {
                System.arraycopy(a, 0, all, at, a.length);
                at += a.length;
            }
            layerStack = ctx.upload(all);
        }
        return layerStack;
    }

    int intermediate() {
        return intermediate(host);
    }

    /** The multi-token heads K of {@code w} (its task-loss head's width). */
    static int heads(DecoderWeights w) {
        return w.taskLossHead().out();
    }

    /**
     * The vocabulary of one head of {@code w}; checks that {@code w} has the shapes the OpenCL decoder runs.
     *
     * @throws IllegalArgumentException when the lm head is not K vocabularies wide or heads x headDim is not hidden
     */
    static int vocab(DecoderWeights w) {
        int k = heads(w);
        if (w.lmHead().out() % k != 0) {
            throw new IllegalArgumentException(
                    "lm head width " + w.lmHead().out() + " is not a multiple of " + k + " heads");
        }
        if (w.heads() * w.headDim() != w.hidden()) {
            throw new IllegalArgumentException("the OpenCL decoder needs heads * headDim == hidden");
        }
        return w.lmHead().out() / k;
    }

    /** The MLP's intermediate width of {@code w}. */
    static int intermediate(DecoderWeights w) {
        return w.layers().get(0).gate().out();
    }

    /**
     * cos and sin of {@code p * f[i]} for positions {@code 0..positions-1}, {@code [p][i]}: the host's
     * {@link io.autogaze4j.tensor.RopeTable.Angles} of those positions, so device and host rotate by the same numbers.
     */
    synchronized float[][] ropeTable(int positions) {
        if (positions > ropePositions) {
            RopeTable.Angles angles =
                    host.rope().angles(IntStream.range(0, positions).toArray());
            ropeTable = new float[][] {angles.cosines(), angles.sines()};
            ropePositions = positions;
        }
        return ropeTable;
    }

    @Override
    public void close() {
        for (Layer l : layers) {
            for (cl_mem m : new cl_mem[] {l.inputNorm, l.q, l.k, l.v, l.o, l.postNorm, l.gate, l.up, l.down}) {
                ClContext.release(m);
            }
        }
        if (layerStack != null) {
            ClContext.release(layerStack);
        }
        ClContext.release(finalNorm);
        ClContext.release(lmHead);
        ClContext.release(taskLossHead);
    }
}
