package io.autogaze4j.readout;

import static io.autogaze4j.readout.ImageStageVectorsTest.assertMessage;
import static io.autogaze4j.readout.ReferenceData.cell;
import static io.autogaze4j.readout.ReferenceData.ids;
import static io.autogaze4j.readout.ReferenceData.r;
import static io.autogaze4j.readout.ReferenceData.rows;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.autogaze4j.model.GazeResult;
import io.autogaze4j.model.ScaleLayout;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The video stage and coordinates against burn_autogaze 0.21.6: TV-19..TV-29 (both coverage rules), the fill orders
 * D-01..D-09, D-17, D-19..D-22 and D-25.
 */
class VideoStageVectorsTest {
    private static final SparseReadoutGrid I22 = new SparseReadoutGrid(2, 2);
    private static final SparseVideoReadoutGrid V244 = new SparseVideoReadoutGrid(2, 4, 4);
    private static final SparseVideoReadoutGrid V144 = new SparseVideoReadoutGrid(1, 4, 4);

    private static VideoReadoutOptions.Builder vid(CoverageRule rule) {
        return VideoReadoutOptions.builder().coverage(rule);
    }

    @ParameterizedTest
    @EnumSource(CoverageRule.class)
    void tv19to23FrameTokensAndRectsProjectOntoTubelets(CoverageRule rule) {
        int[][] frames = {{}, {1}, {2}, {}};
        VideoReadoutOptions t2x4 = vid(rule).tubeletSize(2).exactTokens(4).build();
        assertArrayEquals(ids(2, 3, 6, 7), Readout.videoTokens(frames, I22, V244, t2x4), "TV-19");
        int[] coords =
                rows(new int[] {3, 0, 0, 2}, new int[] {3, 0, 0, 3}, new int[] {3, 0, 1, 2}, new int[] {3, 0, 1, 3});
        VideoCoords c = Readout.videoCoords(frames, I22, V244, t2x4, 3);
        assertArrayEquals(coords, c.toIntArray(), "TV-20");
        assertArrayEquals(Arrays.stream(coords).asLongStream().toArray(), c.toLongArray(), "TV-20 int64");
        SparseProjection p = SparseProjection.video(I22, V244).withVideoOptions(t2x4);
        assertArrayEquals(coords, VideoCoords.of(p.videoTokens(frames), V244, 3).toIntArray(), "TV-20 projection");

        assertArrayEquals(
                ids(0, 1, 4, 5, 3, 8),
                Readout.videoTokens(
                        new int[][] {{0}}, I22, V144, vid(rule).exactTokens(6).build()),
                "TV-21 / D-01");
        assertArrayEquals(
                ids(0, 1, 2, 3, 4),
                Readout.videoTokens(
                        new int[][] {{0}},
                        new SparseReadoutGrid(1, 1),
                        new SparseVideoReadoutGrid(3, 2, 2),
                        vid(rule).tubeletSize(2).exactTokens(5).build()),
                "TV-22 / D-02: a partial window");

        List<List<NormRect>> rects = List.of(List.of(), List.of(r(0.5f, 0, 0.75f, 0.25f)), List.of(), List.of());
        VideoReadoutOptions t2min1 = vid(rule).tubeletSize(2).minTokens(1).build();
        assertArrayEquals(ids(2), Readout.rectVideoTokens(rects, V244, t2min1), "TV-23");
        assertArrayEquals(
                ids(1, 0, 0, 2), Readout.rectVideoCoords(rects, V244, t2min1, 1).toIntArray(), "TV-23 coords");
    }

