package io.autogaze4j.readout;

import io.autogaze4j.model.GazeCell;
import io.autogaze4j.model.tiling.PixelRect;

/**
 * A rectangle in normalised frame coordinates, half-open: it holds the points {@code x0 <= x < x1},
 * {@code y0 <= y < y1}. {@code (0, 0)} is the top-left corner of the frame and {@code (1, 1)} the
 * bottom-right one, whatever the frame's aspect ratio. A rectangle always has a positive area; it may
 * reach outside {@code [0, 1]} until {@link #clippedToFrame()} is applied.
 *
 * @param x0 left edge (inclusive)
 * @param y0 top edge (inclusive)
 * @param x1 right edge (exclusive)
 * @param y1 bottom edge (exclusive)
 */
public record NormRect(double x0, double y0, double x1, double y1) {

    /** The whole frame. */
    public static final NormRect FRAME = new NormRect(0, 0, 1, 1);

    public NormRect {
        if (!(Double.isFinite(x0) && Double.isFinite(y0) && Double.isFinite(x1) && Double.isFinite(y1))) {
            throw new IllegalArgumentException("rectangle edges must be finite, got " + describe(x0, y0, x1, y1));
        }
        if (!(x0 < x1 && y0 < y1)) {
            throw new IllegalArgumentException(
                    "rectangle must have x0 < x1 and y0 < y1, got " + describe(x0, y0, x1, y1));
        }
    }

    /** The area of a gaze cell on its frame (spec section 4.6): {@code [col/g, (col+1)/g) x [row/g, (row+1)/g)}. */
    public static NormRect of(GazeCell cell) {
        return new NormRect(cell.x0(), cell.y0(), cell.x1(), cell.y1());
    }

    /** Width, normalised. */
    public double width() {
        return x1 - x0;
    }

    /** Height, normalised. */
    public double height() {
        return y1 - y0;
    }

    /** Horizontal centre. */
    public double centreX() {
        return (x0 + x1) / 2;
    }

    /** Vertical centre. */
    public double centreY() {
        return (y0 + y1) / 2;
    }

    /** This rectangle grown ({@code factor > 1}) or shrunk ({@code factor < 1}) about its centre. */
    public NormRect scaledAboutCentre(double factor) {
        if (!(factor > 0) || !Double.isFinite(factor)) {
            throw new IllegalArgumentException("scale factor must be finite and > 0, got " + factor);
        }
        if (factor == 1) {
            return this;
        }
        double hw = width() * factor / 2;
        double hh = height() * factor / 2;
        return new NormRect(centreX() - hw, centreY() - hh, centreX() + hw, centreY() + hh);
    }

    /** The part inside the frame {@code [0, 1) x [0, 1)}, or {@code null} when nothing of it is inside. */
    public NormRect clippedToFrame() {
        return intersection(FRAME);
    }

    /** The common part of two rectangles, or {@code null} when they do not overlap. */
    public NormRect intersection(NormRect other) {
        double ax = Math.max(x0, other.x0);
        double ay = Math.max(y0, other.y0);
        double bx = Math.min(x1, other.x1);
        double by = Math.min(y1, other.y1);
        return ax < bx && ay < by ? new NormRect(ax, ay, bx, by) : null;
    }

    /** The edges as {@code [x0, y0, x1, y1]}. */
    public double[] toArray() {
        return new double[] {x0, y0, x1, y1};
    }

    /**
     * The pixel rectangle on a {@code width x height} frame, by the same rule as {@link GazeCell#pixelRect}
     * ({@link PixelRect#covering}).
     */
    public PixelRect pixelRect(int width, int height) {
        return PixelRect.covering(x0, y0, x1, y1, width, height);
    }

    private static String describe(double x0, double y0, double x1, double y1) {
        return "[" + x0 + ", " + y0 + ", " + x1 + ", " + y1 + ")";
    }
}
