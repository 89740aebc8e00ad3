package io.autogaze4j.model;

import io.autogaze4j.tensor.Backend;
import io.autogaze4j.tensor.DeviceTokens;
import io.autogaze4j.tensor.Tensor;
import io.autogaze4j.tensor.VisionSession;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * The schedule of one call's vision encoding in time chunks, so that the decoder starts on frame 0 while the vision
 * encoder still has later frames to stage, upload and encode. The clip's frames are cut into chunks of the session's
 * {@link VisionSession#chunkFrames} (the whole clip when 0); chunk 0 is submitted and taken before the first frame, and
 * once the decoder holds the first frame of chunk c, chunk c + 1 is submitted behind it, so on a device its work
 * queues between the decoder's frames and its tokens are read back by the time frame {@code (c + 1) * n} is planned.
 *
 * <p>Where the session keeps a chunk's tokens on the device ({@link VisionSession.Submitted#onDevice}) and the decoder
 * reads them in place, a frame's tokens stay there ({@link FrameTokens#device}) and nothing waits for the chunk: the
 * decoder's prefill copies them device to device behind the vision work. The chunk's device tokens are closed once the
 * decoder holds its last frame ({@link #enqueued}), or by {@link #close}.
 *
 * <p>The trunk is causal in time: a frame's taps read only earlier frames, which the session keeps as each row's
 * history from chunk to chunk, so the tokens are the bits one call for the whole clip gives.
 */
final class VisionChunks implements AutoCloseable {
    private final Backend backend;
    private final VisionSession session;
    /** {@code [B, T, 3, S, S]} the clip at the model's input size. */
    private final Tensor clip;

    private final int frames;
    /** Frames per chunk. */
    private final int chunk;
    /** Whether the decoder reads a chunk's device tokens in place. */
    private final Predicate<DeviceTokens> readsInPlace;
    /** {@code [t]} every row's embeddings of each frame whose chunk was taken. */
    private final FrameTokens[] byFrame;
    /** {@code [chunk]} the device tokens of each chunk taken in place, until the decoder holds its last frame. */
    private final DeviceTokens[] resident;
    /** Submitted chunks not taken yet, oldest first. */
    private final Deque<VisionSession.Submitted> inFlight = new ArrayDeque<>();

    private int submitted;
    private int taken;

    /**
     * The schedule of {@code clip}'s frames through {@code session}, host times to {@code backend}, every frame's tokens
     * taken to the host; nothing is submitted yet.
     *
     * @param clip {@code [B, T, 3, S, S]} the frames at the model's input size ({@link VisionEncoder#inputClip})
     */
    VisionChunks(VisionSession session, Tensor clip, Backend backend) {
        this(session, clip, backend, tokens -> false);
    }

    /**
     * The schedule of {@code clip}'s frames through {@code session}, host times to {@code backend}; a chunk's tokens kept
     * on the device stay there where {@code readsInPlace} takes them (the decoder's {@code readsInPlace}); nothing is
     * submitted yet.
     *
     * @param clip {@code [B, T, 3, S, S]} the frames at the model's input size ({@link VisionEncoder#inputClip})
     */
    VisionChunks(VisionSession session, Tensor clip, Backend backend, Predicate<DeviceTokens> readsInPlace) {
        this.backend = backend;
        this.readsInPlace = readsInPlace;
        this.session = session;
        this.clip = clip;
        this.frames = clip.dim(1);
        int n = session.chunkFrames();
        this.chunk = n == 0 ? frames : Math.min(n, frames);
        this.byFrame = new FrameTokens[frames];
        this.resident = new DeviceTokens[(frames + chunk - 1) / chunk];
    }

    /** Frames of the clip. */
    int frames() {
        return frames;
    }

    /**
     * Every row's embeddings {@code [196, 192]} of frame {@code t}, waiting for its chunk (submitting it if need be)
     * unless its tokens stay on the device.
     */
    FrameTokens frame(int t) {
        if (t < 0 || t >= frames) {
            throw new IndexOutOfBoundsException("frame " + t + " of a clip of " + frames);
        }
        int c = t / chunk;
        while (taken <= c) {
            long t0 = System.nanoTime();
            if (submitted == taken) {
                submit();
            }
            VisionSession.Submitted s = inFlight.poll();
            Optional<DeviceTokens> device = s.onDevice();
            int first = taken * chunk;
            if (device.isPresent() && readsInPlace.test(device.get())) {
                resident[taken] = device.get();
                for (int i = 0; i < device.get().frames(); i++) {
                    byFrame[first + i] = FrameTokens.onDevice(device.get().frame(i));
                }
            } else {
                Tensor[][] e = s.embeddings();
                device.ifPresent(DeviceTokens::close);
                for (int i = 0; i < e[0].length; i++) {
                    Tensor[] rows = new Tensor[e.length];
                    for (int b = 0; b < e.length; b++) {
                        rows[b] = e[b][i];
                    }
                    byFrame[first + i] = FrameTokens.onHost(rows);
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

    /**
     * The decoder holds frame {@code t}: submits the chunk after its chunk, to run behind it; closes the chunk's device
     * tokens after its last frame (the decoder's copy of them is enqueued).
     */
    void enqueued(int t) {
        long t0 = System.nanoTime();
        int c = t / chunk;
        if (t == Math.min(frames, (c + 1) * chunk) - 1 && resident[c] != null) {
            resident[c].close();
            resident[c] = null;
        }
        int next = c + 1;
        boolean any = false;
        while (submitted <= next && submitted * chunk < frames) {
            submit();
            any = true;
        }
        if (any) {
            backend.hostTime("host: vision chunks: a later chunk submitted behind the decoder", System.nanoTime() - t0);
        }
    }

    /** Closes the device tokens of chunks submitted or taken but not done with (a call that failed half-way). */
    @Override
    public void close() {
        for (int c = 0; c < resident.length; c++) {
            if (resident[c] != null) {
                resident[c].close();
                resident[c] = null;
            }
        }
        while (!inFlight.isEmpty()) {
            inFlight.poll().onDevice().ifPresent(DeviceTokens::close);
        }
    }

    private void submit() {
        int first = submitted * chunk;
        inFlight.add(session.submit(clip, first, Math.min(chunk, frames - first)));
        submitted++;
    }
}
