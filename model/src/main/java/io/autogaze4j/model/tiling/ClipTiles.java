package io.autogaze4j.model.tiling;

import io.autogaze4j.model.VideoClip;

/** Cuts the frames of a clip into a zero-padded grid of square tiles, one batch row per tile. */
final class ClipTiles {
    private ClipTiles() {
    }

    /**
     * {@code [B, T, 3, H, W]} to {@code [B * rows * cols, T, 3, tile, tile]}, rows ordered by clip row,
     * then tile row, then tile column. Pixels beyond the frame (bottom / right padding) are 0, i.e. zero in
     * normalised space as the official recipe pads.
     */
    static VideoClip cut(VideoClip clip, int tile, int rows, int cols) {
        int b = clip.batch(), t = clip.frames(), h = clip.height(), w = clip.width();
        long total = (long) b * rows * cols * t * 3 * tile * tile;
        if (total > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException(clip + " cut into " + rows + "x" + cols + " tiles of " + tile + " px is too large for one batch");
        }
        float[] src = clip.toTensor().data();
        float[] out = new float[(int) total];
        for (int row = 0; row < b; row++) {
            for (int r = 0; r < rows; r++) {
                for (int c = 0; c < cols; c++) {
                    int tileRow = (row * rows + r) * cols + c;
                    int x0 = c * tile, copyW = Math.max(0, Math.min(tile, w - x0));
                    for (int f = 0; f < t; f++) {
                        for (int ch = 0; ch < 3; ch++) {
                            int srcPlane = ((row * t + f) * 3 + ch) * h * w;
                            int dstPlane = ((tileRow * t + f) * 3 + ch) * tile * tile;
                            for (int y = 0; y < tile && r * tile + y < h; y++) {
                                System.arraycopy(src, srcPlane + (r * tile + y) * w + x0, out, dstPlane + y * tile, copyW);
                            }
                        }
                    }
                }
            }
        }
        return VideoClip.of(out, b * rows * cols, t, tile, tile);
    }
}
