package io.autogaze4j.model.tiling;

import io.autogaze4j.model.GazeResult;
import io.autogaze4j.model.ScaleLayout;
import io.autogaze4j.model.VideoClip;
import java.util.Arrays;
import java.util.List;

/**
 * The official resolution adaptation ({@code target_scales}, {@code target_patch_size}; spec section
 * 5.1.2): gaze for a downstream encoder whose pyramid differs from the model's own. The square input video
 * (side = the largest target scale) is zero-padded to {@code nt x nt} tiles of {@code G x patch} px
 * ({@code G} = the model's finest grid, {@code nt = ceil(F / G)}, {@code F} = largest target scale / patch),
 * the tiles run as one batch ({@link #tile}), and {@link #recover} reassembles their masks into the target
 * grids {@code F_s = target_s / patch} and rebuilds the ids from the masks.
 *
 * <pre>{@code
 * var adapt = ResolutionAdaptation.of(model.layout(), new int[] {56, 112, 196, 392}, 14);
 * GazeResult gaze = adapt.recover(model.gaze(adapt.tile(clip392), options));
 * }</pre>
 */
public final class ResolutionAdaptation {
    private final ScaleLayout nativeLayout;
    private final ScaleLayout target;
    private final int patch;
    private final int tilesPerSide;
    private final int tile;

    private ResolutionAdaptation(ScaleLayout nativeLayout, int[] targetScales, int patch) {
        if (targetScales.length != nativeLayout.numScales()) {
            throw new IllegalArgumentException("target_scales " + Arrays.toString(targetScales)
                    + " must have one entry per model scale (" + nativeLayout.numScales() + ")");
        }
        if (patch < 1) {
            throw new IllegalArgumentException("target_patch_size must be positive, got " + patch);
        }
        int[] grids = new int[targetScales.length];
        for (int s = 0; s < grids.length; s++) {
            if (targetScales[s] < patch
                    || targetScales[s] % patch != 0
                    || (s > 0 && targetScales[s] <= targetScales[s - 1])) {
                throw new IllegalArgumentException("target_scales " + Arrays.toString(targetScales)
                        + " must ascend and be multiples of the patch size " + patch);
            }
            grids[s] = targetScales[s] / patch;
        }
        int finest = nativeLayout.grid(nativeLayout.numScales() - 1);
        this.nativeLayout = nativeLayout;
        this.target = ScaleLayout.of(targetScales, grids);
        this.patch = patch;
        this.tilesPerSide = Math.ceilDiv(grids[grids.length - 1], finest);
        this.tile = finest * patch;
        for (int s = 0; s < grids.length; s++) {
            if (grids[s] > tilesPerSide * nativeLayout.grid(s)) {
                throw new IllegalArgumentException(
                        "target scale " + targetScales[s] + " needs " + grids[s] + " cells a side, more than "
                                + tilesPerSide + " tiles of " + nativeLayout.grid(s) + " cells give");
            }
        }
    }

    /** The adaptation from the model's {@code layout} to the given target pyramid. */
    public static ResolutionAdaptation of(ScaleLayout layout, int[] targetScales, int targetPatchSize) {
        return new ResolutionAdaptation(layout, targetScales.clone(), targetPatchSize);
    }

    /** The target pyramid: scale {@code s} has {@code target_s / patch} cells a side. */
    public ScaleLayout targetLayout() {
        return target;
    }

    /** Tiles per side ({@code nt}). */
    public int tilesPerSide() {
        return tilesPerSide;
    }

    /** Side of one tile in pixels ({@code G x patch}). */
    public int tileSize() {
        return tile;
    }

    /** Side the input video must have: the largest target scale. */
    public int inputSize() {
        return target.scale(target.numScales() - 1);
    }

    /** True when the target pyramid is the model's own, so nothing is tiled or recovered (official behaviour). */
    public boolean isIdentity() {
        for (int s = 0; s < target.numScales(); s++) {
            if (target.scale(s) != nativeLayout.scale(s) || target.grid(s) != nativeLayout.grid(s)) {
                return false;
            }
        }
        return true;
    }

