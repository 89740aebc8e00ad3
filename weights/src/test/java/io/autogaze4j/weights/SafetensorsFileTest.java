package io.autogaze4j.weights;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafetensorsFileTest {
    @TempDir
    Path tmp;

    private Path write(byte[] bytes) throws Exception {
        Path p = tmp.resolve("t" + System.nanoTime() + ".safetensors");
        Files.write(p, bytes);
        return p;
    }

    /** A safetensors file of {@code json} as header and {@code dataBytes} zero bytes of data. */
    static byte[] withHeader(String json, int dataBytes) {
        byte[] h = json.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + h.length + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(h.length).put(h);
        return b.array();
    }

    @Test
    void roundTripsEveryDtype() throws Exception {
        byte[] f16 = ByteBuffer.allocate(4)
                .order(ByteOrder.LITTLE_ENDIAN)
                .putShort(Float.floatToFloat16(1.5f))
                .putShort(Float.floatToFloat16(-2f))
                .array();
        byte[] bf16 = ByteBuffer.allocate(4)
                .order(ByteOrder.LITTLE_ENDIAN)
                .putShort((short) (Float.floatToIntBits(3f) >>> 16))
                .putShort((short) (Float.floatToIntBits(-0.5f) >>> 16))
                .array();
        byte[] i32 = ByteBuffer.allocate(8)
                .order(ByteOrder.LITTLE_ENDIAN)
                .putInt(7)
                .putInt(-9)
                .array();
        Path p = write(new SafetensorsWriter()
                .addFloats("f32", new int[] {2, 2}, new float[] {1, 2, 3, 4})
                .addRaw("f16", DType.F16, new int[] {2}, f16)
                .addRaw("bf16", DType.BF16, new int[] {2}, bf16)
                .addLongs("i64", new int[] {3}, new long[] {5, -6, 1L << 40})
                .addRaw("i32", DType.I32, new int[] {2}, i32)
                .addRaw("u8", DType.U8, new int[] {2}, new byte[] {(byte) 200, 3})
                .addRaw("bool", DType.BOOL, new int[] {2}, new byte[] {1, 0})
                .metadata("format", "pt")
                .toBytes());
        try (SafetensorsFile f = SafetensorsFile.open(p)) {
            assertArrayEquals(new float[] {1, 2, 3, 4}, f.floats("f32"));
            assertArrayEquals(new int[] {2, 2}, f.info("f32").shape());
            assertArrayEquals(new float[] {1.5f, -2f}, f.floats("f16"));
            assertArrayEquals(new float[] {3f, -0.5f}, f.floats("bf16"));
            assertArrayEquals(new long[] {5, -6, 1L << 40}, f.longs("i64"));
            assertArrayEquals(new int[] {7, -9}, f.ints("i32"));
            assertArrayEquals(new float[] {200, 3}, f.floats("u8"));
            assertArrayEquals(new long[] {1, 0}, f.longs("bool"));
            assertEquals("pt", f.metadata().get("format"));
            assertEquals(16, f.view("f32").remaining());
            SafetensorsException e = assertThrows(SafetensorsException.class, () -> f.ints("i64"));
            assertTrue(e.getMessage().contains("i64"), e.getMessage());
        }
    }

    @Test
    void truncatedFileIsNamed() throws Exception {
        byte[] good = new SafetensorsWriter()
                .addFloats("w", new int[] {4}, new float[] {1, 2, 3, 4})
                .toBytes();
        Path p = write(Arrays.copyOf(good, good.length - 3));
        SafetensorsException e = assertThrows(SafetensorsException.class, () -> SafetensorsFile.open(p));
        assertTrue(
                e.getMessage().contains(p.toString())
                        && e.getMessage().contains("'w'")
                        && e.getMessage().contains("truncated"),
                e.getMessage());
        Path tiny = write(new byte[] {1, 2, 3});
        assertTrue(assertThrows(SafetensorsException.class, () -> SafetensorsFile.open(tiny))
                .getMessage()
                .contains("too short"));
    }

    @Test
    void headerLengthBeyondFileIsRejected() throws Exception {
        ByteBuffer b = ByteBuffer.allocate(16)
                .order(ByteOrder.LITTLE_ENDIAN)
                .putLong(1_000_000)
                .putLong(0);
        Path p = write(b.array());
        assertTrue(assertThrows(SafetensorsException.class, () -> SafetensorsFile.open(p))
                .getMessage()
                .contains("header length"));
    }

    @Test
    void headerThatLiesAboutSizesIsRejected() throws Exception {
        Path p = write(withHeader("{\"w\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}}", 8));
        SafetensorsException e = assertThrows(SafetensorsException.class, () -> SafetensorsFile.open(p));
        assertEquals("w", e.tensor());
        assertTrue(e.getMessage().contains("needs 12 bytes"), e.getMessage());
    }

    @Test
    void overlappingRangesAreRejected() throws Exception {
        Path p = write(withHeader(
                "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                        + "\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}",
                12));
        assertTrue(assertThrows(SafetensorsException.class, () -> SafetensorsFile.open(p))
                .getMessage()
                .contains("overlaps"));
    }

    @Test
    void badJsonAndUnknownDtypeAreNamed() throws Exception {
        Path bad = write(withHeader("{\"w\": [", 0));
        assertTrue(assertThrows(SafetensorsException.class, () -> SafetensorsFile.open(bad))
                .getMessage()
                .contains("JSON"));
        Path dtype = write(withHeader("{\"w\":{\"dtype\":\"F8\",\"shape\":[1],\"data_offsets\":[0,1]}}", 1));
        assertTrue(assertThrows(SafetensorsException.class, () -> SafetensorsFile.open(dtype))
                .getMessage()
                .contains("unknown dtype 'F8'"));
        Path shape = write(withHeader("{\"w\":{\"dtype\":\"F32\",\"shape\":[-1],\"data_offsets\":[0,4]}}", 4));
        assertTrue(assertThrows(SafetensorsException.class, () -> SafetensorsFile.open(shape))
                .getMessage()
                .contains("shape entry"));
        Path missing = tmp.resolve("nope.safetensors");
        assertTrue(assertThrows(SafetensorsException.class, () -> SafetensorsFile.open(missing))
                .getMessage()
                .contains("does not exist"));
    }

    @Test
    void missingTensorIsNamed() throws Exception {
        Path p = write(new SafetensorsWriter()
                .addFloats("w", new int[] {1}, new float[] {1})
                .toBytes());
        try (SafetensorsFile f = SafetensorsFile.open(p)) {
            SafetensorsException e = assertThrows(SafetensorsException.class, () -> f.floats("missing"));
            assertEquals("missing", e.tensor());
        }
    }

    // issue 15, case 7: parser gaps

    @Test
    void shapeProductOverflowNamesFileAndTensor() throws Exception {
        int big = Integer.MAX_VALUE;
        Path p = write(withHeader(
                "{\"huge\":{\"dtype\":\"F32\",\"shape\":[" + big + "," + big + "," + big + "],"
                        + "\"data_offsets\":[0,4]}}",
                4));
        SafetensorsException e = assertThrows(SafetensorsException.class, () -> SafetensorsFile.open(p));
        assertEquals("huge", e.tensor());
        assertTrue(e.getMessage().contains(p.toString()) && e.getMessage().contains("64-bit"), e.getMessage());
    }

    @Test
    void trailingBytesAfterTheLastTensorAreRejected() throws Exception {
        byte[] good = new SafetensorsWriter()
                .addFloats("w", new int[] {2}, new float[] {1, 2})
                .toBytes();
        Path p = write(Arrays.copyOf(good, good.length + 3));
        SafetensorsException e = assertThrows(SafetensorsException.class, () -> SafetensorsFile.open(p));
        assertTrue(e.getMessage().contains("3 trailing bytes"), e.getMessage());
    }

    @Test
    void holeBetweenTensorsIsRejected() throws Exception {
        Path p = write(withHeader(
                "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},"
                        + "\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[8,12]}}",
                12));
        SafetensorsException e = assertThrows(SafetensorsException.class, () -> SafetensorsFile.open(p));
        assertEquals("b", e.tensor());
        assertTrue(e.getMessage().contains("belong to no tensor"), e.getMessage());
    }

    @Test
    void trailingJsonAfterTheHeaderObjectIsRejectedButSpacePaddingIsNot() throws Exception {
        String entry = "{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}";
        Path padded = write(withHeader(entry + "       ", 4));
        try (SafetensorsFile f = SafetensorsFile.open(padded)) {
            assertEquals(1, f.tensors().size());
        }
        Path garbage = write(withHeader(entry + " {}", 4));
        assertTrue(assertThrows(SafetensorsException.class, () -> SafetensorsFile.open(garbage))
                .getMessage()
                .contains("JSON"));
    }

    @Test
    void invalidUtf8HeaderIsRejected() throws Exception {
        byte[] bytes = withHeader("{\"w\u00e9\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", 4);
        int at = new String(bytes, StandardCharsets.ISO_8859_1).indexOf('\u00c3');
        bytes[at] = (byte) 0xff; // a byte that never occurs in UTF-8
        Path p = write(bytes);
        SafetensorsException e = assertThrows(SafetensorsException.class, () -> SafetensorsFile.open(p));
        assertTrue(e.getMessage().contains("UTF-8"), e.getMessage());
    }

    @Test
    void duplicateTensorNamesAreRejected() throws Exception {
        Path p = write(withHeader(
                "{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},"
                        + "\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}",
                8));
        SafetensorsException e = assertThrows(SafetensorsException.class, () -> SafetensorsFile.open(p));
        assertTrue(e.getMessage().contains("Duplicate") && e.getMessage().contains("'w'"), e.getMessage());
        assertEquals(1, e.getMessage().lines().count(), "one line: " + e.getMessage());
    }

    @Test
    void firstNonFiniteFindsNanAndInfinityInEveryFloatType() throws Exception {
        ByteBuffer half = ByteBuffer.allocate(6).order(ByteOrder.LITTLE_ENDIAN);
        half.putShort(Float.floatToFloat16(1f))
                .putShort(Float.floatToFloat16(2f))
                .putShort(Float.floatToFloat16(Float.NaN));
        ByteBuffer brain = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN);
        brain.putShort((short) (Float.floatToIntBits(Float.NEGATIVE_INFINITY) >>> 16))
                .putShort((short) 0);
        byte[] bytes = new SafetensorsWriter()
                .addFloats("f32", new int[] {3}, new float[] {0, Float.POSITIVE_INFINITY, 1})
                .addFloats("fine", new int[] {2}, new float[] {Float.MAX_VALUE, -Float.MIN_VALUE})
                .addRaw("f16", DType.F16, new int[] {3}, half.array())
                .addRaw("bf16", DType.BF16, new int[] {2}, brain.array())
                .toBytes();
        try (SafetensorsFile f = SafetensorsFile.open(write(bytes))) {
            assertEquals(1, f.firstNonFinite("f32").getAsLong());
            assertTrue(f.firstNonFinite("fine").isEmpty());
            assertEquals(2, f.firstNonFinite("f16").getAsLong());
            assertEquals(0, f.firstNonFinite("bf16").getAsLong());
        }
    }
}
