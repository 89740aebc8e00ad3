package io.autogaze4j.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Rows of several clips stacked into one batch hold exactly those rows, in order. */
class VideoClipStackTest {
    private static VideoClip clip(int batch, int frames, int size, float base) {
        float[] data = new float[batch * frames * 3 * size * size];
        for (int i = 0; i < data.length; i++) {
            data[i] = base + i * 1e-3f;
        }
        return VideoClip.of(data, batch, frames, size, size);
    }

    @Test
    void stackedRowsAreTheRowsInOrder() {
        VideoClip a = clip(3, 2, 4, 0), b = clip(2, 2, 4, 1);
        VideoClip s = VideoClip.stack(List.of(new VideoClip.RowRange(a, 1, 3), new VideoClip.RowRange(b, 0, 1)));
        assertEquals(3, s.batch());
        for (int t = 0; t < 2; t++) {
            assertArrayEquals(a.frame(1, t).data(), s.frame(0, t).data());
            assertArrayEquals(a.frame(2, t).data(), s.frame(1, t).data());
            assertArrayEquals(b.frame(0, t).data(), s.frame(2, t).data());
        }
    }

    @Test
    void rowsOfAnotherGeometryOrOutsideTheClipAreRefused() {
        VideoClip a = clip(2, 2, 4, 0), other = clip(1, 1, 4, 0);
        assertThrows(
                IllegalArgumentException.class,
                () -> VideoClip.stack(List.of(new VideoClip.RowRange(a, 0, 1), new VideoClip.RowRange(other, 0, 1))));
        assertThrows(IllegalArgumentException.class, () -> new VideoClip.RowRange(a, 1, 3));
        assertThrows(IllegalArgumentException.class, () -> new VideoClip.RowRange(a, 1, 1));
    }
}
