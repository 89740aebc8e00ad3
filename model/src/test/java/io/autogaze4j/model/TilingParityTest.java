package io.autogaze4j.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.autogaze4j.model.preprocess.FrameSize;
import io.autogaze4j.model.tiling.AnyResTiling;
import io.autogaze4j.model.tiling.ResolutionAdaptation;
import io.autogaze4j.weights.SafetensorsFile;
import org.junit.jupiter.api.Test;

/** The official tiled paths: target-scales adaptation and 224 tiles, against the fixtures. */
class TilingParityTest {

    /** The model under test: on the CPU here, on the OpenCL backend in the subclass. */
    AutoGaze model(String name) {
        return Fixtures.model(name);
    }

    @Test
    void targetScales392TilesAndRecoversExactly() throws Exception {
        AutoGaze model = model("model_mtp1");
        ResolutionAdaptation adapt = ResolutionAdaptation.of(model.layout(), new int[] {56, 112, 196, 392}, 14);
        assertEquals(2, adapt.tilesPerSide());
        assertEquals(196, adapt.tileSize());
        assertEquals(1060, adapt.targetLayout().cellsPerFrame());
        try (SafetensorsFile f = Fixtures.open("target_scales_392")) {
            VideoClip tiles = adapt.tile(VideoClip.of(Fixtures.tensor(f, "input.video")));
            assertArrayEquals(new int[] {4, 2, 3, 196, 196}, tiles.toTensor().shape());
            GazeResult tileResult = model.gaze(tiles, Reference.options("target_scales_392"));
            Reference.read(f, "tiles.", "target_scales_392 tiles").assertMatches(tileResult);
            Reference.read(f, "out.", "target_scales_392 recovered").assertMatches(adapt.recover(tileResult));
        }
    }

    @Test
    void nonsquareTilesThroughAnyResTiling() throws Exception {
        try (SafetensorsFile f = Fixtures.open("nonsquare_tiles")) {
            VideoClip video = VideoClip.of(Fixtures.tensor(f, "input.video"));
            AnyResTiling tiling = AnyResTiling.of(new FrameSize(672, 448), AnyResTiling.DEFAULT_TILE);
            assertEquals(6, tiling.tilesPerFrame());
            GazeResult r = model("model_mtp1").gaze(tiling.tile(video), Reference.options("nonsquare_tiles"));
            Reference.read(f, "out.", "nonsquare_tiles").assertMatches(r);
        }
    }
}