    /** The tile batch {@code [B * nt * nt, T, 3, tile, tile]}: batch, then tile row, then tile column. */
    public VideoClip tile(VideoClip clip) {
        if (clip.height() != inputSize() || clip.width() != inputSize()) {
            throw new IllegalArgumentException(
                    clip + " must be square with side " + inputSize() + " (the largest target scale)");
        }
        return isIdentity() ? clip : ClipTiles.cut(clip, tile, tilesPerSide, tilesPerSide);
    }

    /**
     * Reassembles the result of the tile batch into the target pyramid: per scale, the tile masks placed
     * on an {@code nt G_s x nt G_s} grid and cropped to {@code F_s x F_s}; ids rebuilt per frame in
     * ascending order (scale-major), rows padded with {@code -1} to the batch maximum, then offset by
     * {@code frame * cellsPerFrame}. The trace is left out (it belongs to the tile batch).
     */
    public GazeResult recover(GazeResult tiles) {
        if (isIdentity()) {
            return tiles;
        }
        int perClip = tilesPerSide * tilesPerSide;
        if (tiles.batch() % perClip != 0) {
            throw new IllegalArgumentException(
                    "a result of " + tiles.batch() + " rows is not a batch of " + perClip + "-tile clips");
        }
        int batch = tiles.batch() / perClip, frames = tiles.frames();
        boolean[][][] gazed = new boolean[batch][frames][target.cellsPerFrame()];
        for (int s = 0; s < target.numScales(); s++) {
            placeScale(tiles.mask(s), s, gazed);
        }
        int[] counts = new int[frames];
        for (int t = 0; t < frames; t++) {
            for (int b = 0; b < batch; b++) {
                int n = 0;
                for (boolean g : gazed[b][t]) {
                    n += g ? 1 : 0;
                }
                counts[t] = Math.max(counts[t], n);
            }
        }
        int slots = Arrays.stream(counts).sum(), cells = target.cellsPerFrame();
        long[][] pos = new long[batch][slots];
        boolean[][] padded = new boolean[batch][slots];
        for (int b = 0; b < batch; b++) {
            int j = 0;
            for (int t = 0; t < frames; t++) {
                int end = j + counts[t];
                for (int id = 0; id < cells; id++) {
                    if (gazed[b][t][id]) {
                        pos[b][j++] = (long) t * cells + id;
                    }
                }
                for (; j < end; j++) {
                    pos[b][j] = (long) t * cells - 1;
                    padded[b][j] = true;
                }
            }
        }
        return new GazeResult(target, tiles.firstFrame(), pos, padded, counts, List.of());
    }

    /** Tile masks of scale s {@code [B*nt*nt][T][G*G]} into the cropped target grid of each clip row. */
    private void placeScale(boolean[][][] tileMasks, int s, boolean[][][] gazed) {
        int g = nativeLayout.grid(s), f = target.grid(s), offset = target.offset(s);
        for (int row = 0; row < tileMasks.length; row++) {
            int b = row / (tilesPerSide * tilesPerSide), tileIndex = row % (tilesPerSide * tilesPerSide);
            int tr = tileIndex / tilesPerSide, tc = tileIndex % tilesPerSide;
            for (int t = 0; t < tileMasks[row].length; t++) {
                for (int cell = 0; cell < g * g; cell++) {
                    int y = tr * g + cell / g, x = tc * g + cell % g;
                    if (tileMasks[row][t][cell] && y < f && x < f) {
                        gazed[b][t][offset + y * f + x] = true;
                    }
                }
            }
        }
    }

    @Override
    public String toString() {
        return "ResolutionAdaptation[" + target + ", patch " + patch + ", " + tilesPerSide + "x" + tilesPerSide
                + " tiles of " + tile + " px]";
    }
}
