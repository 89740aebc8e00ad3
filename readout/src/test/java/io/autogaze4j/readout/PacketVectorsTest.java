package io.autogaze4j.readout;

import static io.autogaze4j.readout.ReferenceData.r;
import static io.autogaze4j.readout.ReferenceData.rows;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.autogaze4j.model.GazeOptions;
import io.autogaze4j.model.GazeResult;
import io.autogaze4j.model.VideoClip;
import io.autogaze4j.readout.pyramid.ImagePyramidLevel;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Packet helpers with a per-call projection (TV-35..TV-37) and readout stats (D-27) against burn_autogaze 0.21.6. */
class PacketVectorsTest {

    private static GazePacket packet(VideoClip clip, GazeResult result, List<GazeTrace> traces) {
        SparseProjection none = SparseProjection.image(new SparseReadoutGrid(1, 1), ReadoutOptions.defaults());
        return new GazePacket(clip, GazeOptions.defaults(), none, result, traces, null, null);
    }

    @Test
    void tv35PacketsExposeFrameMaskPyramidAndReadoutOfTheirTraces() {
        // clip [1, 2, C, 1, 2] with values [1, 2] then [3, 4] in every channel
        VideoClip clip = VideoClip.of(new float[] {1, 2, 1, 2, 1, 2, 3, 4, 3, 4, 3, 4}, 1, 2, 1, 2);
        // frame 1 holds E(0.25, 0.5, 0.5, 1.0, 1.0): the left half of the frame
        Fixation left = new Fixation(1, 0, 0, 0, 0, 1, 0, new NormRect(0, 0, 0.5, 1), 1.0);
        GazeTrace trace = new GazeTrace(
                0,
                List.of(new FrameTrace(0, List.of()), new FrameTrace(1, List.of(left))),
                List.of(TilePlacement.ofGrid(1, 1, 0, 0)));
        GazeResult result = new GazeResult(
                ReferenceData.LAYOUT_32_64,
                0,
                new long[][] {{20, 20}},
                new boolean[][] {{true, false}},
                new int[] {1, 1},
                List.of(),
                new float[][] {{Float.NaN, 1f}});
        GazePacket p = packet(clip, result, List.of(trace));

        assertArrayEquals(new float[] {3, 4, 3, 4, 3, 4}, p.frameTensor(1).data());
        assertArrayEquals(new int[] {1, 3, 1, 2}, p.frameTensor(1).shape());
        assertArrayEquals(new float[] {1, 0}, p.frameMask(1).data());
        assertArrayEquals(
                new float[] {1, 0},
                p.framePyramidTokens(1, List.of(new ImagePyramidLevel(1, 2)), 0)
                        .weights()
                        .data());
        assertArrayEquals(
                new int[][] {{0}}, p.frameImageTokens(1, new SparseReadoutGrid(1, 2), ReadoutOptions.defaults()));
        assertEquals(List.of(List.of(r(0, 0, 0.5f, 1))), p.frameRects(1, ReadoutOptions.defaults()));
        SparseProjection projection = SparseProjection.video(
                        new SparseReadoutGrid(1, 2), new SparseVideoReadoutGrid(1, 1, 2))
                .withVideoOptions(VideoReadoutOptions.builder()
                        .tubeletSize(2)
                        .exactTokens(1)
                        .build());
        VideoReadout v = p.videoReadout(projection);
        assertArrayEquals(new int[][] {{0}}, v.ids());
        assertArrayEquals(new long[] {0, 0, 0, 0}, v.flatCoords().toLongArray());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> p.frameTensor(2))
                .getMessage()
                .contains("outside clip length 2"));
    }

    @Test
    void tv36to37PacketsWithoutTracesDecodeTheResultPerCall() {
        GazeResult g3 = ReferenceData.g3();
        GazePacket p = packet(VideoClip.of(new float[2 * 3 * 4 * 4], 1, 2, 4, 4), g3, null);
        SparseReadoutGrid g4 = new SparseReadoutGrid(4, 4);
        assertArrayEquals(new int[][] {{15}}, p.frameImageTokens(1, g4, ReadoutOptions.defaults()));
        assertEquals(List.of(List.of(r(0.75f, 0.75f, 1, 1))), p.frameRects(1, ReadoutOptions.defaults()));
        SparseProjection projection = SparseProjection.video(
                g4,
                new SparseVideoReadoutGrid(1, 4, 4),
                ReadoutOptions.builder().maxTokensPerFrame(4).build(),
                VideoReadoutOptions.builder().tubeletSize(2).exactTokens(4).build());
        VideoReadout v = p.videoReadout(projection);
        assertArrayEquals(new int[][] {{0, 1, 4, 5}}, v.ids());
        int[] coords =
                rows(new int[] {0, 0, 0, 0}, new int[] {0, 0, 0, 1}, new int[] {0, 0, 1, 0}, new int[] {0, 0, 1, 1});
        assertArrayEquals(coords, v.flatCoords().toIntArray());
        // TV-37: the per-call projection equals the explicit helpers with its grids and options
        assertArrayEquals(
                Readout.videoCoords(g3, 0, projection).toIntArray(),
                v.flatCoords().toIntArray());
        assertEquals(new ReadoutStats(2, 2, 0), p.stats(0));
        assertThrows(IllegalStateException.class, () -> p.frameMask(1));
    }

    @Test
    void d27StatsCountGeneratedActiveAndPaddedSlotsOfOneFrameOverTheBatch() {
        GazeResult r = new GazeResult(
                ReferenceData.LAYOUT_32_64,
                0,
                new long[][] {{0, 0, 20}, {1, 2, 0}},
                new boolean[][] {{false, true, false}, {false, false, true}},
                new int[] {2, 1},
                List.of());
        assertEquals(new ReadoutStats(4, 3, 1), ReadoutStats.of(r, 0));
        assertEquals(new ReadoutStats(2, 1, 1), ReadoutStats.of(r, 1));
        assertEquals(new ReadoutStats(0, 0, 0), ReadoutStats.of(r, 5));
        // point lists (tiled runs): every fixation with a confidence above 0 is active, nothing padded
        List<GazeTrace> traces = GazeTraces.of(r);
        assertEquals(new ReadoutStats(3, 3, 0), ReadoutStats.of(traces, 0));
        assertThrows(IllegalArgumentException.class, () -> new ReadoutStats(3, 1, 1));
    }
}
