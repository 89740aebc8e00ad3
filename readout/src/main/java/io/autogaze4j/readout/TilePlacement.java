package io.autogaze4j.readout;

/**
 * Where a tile lies on its source frame, in normalised source coordinates: the tile's own frame
 * {@code [0, 1) x [0, 1)} maps onto {@code area}. A tile-local point {@code (u, v)} lands at
 * {@code (area.x0 + u * area.width, area.y0 + v * area.height)} on the source frame; a tile-local
 * rectangle maps edge by edge and is then clipped to the source frame, because edge tiles may be
 * padded past the frame's right or bottom border (spec section 5.1). A cell that lies wholly in such
 * padding has no source rectangle and is left out of the trace.
 *
 * @param index position of the tile in its tiling (row-major over tile rows and columns)
 * @param area  the tile's extent on the source frame; may reach past 1 on the right and bottom
 */
public record TilePlacement(int index, NormRect area) {

    public TilePlacement {
        if (index < 0) {
            throw new IllegalArgumentException("tile index must be >= 0, got " + index);
        }
        if (area == null) {
            throw new IllegalArgumentException("tile area must be given");
        }
    }

    /**
     * Tile {@code (row, col)} of a {@code rows x cols} grid of equal tiles that exactly covers the
     * frame (e.g. a frame resized to {@code rows*224 x cols*224} and cut into 224-px tiles).
     */
    public static TilePlacement ofGrid(int rows, int cols, int row, int col) {
        if (rows < 1 || cols < 1 || row < 0 || col < 0 || row >= rows || col >= cols) {
            throw new IllegalArgumentException(
                    "tile (" + row + ", " + col + ") is not in a " + rows + "x" + cols + " tiling");
        }
        NormRect area = new NormRect(
                (double) col / cols, (double) row / rows, (double) (col + 1) / cols, (double) (row + 1) / rows);
        return new TilePlacement(row * cols + col, area);
    }

    /**
     * A tile given in source pixels: its top-left corner {@code (x, y)} and size on a
     * {@code frameWidth x frameHeight} frame. The tile may reach past the frame (padding).
     */
    public static TilePlacement ofPixels(
            int index, int x, int y, int tileWidth, int tileHeight, int frameWidth, int frameHeight) {
        if (frameWidth < 1 || frameHeight < 1 || tileWidth < 1 || tileHeight < 1) {
            throw new IllegalArgumentException("frame and tile sizes must be >= 1, got frame " + frameWidth + "x"
                    + frameHeight + ", tile " + tileWidth + "x" + tileHeight);
        }
        if (x < 0 || y < 0 || x >= frameWidth || y >= frameHeight) {
            throw new IllegalArgumentException(
                    "tile corner (" + x + ", " + y + ") is outside the " + frameWidth + "x" + frameHeight + " frame");
        }
        return new TilePlacement(
                index,
                new NormRect(
                        (double) x / frameWidth,
                        (double) y / frameHeight,
                        (double) (x + tileWidth) / frameWidth,
                        (double) (y + tileHeight) / frameHeight));
    }

    /** The source-frame rectangle of a tile-local rectangle, clipped to the frame; {@code null} if wholly outside. */
    public NormRect toSource(NormRect local) {
        double w = area.width();
        double h = area.height();
        NormRect placed = new NormRect(
                area.x0() + local.x0() * w,
                area.y0() + local.y0() * h,
                area.x0() + local.x1() * w,
                area.y0() + local.y1() * h);
        return placed.clippedToFrame();
    }
}