    @Test
    void tv24to25TokensBecomeFlatCoordinateRows() {
        SparseVideoReadoutGrid g = new SparseVideoReadoutGrid(2, 3, 4);
        VideoCoords batched = Readout.batchedCoords(new int[][] {{0, 7, 23}, {0, 7, 23}}, g);
        assertArrayEquals(
                rows(
                        new int[] {0, 0, 0, 0},
                        new int[] {0, 0, 1, 3},
                        new int[] {0, 1, 2, 3},
                        new int[] {1, 0, 0, 0},
                        new int[] {1, 0, 1, 3},
                        new int[] {1, 1, 2, 3}),
                batched.toIntArray(),
                "TV-24");
        assertArrayEquals(
                new long[] {0, 0, 0, 0, 0, 0, 1, 3, 0, 1, 2, 3},
                Readout.coords(ids(0, 7, 23), g, 0).toLongArray(),
                "TV-25");
        assertMessage("outside grid", () -> Readout.coords(ids(24), g, 0));
        assertArrayEquals(new int[] {0, 4}, Readout.coords(ids(), g, 0).shape());
        // D-17: an empty row adds nothing but keeps its batch index
        assertArrayEquals(
                rows(new int[] {0, 0, 1, 1}, new int[] {2, 1, 2, 3}, new int[] {2, 0, 0, 0}),
                Readout.batchedCoords(new int[][] {{5}, {}, {23, 0}}, g).toIntArray(),
                "D-17");
    }

    @ParameterizedTest
    @EnumSource(CoverageRule.class)
    void tv26to27TracesAndResultsGoThroughBothStages(CoverageRule rule) {
        GazeTrace trace = ReferenceData.trace(List.of(List.of(), List.of(cell(1, 2, 0, 1, 1.0))));
        SparseProjection p = SparseProjection.video(
                I22,
                V144,
                ReadoutOptions.builder().coverage(rule).build(),
                vid(rule).tubeletSize(2).exactTokens(4).build());
        assertArrayEquals(ids(2, 3, 6, 7), Readout.videoTokens(trace, p), "TV-26");
        assertArrayEquals(
                rows(new int[] {2, 0, 0, 2}, new int[] {2, 0, 0, 3}, new int[] {2, 0, 1, 2}, new int[] {2, 0, 1, 3}),
                Readout.videoCoords(trace, p, 2).toIntArray(),
                "TV-26 coords");

        GazeResult g3 = ReferenceData.g3();
        SparseProjection p27 = SparseProjection.video(
                new SparseReadoutGrid(4, 4),
                V144,
                ReadoutOptions.builder().coverage(rule).maxTokensPerFrame(4).build(),
                vid(rule).tubeletSize(2).exactTokens(4).build());
        assertArrayEquals(ids(0, 1, 4, 5), Readout.videoTokens(g3, 0, p27), "TV-27");
        assertArrayEquals(
                rows(new int[] {0, 0, 0, 0}, new int[] {0, 0, 0, 1}, new int[] {0, 0, 1, 0}, new int[] {0, 0, 1, 1}),
                Readout.videoCoords(g3, 0, p27).toIntArray(),
                "TV-27 coords");
    }

