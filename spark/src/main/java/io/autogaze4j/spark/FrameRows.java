package io.autogaze4j.spark;

import io.autogaze4j.model.tiling.PixelRect;
import io.autogaze4j.readout.Fixation;
import io.autogaze4j.readout.NormRect;
import io.autogaze4j.readout.SparseReadoutGrid;
import java.util.List;
import java.util.Optional;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * The output table of a gaze job, one row per gazed frame (docs/spark.md, "Schema"), and the conversion
 * of a {@link GazedFrame} into such a row. Names follow the CLI's {@code trace.json}.
 */
public final class FrameRows {
    /** A gazed cell: the fixation of {@code trace.json} with its pixel rectangle on the source frame. */
    public static final StructType CELL = new StructType(new StructField[] {
        field("scale", DataTypes.IntegerType, false),
        field("row", DataTypes.IntegerType, false),
        field("col", DataTypes.IntegerType, false),
        field("grid", DataTypes.IntegerType, false),
        field("tile", DataTypes.IntegerType, false),
        field("confidence", DataTypes.DoubleType, true),
        field("rect", new ArrayType(DataTypes.DoubleType, false), false),
        field("pixels", new ArrayType(DataTypes.IntegerType, false), false)
    });

    /** A downstream patch-grid token the frame's fixations cover. */
    public static final StructType TOKEN = new StructType(new StructField[] {
        field("token", DataTypes.IntegerType, false),
        field("row", DataTypes.IntegerType, false),
        field("col", DataTypes.IntegerType, false)
    });

    /** One row per frame; a clip that failed is one row with {@code error} set and nulls for what it could not say. */
    public static final StructType SCHEMA = new StructType(new StructField[] {
        field("video", DataTypes.StringType, false),
        field("clip", DataTypes.IntegerType, false),
        field("frame", DataTypes.IntegerType, true),
        field("sourceIndex", DataTypes.IntegerType, true),
        field("seconds", DataTypes.DoubleType, true),
        field("width", DataTypes.IntegerType, true),
        field("height", DataTypes.IntegerType, true),
        field("slots", DataTypes.IntegerType, true),
        field("padded", DataTypes.IntegerType, true),
        field("cells", new ArrayType(CELL, false), true),
        field("readout", new ArrayType(TOKEN, false), true),
        field("error", DataTypes.StringType, true)
    });

    private final Optional<SparseReadoutGrid> grid;

    private FrameRows(Optional<SparseReadoutGrid> grid) {
        this.grid = grid;
    }

    /** Rows whose {@code readout} tokens lie on {@code grid} when one is given (else null there). */
    public static FrameRows of(Optional<SparseReadoutGrid> grid) {
        return new FrameRows(grid);
    }

    /** The row of a gazed frame of {@code video}. */
    public Row row(String video, GazedFrame f) {
        // arrays, not lists: Spark's row encoder takes Java arrays or Scala sequences for array columns
        Row[] cells = new Row[f.fixations().size()];
        for (int k = 0; k < cells.length; k++) {
            Fixation x = f.fixations().get(k);
            NormRect r = x.rect();
            PixelRect p = r.pixelRect(f.facts().width(), f.facts().height());
            int[] px = {p.x0(), p.y0(), p.x1(), p.y1()};
            cells[k] = RowFactory.create(
                    x.scale(),
                    x.row(),
                    x.col(),
                    x.grid(),
                    x.tile(),
                    x.hasConfidence() ? x.confidence() : null,
                    new double[] {r.x0(), r.y0(), r.x1(), r.y1()},
                    px);
        }
        return RowFactory.create(
                video,
                f.facts().clip(),
                f.facts().frame(),
                f.facts().sourceIndex(),
                f.facts().seconds(),
                f.facts().width(),
                f.facts().height(),
                f.facts().slots(),
                f.facts().padded(),
                cells,
                grid.flatMap(g -> f.readout().map(tokens -> readout(g, tokens))).orElse(null),
                null);
    }

    /** The row saying clip {@code clip} of {@code video} failed, and why. */
    public static Row error(String video, int clip, String message) {
        return RowFactory.create(video, clip, null, null, null, null, null, null, null, null, null, message);
    }

    private static Row[] readout(SparseReadoutGrid grid, List<Integer> tokens) {
        Row[] out = new Row[tokens.size()];
        for (int i = 0; i < out.length; i++) {
            int token = tokens.get(i);
            out[i] = RowFactory.create(token, grid.row(token), grid.col(token));
        }
        return out;
    }

    private static StructField field(String name, DataType type, boolean nullable) {
        return DataTypes.createStructField(name, type, nullable);
    }
}
