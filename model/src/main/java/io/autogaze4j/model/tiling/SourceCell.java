package io.autogaze4j.model.tiling;

import io.autogaze4j.model.GazeCell;

/**
 * A gazed tile-local cell placed on the source frame.
 *
 * @param tile index of the tile within its clip row (row-major over the tile grid)
 * @param cell the cell as the model reported it (tile-local)
 * @param rect the source-frame pixels it covers
 */
public record SourceCell(int tile, GazeCell cell, PixelRect rect) {}
