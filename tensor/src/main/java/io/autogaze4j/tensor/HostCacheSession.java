package io.autogaze4j.tensor;

import java.util.ArrayList;
import java.util.List;

/** A {@link DecoderSession} whose rows' KV caches live in host memory: one cache per row, all of one length. */
abstract class HostCacheSession implements DecoderSession {
    /** One cache per row of the batch. */
    final List<KvCache> caches = new ArrayList<>();

    private int length;

    /**
     * The rows' caches are allocated on {@code par}: a batch-8 clip's take 310 MB, whose zeroing on the calling thread
     * alone was a tenth of a 16-thread call's serial time.
     */
    HostCacheSession(Parallel par, DecoderWeights w, int batch, int initialCapacity, int maxCapacity) {
        if (batch < 1) {
            throw new IllegalArgumentException("batch must be >= 1, got " + batch);
        }
        KvCache[] rows = new KvCache[batch];
        par.forEach(
                batch,
                b -> rows[b] = new KvCache(w.layers().size(), w.heads(), w.headDim(), initialCapacity, maxCapacity));
        caches.addAll(List.of(rows));
    }

    @Override
    public int batch() {
        return caches.size();
    }

    @Override
    public int length() {
        return length;
    }

    /** Makes room in every cache for {@code perRow} entries after the current ones (before writing them in parallel). */
    void reserve(int perRow) {
        for (KvCache c : caches) {
            c.reserve(length + perRow);
        }
    }

    /** Marks the {@code perRow} entries written by a forward pass as valid. */
    void advance(int perRow) {
        length += perRow;
        for (KvCache c : caches) {
            c.setLength(length);
        }
    }

    @Override
    public void close() {
        caches.clear();
    }
}