    @ParameterizedTest
    @EnumSource(CoverageRule.class)
    void tv28AndD22ImageTokensOfFourteenSquaredReprojectOntoFourByFour(CoverageRule rule) {
        ScaleLayout single = ScaleLayout.of(new int[] {224}, new int[] {14});
        long[][] pos = {{0, 10, 12, 250, 226, 227, 240, 522, 523, 587, 783}};
        boolean[] padded = new boolean[11];
        padded[7] = true;
        float[][] conf = new float[1][11];
        Arrays.fill(conf[0], 1.0f);
        int[] num = {4, 3, 2, 2};
        // the reference skips ids outside their frame's vocabulary (250, 587); we refuse them, naming the id
        GazeResult raw = new GazeResult(single, 0, pos, new boolean[][] {padded.clone()}, num, List.of(), conf);
        assertMessage(
                "250",
                () -> Readout.imageTokens(
                        raw, 0, SparseReadoutGrid.squareFromTokenCount(196), ReadoutOptions.defaults()));
        padded[3] = true;
        padded[9] = true;
        GazeResult r = new GazeResult(single, 0, pos, new boolean[][] {padded}, num, List.of(), conf);

        SparseReadoutGrid image = SparseReadoutGrid.squareFromTokenCount(196);
        SparseVideoReadoutGrid video =
                SparseVideoPatchGeometry.squarePatch(4, 64, 64, 2, 16).readoutGrid();
        ReadoutOptions two =
                ReadoutOptions.builder().coverage(rule).maxFixationsPerFrame(2).build();
        assertArrayEquals(
                new int[][] {{0, 10}, {30, 31}, {131}, {195}}, Readout.imageTokens(r, 0, image, two), "TV-28");
        assertArrayEquals(
                new int[][] {{0, 10, 12}, {30, 31, 44}, {131}, {195}},
                Readout.imageTokens(
                        r, 0, image, ReadoutOptions.builder().coverage(rule).build()),
                "D-22 without the cap");
        SparseProjection p = SparseProjection.video(
                image, video, two, vid(rule).tubeletSize(2).exactTokens(8).build());
        assertArrayEquals(ids(0, 2, 3, 1, 25, 31, 4, 8), Readout.videoTokens(r, 0, p), "D-22");
        assertArrayEquals(
                rows(
                        new int[] {0, 0, 0, 0},
                        new int[] {0, 0, 0, 2},
                        new int[] {0, 0, 0, 3},
                        new int[] {0, 0, 0, 1},
                        new int[] {0, 1, 2, 1},
                        new int[] {0, 1, 3, 3},
                        new int[] {0, 0, 1, 0},
                        new int[] {0, 0, 2, 0}),
                Readout.videoCoords(r, 0, p).toIntArray(),
                "D-22 coords");
    }

    @ParameterizedTest
    @EnumSource(CoverageRule.class)
    void anImageTokenReprojectedOntoAnEqualGridIsItself(CoverageRule rule) {
        VideoReadoutOptions o = vid(rule).build();
        for (int h = 1; h <= 64; h += h < 16 ? 1 : 7) {
            for (int w : new int[] {h, 1 + (h * 5) % 64}) {
                SparseReadoutGrid image = new SparseReadoutGrid(h, w);
                SparseVideoReadoutGrid video = new SparseVideoReadoutGrid(1, h, w);
                for (int id = 0; id < image.tokens(); id++) {
                    assertArrayEquals(
                            ids(id),
                            Readout.videoTokens(new int[][] {{id}}, image, video, o),
                            "token " + id + " of " + image);
                }
            }
        }
    }

    @Test
    void tv29InvalidGridsAndTubeletsAreRefused() {
        assertMessage("image readout grid", () -> new SparseReadoutGrid(0, 1));
        assertMessage("video readout grid", () -> new SparseVideoReadoutGrid(0, 1, 1));
        assertMessage(
                "tubelet size",
                () -> VideoReadoutOptions.builder().tubeletSize(0).build());
    }

    @ParameterizedTest
    @EnumSource(CoverageRule.class)
    void d03to09TheClipFillIsEvenlySpacedOverTheWholeGridAndTheCapWins(CoverageRule rule) {
        List<List<NormRect>> none = List.of(List.of());
        assertArrayEquals(
                ids(0, 3, 5, 8, 10, 13),
                Readout.rectVideoTokens(none, V144, vid(rule).minTokens(6).build()),
                "D-03");
        assertArrayEquals(
                ids(0, 6, 12, 19, 25),
                Readout.rectVideoTokens(none, V244, vid(rule).minTokens(5).build()),
                "D-04");
        assertArrayEquals(
                ids(0, 4),
                Readout.rectVideoTokens(
                        none,
                        new SparseVideoReadoutGrid(2, 2, 2),
                        vid(rule).minTokens(4).maxTokens(2).build()),
                "D-06");
        assertArrayEquals(
                ids(),
                Readout.videoTokens(
                        new int[][] {{0}},
                        I22,
                        V144,
                        vid(rule).minTokens(3).maxTokens(0).build()),
                "D-07");
        assertArrayEquals(
                ids(0, 1, 2),
                Readout.rectVideoTokens(
                        List.of(List.of(r(0, 0, 1, 1))),
                        V244,
                        vid(rule).exactTokens(3).build()),
                "D-08: the cap is reached, no fill");
        assertArrayEquals(
                ids(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15),
                Readout.videoTokens(
                        new int[][] {{}}, I22, V144, vid(rule).minTokens(20).build()),
                "D-09");
        assertArrayEquals(ids(0, 3, 5, 8, 10, 13), VideoReadoutOptions.evenly(16, 6));
        assertArrayEquals(ids(0, 4, 8, 12, 16, 19, 23, 27), VideoReadoutOptions.evenly(32, 8));
        assertArrayEquals(ids(0, 2, 5), VideoReadoutOptions.evenly(8, 3));
        assertArrayEquals(ids(0, 4), VideoReadoutOptions.evenly(8, 2));
    }

