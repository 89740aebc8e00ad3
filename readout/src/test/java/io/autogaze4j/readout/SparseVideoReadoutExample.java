package io.autogaze4j.readout;

import io.autogaze4j.model.AutoGaze;
import io.autogaze4j.model.GazeOptions;
import io.autogaze4j.model.VideoClip;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.IntBuffer;
import java.nio.file.Path;

/**
 * Runnable example: gaze a batch of two 16-frame 224x224 clips and print the {@code [N, 4]} coordinates
 * {@code [batch, t, row, col]} a V-JEPA-style sparse patchifier takes (tubelets of 2 frames, 16x16 patches: an
 * 8x14x14 token grid), exactly 96 tokens per clip. The clip is synthetic (a bright square moving over a dark frame); the
 * argument is a checkpoint folder (default: the K = 10 fixture checkpoint, random weights, so the gaze means nothing).
 * How to run it: docs/readout.md section 5.
 */
public final class SparseVideoReadoutExample {
    private static final int FRAMES = 16;
    private static final int SIZE = 224;
    /** Tokens each clip hands the patchifier: a fixed length, so clips batch without padding. */
    private static final int TOKENS_PER_CLIP = 96;

    private SparseVideoReadoutExample() {}

    public static void main(String[] args) throws IOException {
        run(Path.of(args.length > 0 ? args[0] : "../shared/fixtures/model_k10"), System.out);
    }

    /** Gazes the clips with the checkpoint in {@code modelDir}, prints the coordinates to {@code out} and returns them. */
    static VideoCoords run(Path modelDir, PrintStream out) throws IOException {
        SparseVideoPatchGeometry vjepa = SparseVideoPatchGeometry.squarePatch(FRAMES, SIZE, SIZE, 2, 16);
        SparseProjection projection = SparseProjection.fromPatchGeometry(vjepa.frameGrid(), vjepa)
                // at most 6 image tokens per frame, so the clip budget reaches every tubelet; a fill evenly spaced over
                // the clip tops a clip up to exactly 96
                .withReadoutOptions(
                        ReadoutOptions.builder().maxTokensPerFrame(6).build())
                .withVideoOptions(VideoReadoutOptions.builder()
                        .tubeletSize(vjepa.tubeletSize())
                        .exactTokens(TOKENS_PER_CLIP)
                        .build());
        try (AutoGaze model = AutoGaze.load(modelDir)) {
            GazePacket packet = GazePipeline.builder(model)
                    .gazeOptions(GazeOptions.builder().gazingRatio(0.05).build())
                    .projection(projection)
                    .readoutOnly(true)
                    .build()
                    .process(movingSquare(2));
            VideoCoords coords = packet.videoFlatCoords();
            out.println("geometry " + vjepa + " -> video grid "
                    + projection.videoGrid().orElseThrow());
            for (int clip = 0; clip < 2; clip++) {
                int gazed = 0;
                for (int t = 0; t < FRAMES; t++) {
                    gazed += packet.imageTokens(clip, t).length;
                }
                out.println("clip " + clip + ": " + gazed + " image tokens over " + FRAMES + " frames -> "
                        + packet.videoTokens(clip).length + " video tokens");
            }
            out.println("frame 0 stats: " + packet.stats(0));
            out.println("coords [" + coords.rows() + ", 4] as [batch, t, row, col]:");
            for (int i = 0; i < coords.rows(); i++) {
                if (i < 6 || i >= coords.rows() - 3 || i == TOKENS_PER_CLIP || i == TOKENS_PER_CLIP + 1) {
                    out.printf(
                            "  %3d: [%d, %d, %2d, %2d]%n",
                            i, coords.get(i, 0), coords.get(i, 1), coords.get(i, 2), coords.get(i, 3));
                } else if (i == 6 || i == TOKENS_PER_CLIP + 2) {
                    out.println("  ...");
                }
            }
            IntBuffer view = coords.asIntBuffer();
            out.println("zero-copy view: direct " + view.isDirect() + ", " + view.order() + ", " + view.remaining()
                    + " ints; int64 copy: " + coords.toLongArray().length + " longs");
            return coords;
        }
    }

    /** {@code batch} clips of a 48-px square moving down and right over a dark frame, preprocessed values in [-1, 1]. */
    private static VideoClip movingSquare(int batch) {
        int plane = SIZE * SIZE;
        float[] data = new float[batch * FRAMES * 3 * plane];
        for (int b = 0; b < batch; b++) {
            for (int t = 0; t < FRAMES; t++) {
                int x0 = 16 + 8 * t + 40 * b;
                int y0 = 24 + 6 * t;
                for (int c = 0; c < 3; c++) {
                    int base = ((b * FRAMES + t) * 3 + c) * plane;
                    for (int y = 0; y < SIZE; y++) {
                        for (int x = 0; x < SIZE; x++) {
                            boolean inside = x >= x0 && x < x0 + 48 && y >= y0 && y < y0 + 48;
                            data[base + y * SIZE + x] = inside ? 1f : -0.8f;
                        }
                    }
                }
            }
        }
        return VideoClip.of(data, batch, FRAMES, SIZE, SIZE);
    }
}
