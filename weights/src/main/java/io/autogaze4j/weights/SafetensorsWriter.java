package io.autogaze4j.weights;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Builds a safetensors file: add tensors in order, then {@link #write(Path)} or {@link #toBytes()}.
 * The header is padded with spaces to a multiple of 8 bytes, as the reference writer does.
 */
public final class SafetensorsWriter {
    private record Entry(DType dtype, int[] shape, byte[] bytes) {}

    private final Map<String, Entry> entries = new LinkedHashMap<>();
    private final Map<String, String> metadata = new LinkedHashMap<>();

    /** Adds a float32 tensor. */
    public SafetensorsWriter addFloats(String name, int[] shape, float[] values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(values);
        return addRaw(name, DType.F32, shape, b.array());
    }

    /** Adds an int64 tensor. */
    public SafetensorsWriter addLongs(String name, int[] shape, long[] values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 8).order(ByteOrder.LITTLE_ENDIAN);
        b.asLongBuffer().put(values);
        return addRaw(name, DType.I64, shape, b.array());
    }

    /** Adds a tensor from raw little-endian bytes; the byte count must match shape and dtype. */
    public SafetensorsWriter addRaw(String name, DType dtype, int[] shape, byte[] littleEndianBytes) {
        long count = 1;
        for (int d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("tensor '" + name + "': negative dimension " + d);
            }
            count *= d;
        }
        if (count * dtype.byteSize() != littleEndianBytes.length) {
            throw new IllegalArgumentException("tensor '" + name + "': shape needs " + count * dtype.byteSize()
                    + " bytes, got " + littleEndianBytes.length);
        }
        if (name.equals("__metadata__") || entries.containsKey(name)) {
            throw new IllegalArgumentException("tensor name '" + name + "' is reserved or already added");
        }
        entries.put(name, new Entry(dtype, shape.clone(), littleEndianBytes.clone()));
        return this;
    }

    /** Adds a {@code __metadata__} string. */
    public SafetensorsWriter metadata(String key, String value) {
        metadata.put(key, value);
        return this;
    }

    /** The complete file contents. */
    public byte[] toBytes() {
        ObjectMapper json = new ObjectMapper();
        ObjectNode header = json.createObjectNode();
        if (!metadata.isEmpty()) {
            ObjectNode meta = header.putObject("__metadata__");
            metadata.forEach(meta::put);
        }
        long offset = 0;
        for (Map.Entry<String, Entry> e : entries.entrySet()) {
            ObjectNode t = header.putObject(e.getKey());
            t.put("dtype", e.getValue().dtype().headerName());
            ArrayNode shape = t.putArray("shape");
            for (int d : e.getValue().shape()) {
                shape.add(d);
            }
            ArrayNode offsets = t.putArray("data_offsets");
            offsets.add(offset);
            offset += e.getValue().bytes().length;
            offsets.add(offset);
        }
        StringBuilder text = new StringBuilder(header.toString());
        while (text.toString().getBytes(StandardCharsets.UTF_8).length % 8 != 0) {
            text.append(' ');
        }
        byte[] headerBytes = text.toString().getBytes(StandardCharsets.UTF_8);
        ByteBuffer out =
                ByteBuffer.allocate(8 + headerBytes.length + (int) offset).order(ByteOrder.LITTLE_ENDIAN);
        out.putLong(headerBytes.length).put(headerBytes);
        entries.values().forEach(e -> out.put(e.bytes()));
        return out.array();
    }

    /** Writes the file, replacing any existing one. */
    public void write(Path path) throws IOException {
        byte[] bytes = toBytes();
        try (OutputStream os = Files.newOutputStream(path)) {
            os.write(bytes);
        }
    }
}