    @ParameterizedTest
    @EnumSource(CoverageRule.class)
    void d19to20OffGridIdsAreRefusedAndVideoDilationIsSeparate(CoverageRule rule) {
        // D-19: the reference skips id 9 on a 2x2 image grid and gives [10, 11, 14, 15]; we refuse it, naming it
        assertMessage(
                "image token id 9",
                () -> Readout.videoTokens(
                        new int[][] {{9, 3}}, I22, V144, vid(rule).build()));
        assertArrayEquals(
                ids(10, 11, 14, 15),
                Readout.videoTokens(new int[][] {{3}}, I22, V144, vid(rule).build()));
        assertArrayEquals(
                ids(0, 1, 2, 4, 5, 6, 8, 9, 10),
                Readout.videoTokens(
                        new int[][] {{5}},
                        new SparseReadoutGrid(4, 4),
                        V144,
                        vid(rule).dilation(1).build()),
                "D-20 ids");
        assertArrayEquals(
                ids(1, 2, 3, 5, 6, 7),
                Readout.rectVideoTokens(
                        List.of(List.of(r(0.5f, 0, 0.75f, 0.25f))),
                        V144,
                        vid(rule).dilation(1).build()),
                "D-20 rects");
    }

    @Test
    void tv04to05AndD25PatchGeometryCarriesItsTubeletAndLongClipsAreRefused() {
        SparseVideoPatchGeometry geometry = SparseVideoPatchGeometry.squarePatch(4, 64, 96, 2, 16);
        assertEquals(new SparseVideoReadoutGrid(2, 4, 6), geometry.readoutGrid(), "TV-04");
        SparseProjection p = SparseProjection.fromPatchGeometry(I22, geometry);
        assertEquals(new SparseVideoReadoutGrid(2, 4, 6), p.videoGrid().orElseThrow());
        assertEquals(2, p.videoOptions().tubeletSize(), "we take the geometry's tubelet (the reference keeps 1)");
        int[][] frames = {{}, {1}, {2}, {}};
        assertArrayEquals(
                ids(3, 4, 5, 9, 10, 11, 36, 37, 38, 42, 43, 44), p.videoTokens(frames), "D-25 with tubelet 2");
        SparseProjection exact4 =
                p.withVideoOptions(p.videoOptions().toBuilder().exactTokens(4).build());
        assertArrayEquals(ids(3, 4, 5, 9), exact4.videoTokens(frames), "TV-05");
        assertArrayEquals(
                rows(new int[] {0, 0, 0, 3}, new int[] {0, 0, 0, 4}, new int[] {0, 0, 0, 5}, new int[] {0, 0, 1, 3}),
                VideoCoords.of(exact4.videoTokens(frames), geometry.readoutGrid(), 0)
                        .toIntArray(),
                "TV-05 coords");
        // D-25 with tubelet 1: the reference silently ignores frames 2-3; we refuse the clip
        SparseProjection t1 = p.withVideoOptions(VideoReadoutOptions.defaults());
        assertMessage("clip has 4 frames", () -> t1.videoTokens(frames));
    }
}
