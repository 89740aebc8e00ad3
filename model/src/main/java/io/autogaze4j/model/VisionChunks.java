package io.autogaze4j.model;

import io.autogaze4j.tensor.Backend;
import io.autogaze4j.tensor.Tensor;
import io.autogaze4j.tensor.VisionSession;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * The schedule of one call's vision encoding in time chunks, so that the decoder starts on frame 0 while the vision
 * encoder still has later frames to stage, upload and encode. The clip's frames are cut into chunks of the session's
 * {@link VisionSession#chunkFrames} (the whole clip when 0); chunk 0 is submitted and taken before the first frame, and
 * once the decoder holds the first frame of chunk c, chunk c + 1 is submitted behind it, so on a device its work
 * queues between the decoder's frames and its tokens are read back by the time frame {@code (c + 1) * n} is planned.
 *
 * <p>The trunk is causal in time: a frame's taps read only earlier frames, which the session keeps as each row's
 * history from chunk to chunk, so the tokens are the bits one call for the whole clip gives.
 */
final class VisionChunks {
    private final Backend backend;
    private final VisionSession session;
    /** {@code [B, T, 3, S, S]} the clip at the model's input size. */
    private final Tensor clip;

    private final int frames;
    /** Frames per chunk. */
    private final int chunk;
    /** {@code [t][row]} the embeddings of every frame whose chunk was taken. */
    private final Tensor[][] byFrame;
    /** Submitted chunks not taken yet, oldest first. */
    private final Deque<VisionSession.Submitted> inFlight = new ArrayDeque<>();

    private int submitted;
    private int taken;

    /**
     * The schedule of {@code clip}'s frames through {@code session}, host times to {@code backend}; nothing is submitted
     * yet.
     *
     * @param clip {@code [B, T, 3, S, S]} the frames at the model's input size ({@link VisionEncoder#inputClip})
     */
    VisionChunks(VisionSession session, Tensor clip, Backend backend) {
        this.backend = backend;
        this.session = session;
        this.clip = clip;
        this.frames = clip.dim(1);
        int n = session.chunkFrames();
        this.chunk = n == 0 ? frames : Math.min(n, frames);
        this.byFrame = new Tensor[frames][];
    }

    /** Frames of the clip. */
    int frames() {
        return frames;
    }

    /** Every row's embeddings {@code [196, 192]} of frame {@code t}, waiting for its chunk (submitting it if need be). */
    Tensor[] frame(int t) {
        if (t < 0 || t >= frames) {
            throw new IndexOutOfBoundsException("frame " + t + " of a clip of " + frames);
        }
        int c = t / chunk;
        while (taken <= c) {
            long t0 = System.nanoTime();
            if (submitted == taken) {
                submit();
            }
            Tensor[][] e = inFlight.poll().embeddings();
            int first = taken * chunk;
            for (int i = 0; i < e[0].length; i++) {
                byFrame[first + i] = new Tensor[e.length];
                for (int b = 0; b < e.length; b++) {
                    byFrame[first + i][b] = e[b][i];
                }
            }
            taken++;
            backend.hostTime(
                    taken == 1
                            ? "host: vision chunks: chunk 0, before the first decoder frame"
                            : "host: vision chunks: a later chunk's tokens taken (waited for, read back)",
                    System.nanoTime() - t0);
        }
        return byFrame[t];
    }

    /** The decoder holds frame {@code t}: submits the chunk after its chunk, to run behind it. */
    void enqueued(int t) {
        long t0 = System.nanoTime();
        int next = t / chunk + 1;
        boolean any = false;
        while (submitted <= next && submitted * chunk < frames) {
            submit();
            any = true;
        }
        if (any) {
            backend.hostTime("host: vision chunks: a later chunk submitted behind the decoder", System.nanoTime() - t0);
        }
    }

    private void submit() {
        int first = submitted * chunk;
        inFlight.add(session.submit(clip, first, Math.min(chunk, frames - first)));
        submitted++;
    }
}
