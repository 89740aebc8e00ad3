package io.autogaze4j.readout;

/**
 * One decoded gaze cell as burn_autogaze's {@code FixationPoint}: its centre and extent on the frame,
 * normalised, and the model's confidence. Use it to bring fixations from elsewhere;
 * {@link Fixation#point()} gives the point of one of ours. Unlike the reference, which clamps, values
 * outside their range are refused.
 *
 * @param x          centre, horizontal, in {@code [0, 1]}
 * @param y          centre, vertical, in {@code [0, 1]}
 * @param width      cell width, in {@code (0, 1]}
 * @param height     cell height, in {@code (0, 1]}
 * @param confidence in {@code [0, 1]} (never NaN)
 * @param grid       side of the scale grid the cell came from; 0 = unknown
 */
public record FixationPoint(double x, double y, double width, double height, double confidence, int grid) {

    public FixationPoint {
        check("x", x, x >= 0 && x <= 1, "[0, 1]");
        check("y", y, y >= 0 && y <= 1, "[0, 1]");
        check("width", width, width > 0 && width <= 1, "(0, 1]");
        check("height", height, height > 0 && height <= 1, "(0, 1]");
        check("confidence", confidence, confidence >= 0 && confidence <= 1, "[0, 1]");
        if (grid < 0) {
            throw new IllegalArgumentException("fixation point grid must be >= 0 (0 = unknown), got " + grid);
        }
    }

    /** A square cell of side {@code scale} (reference {@code FixationPoint::new}). */
    public static FixationPoint of(double x, double y, double scale, double confidence) {
        return new FixationPoint(x, y, scale, scale, confidence, 0);
    }

    /** The centre of cell {@code (row, col)} of a {@code grid x grid} scale, as the reference decodes generated ids. */
    public static FixationPoint ofCell(int row, int col, int grid, double confidence) {
        if (grid < 1 || row < 0 || col < 0 || row >= grid || col >= grid) {
            throw new IllegalArgumentException(
                    "cell (" + row + ", " + col + ") is outside a " + grid + "x" + grid + " grid");
        }
        return new FixationPoint((col + 0.5) / grid, (row + 0.5) / grid, 1.0 / grid, 1.0 / grid, confidence, grid);
    }

    /** The larger extent (reference {@code scale}). */
    public double scale() {
        return Math.max(width, height);
    }

    private static void check(String name, double v, boolean ok, String range) {
        if (!ok) {
            throw new IllegalArgumentException("fixation point " + name + " must be in " + range + ", got " + v);
        }
    }
}
