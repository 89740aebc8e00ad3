package io.autogaze4j.model.tiling;

import io.autogaze4j.model.GazeCell;
import io.autogaze4j.model.GazeResult;
import io.autogaze4j.model.VideoClip;
import io.autogaze4j.model.preprocess.FrameSize;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Any-resolution gazing by tiling (the official QUICK_START recipe, spec section 5.1.1): the processed
 * frame ({@code processed}, e.g. normalised at source resolution) is padded with zeros at the bottom and
 * right to whole tiles, cut into {@code rows x cols} square tiles of {@code tile} px (224 = the model
 * input, so no resize happens inside the model), and all tiles of all clips run as one batch. Each
 * tile's gaze cells are tile-local; {@link #cellRect} maps them back to pixels of the source frame.
 *
 * <p>Batch row of tile {@code (r, c)} of clip row {@code b}: {@code (b * rows + r) * cols + c}.
 */
public final class AnyResTiling {
    /** The official model's input size, the natural tile. */
    public static final int DEFAULT_TILE = 224;

    private final FrameSize source;
    private final FrameSize processed;
    private final int tile;
    private final int rows;
    private final int cols;

    private AnyResTiling(FrameSize source, FrameSize processed, int tile) {
        if (tile < 1) {
            throw new IllegalArgumentException("tile size must be positive, got " + tile);
        }
        this.source = source;
        this.processed = processed;
        this.tile = tile;
        this.rows = Math.ceilDiv(processed.height(), tile);
        this.cols = Math.ceilDiv(processed.width(), tile);
    }

    /** Tiles a frame processed at its own resolution. */
    public static AnyResTiling of(FrameSize frame, int tile) {
        return new AnyResTiling(frame, frame, tile);
    }

    /**
     * Tiles frames processed to {@code processed} that came from {@code source}-sized frames; cell rectangles
     * are scaled back to {@code source}.
     */
    public static AnyResTiling of(FrameSize source, FrameSize processed, int tile) {
        return new AnyResTiling(source, processed, tile);
    }

    /** Tile rows. */
    public int rows() {
        return rows;
    }

    /** Tile columns. */
    public int cols() {
        return cols;
    }

    /** Tiles per frame. */
    public int tilesPerFrame() {
        return rows * cols;
    }

    /** Side of a tile in processed pixels. */
    public int tile() {
        return tile;
    }

    /** The source frame size rectangles map to. */
    public FrameSize source() {
        return source;
    }

    /** The processed frame size that is tiled. */
    public FrameSize processed() {
        return processed;
    }

    /** The padded canvas, whole tiles. */
    public FrameSize padded() {
        return new FrameSize(cols * tile, rows * tile);
    }

    /** Tile index (within one clip row) of tile row {@code r}, column {@code c}. */
    public int tileIndex(int r, int c) {
        if (r < 0 || c < 0 || r >= rows || c >= cols) {
            throw new IllegalArgumentException(
                    "tile (" + r + ", " + c + ") outside the " + rows + "x" + cols + " grid");
        }
        return r * cols + c;
    }

    /** The processed-frame pixels a tile covers, padding excluded. */
    public PixelRect tileRect(int tileIndex) {
        checkTile(tileIndex);
        int x0 = tileIndex % cols * tile, y0 = tileIndex / cols * tile;
        return new PixelRect(x0, y0, Math.min(x0 + tile, processed.width()), Math.min(y0 + tile, processed.height()));
    }

    /** The tile batch {@code [B * rows * cols, T, 3, tile, tile]} of a processed clip. */
    public VideoClip tile(VideoClip clip) {
        if (clip.width() != processed.width() || clip.height() != processed.height()) {
            throw new IllegalArgumentException(
                    clip + " does not have the processed frame size " + processed + " of this tiling");
        }
        return ClipTiles.cut(clip, tile, rows, cols);
    }

