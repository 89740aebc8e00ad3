package io.autogaze4j.video;

import io.autogaze4j.model.preprocess.RgbFrame;
import org.jcodec.common.model.ColorSpace;
import org.jcodec.common.model.Picture;

/**
 * 8-bit YUV 4:2:0 to RGB with the BT.601 matrix, the conversion FFmpeg (and so OpenCV and PyAV) applies to
 * untagged SD video: studio range ({@code Y} 16..235) unless the picture is marked full range (JPEG).
 * Chroma is shared by each 2x2 block. Integer arithmetic with 8 fractional bits.
 */
final class Yuv420 {
    private Yuv420() {}

    /** Converts the visible (cropped) area of a jcodec picture; its planes store {@code value - 128}. */
    static RgbFrame toRgb(Picture pic) {
        if (pic.getColor() != ColorSpace.YUV420 && pic.getColor() != ColorSpace.YUV420J) {
            throw new IllegalArgumentException(
                    "pixel format " + pic.getColor() + " is not supported (only 8-bit YUV 4:2:0)");
        }
        boolean full = pic.getColor() == ColorSpace.YUV420J;
        int w = pic.getCroppedWidth(), h = pic.getCroppedHeight(), x0 = pic.getStartX(), y0 = pic.getStartY();
        byte[] yp = pic.getPlaneData(0), up = pic.getPlaneData(1), vp = pic.getPlaneData(2);
        int ys = pic.getPlaneWidth(0), cs = pic.getPlaneWidth(1);
        byte[] rgb = new byte[w * h * 3];
        for (int y = 0; y < h; y++) {
            int sy = y0 + y;
            for (int x = 0; x < w; x++) {
                int sx = x0 + x;
                int luma = yp[sy * ys + sx] + 128;
                int u = up[(sy >> 1) * cs + (sx >> 1)];
                int v = vp[(sy >> 1) * cs + (sx >> 1)];
                int c = full ? 256 * luma : 298 * (luma - 16);
                int o = (y * w + x) * 3;
                if (full) {
                    rgb[o] = clip((c + 359 * v + 128) >> 8);
                    rgb[o + 1] = clip((c - 88 * u - 183 * v + 128) >> 8);
                    rgb[o + 2] = clip((c + 454 * u + 128) >> 8);
                } else {
                    rgb[o] = clip((c + 409 * v + 128) >> 8);
                    rgb[o + 1] = clip((c - 100 * u - 208 * v + 128) >> 8);
                    rgb[o + 2] = clip((c + 516 * u + 128) >> 8);
                }
            }
        }
        return RgbFrame.of(w, h, rgb);
    }

    private static byte clip(int v) {
        return (byte) Math.max(0, Math.min(255, v));
    }
}
