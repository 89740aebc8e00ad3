package io.autogaze4j.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Writes an int32 matrix as a NumPy {@code .npy} file (format version 1.0, little-endian, C order). */
final class NpyFile {
    /** The header (magic, version, length, dict) is padded with spaces to a multiple of this. */
    private static final int ALIGN = 64;

    private NpyFile() {}

    /** Writes {@code rows} (each of {@code columns} ints) as a {@code [rows, columns]} {@code <i4} array. */
    static void writeInts(Path file, List<int[]> rows, int columns) throws IOException {
        String dict = "{'descr': '<i4', 'fortran_order': False, 'shape': (" + rows.size() + ", " + columns + "), }";
        int unpadded = 10 + dict.length() + 1;
        String header = dict + " ".repeat((ALIGN - unpadded % ALIGN) % ALIGN) + "\n";
        ByteBuffer data = ByteBuffer.allocate(rows.size() * columns * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (int[] row : rows) {
            if (row.length != columns) {
                throw new IllegalArgumentException(
                        "row of " + row.length + " values in a matrix of " + columns + " columns");
            }
            for (int v : row) {
                data.putInt(v);
            }
        }
        try (OutputStream out = Files.newOutputStream(file)) {
            out.write(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0});
            out.write(header.length() & 0xFF);
            out.write(header.length() >> 8);
            out.write(header.getBytes(StandardCharsets.US_ASCII));
            out.write(data.array());
        }
    }
}