    /**
     * Cuts frame {@code t} of a clip, one processed frame {@code [3, H', W']} ({@code processedFrame}), into its tiles:
     * frame {@code t} of rows {@code 0 .. tilesPerFrame() - 1} of {@code rows}, laid out {@code [tilesPerFrame(), frames,
     * 3, tile, tile]} as {@link #tile(VideoClip)} lays out one clip row. {@code rows} must be zero where tiles reach past
     * the frame (a new array is). Frames may be cut in parallel: each writes only its own frame's slots.
     */
    public void cutFrame(float[] processedFrame, float[] rows, int t, int frames) {
        if (processedFrame.length != 3 * processed.width() * processed.height()) {
            throw new IllegalArgumentException("a processed frame of " + processed + " has "
                    + 3 * processed.width() * processed.height() + " values, got " + processedFrame.length);
        }
        if (t < 0 || t >= frames || rows.length != tilesPerFrame() * frames * 3 * tile * tile) {
            throw new IllegalArgumentException(
                    "frame " + t + " of " + frames + " does not fit " + rows.length + " tile values");
        }
        ClipTiles.cutFrame(processedFrame, 0, processed.height(), processed.width(), rows, 0, t, frames, tile, cols);
    }

    /**
     * The source-frame pixels of a tile-local cell: the cell's square on the tile, cut to the frame (the
     * padding holds no picture) and scaled back to the source size (floor of the start, ceiling of the end).
     * Empty when the cell lies wholly in the padding.
     */
    public Optional<PixelRect> cellRect(int tileIndex, GazeCell cell) {
        checkTile(tileIndex);
        double cellPx = (double) tile / cell.grid();
        double x0 = tileIndex % cols * tile + cell.col() * cellPx;
        double y0 = tileIndex / cols * tile + cell.row() * cellPx;
        double x1 = Math.min(x0 + cellPx, processed.width());
        double y1 = Math.min(y0 + cellPx, processed.height());
        if (x0 >= processed.width() || y0 >= processed.height()) {
            return Optional.empty();
        }
        double sx = (double) source.width() / processed.width();
        double sy = (double) source.height() / processed.height();
        int px0 = (int) Math.floor(x0 * sx), py0 = (int) Math.floor(y0 * sy);
        int px1 = Math.max(px0 + 1, Math.min(source.width(), (int) Math.ceil(x1 * sx)));
        int py1 = Math.max(py0 + 1, Math.min(source.height(), (int) Math.ceil(y1 * sy)));
        return Optional.of(new PixelRect(px0, py0, px1, py1));
    }

    /**
     * The gazed cells of clip row {@code clipRow}, frame {@code t} of a tile batch's result, on the source
     * frame, tile by tile (cells wholly in the padding are left out).
     */
    public List<SourceCell> cells(GazeResult tiles, int clipRow, int t) {
        int perRow = rows * cols;
        if (tiles.batch() % perRow != 0 || clipRow < 0 || clipRow >= tiles.batch() / perRow) {
            throw new IllegalArgumentException("clip row " + clipRow + " is not in a result of " + tiles.batch()
                    + " rows from " + perRow + " tiles per clip");
        }
        List<SourceCell> out = new ArrayList<>();
        for (int i = 0; i < perRow; i++) {
            for (GazeCell c : tiles.cells(clipRow * perRow + i, t)) {
                int tileIndex = i;
                cellRect(i, c).ifPresent(rect -> out.add(new SourceCell(tileIndex, c, rect)));
            }
        }
        return out;
    }

    private void checkTile(int tileIndex) {
        if (tileIndex < 0 || tileIndex >= rows * cols) {
            throw new IllegalArgumentException("tile " + tileIndex + " outside [0, " + rows * cols + ")");
        }
    }

    @Override
    public String toString() {
        return "AnyResTiling[" + processed + " (source " + source + ") -> " + rows + "x" + cols + " tiles of " + tile
                + " px]";
    }
}
