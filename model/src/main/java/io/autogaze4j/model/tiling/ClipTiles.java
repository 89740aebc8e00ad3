package io.autogaze4j.model.tiling;

import io.autogaze4j.model.VideoClip;

/** Cuts the frames of a clip into a zero-padded grid of square tiles, one batch row per tile. */
final class ClipTiles {
    private ClipTiles() {}

    /**
     * {@code [B, T, 3, H, W]} to {@code [B * rows * cols, T, 3, tile, tile]}, rows ordered by clip row,
     * then tile row, then tile column. Pixels beyond the frame (bottom / right padding) are 0, i.e. zero in
     * normalised space as the official recipe pads.
     */
    static VideoClip cut(VideoClip clip, int tile, int rows, int cols) {
        int b = clip.batch(), t = clip.frames(), h = clip.height(), w = clip.width();
        long total = (long) b * rows * cols * t * 3 * tile * tile;
        if (total > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException(
                    clip + " cut into " + rows + "x" + cols + " tiles of " + tile + " px is too large for one batch");
        }
        float[] src = clip.toTensor().data();
        float[] out = new float[(int) total];
        int tiles = rows * cols;
        for (int row = 0; row < b; row++) {
            for (int f = 0; f < t; f++) {
                cutFrame(src, (row * t + f) * 3 * h * w, h, w, out, row * tiles, f, t, tile, cols);
            }
        }
        return VideoClip.of(out, b * rows * cols, t, tile, tile);
    }

    /**
     * Cuts one processed frame {@code [3, h, w]} at {@code src[from]} into frame {@code f} of the tile rows
     * {@code firstRow, firstRow + 1, ...} of {@code out}, laid out {@code [rows, frames, 3, tile, tile]}; tile row order
     * is tile row, then tile column. {@code out} must be zero where the tiles reach past the frame.
     */
    static void cutFrame(
            float[] src, int from, int h, int w, float[] out, int firstRow, int f, int frames, int tile, int cols) {
        int tiles = Math.ceilDiv(h, tile) * cols;
        for (int i = 0; i < tiles; i++) {
            int r = i / cols, c = i % cols;
            int x0 = c * tile, copyW = Math.max(0, Math.min(tile, w - x0));
            for (int ch = 0; ch < 3; ch++) {
                int srcPlane = from + ch * h * w;
                int dstPlane = (((firstRow + i) * frames + f) * 3 + ch) * tile * tile;
                for (int y = 0; y < tile && r * tile + y < h; y++) {
                    System.arraycopy(src, srcPlane + (r * tile + y) * w + x0, out, dstPlane + y * tile, copyW);
                }
            }
        }
    }
}
