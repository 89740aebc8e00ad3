package io.autogaze4j.weights;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A memory-mapped safetensors file. The header is validated completely when the file is opened:
 * header length against the file size, well-formed JSON, known dtypes, shape times element size equal
 * to the byte range, ranges inside the data area and not overlapping. Tensor data is read through
 * zero-copy little-endian views, or converted to Java arrays on request.
 *
 * <p>Instances are immutable and safe to share between threads until {@link #close()}.
 */
public final class SafetensorsFile implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Headers above this size are refused rather than read (the format itself caps them at 100 MB). */
    private static final long MAX_HEADER_BYTES = 100L * 1024 * 1024;

    private final Path file;
    private final ByteBuffer data;
    private final Map<String, TensorInfo> tensors;
    private final Map<String, String> metadata;
    private volatile boolean closed;

    private SafetensorsFile(Path file, ByteBuffer data, Map<String, TensorInfo> tensors, Map<String, String> metadata) {
        this.file = file;
        this.data = data;
        this.tensors = tensors;
        this.metadata = metadata;
    }

    /** Maps and validates {@code path}. */
    public static SafetensorsFile open(Path path) throws SafetensorsException {
        long size;
        ByteBuffer mapped;
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
            size = channel.size();
            if (size > Integer.MAX_VALUE) {
                throw new SafetensorsException(path, null, "file is " + size + " bytes; files over 2 GiB are not supported");
            }
            mapped = channel.map(FileChannel.MapMode.READ_ONLY, 0, size);
        } catch (NoSuchFileException e) {
            throw new SafetensorsException(path, null, "file does not exist", e);
        } catch (SafetensorsException e) {
            throw e;
        } catch (IOException e) {
            throw new SafetensorsException(path, null, "cannot be read: " + e.getMessage(), e);
        }
        return parse(path, mapped.order(ByteOrder.LITTLE_ENDIAN));
    }

    /** Parses and validates safetensors bytes held in memory (the buffer is not copied). */
    public static SafetensorsFile fromBuffer(ByteBuffer bytes) throws SafetensorsException {
        return parse(null, bytes.slice().order(ByteOrder.LITTLE_ENDIAN));
    }

    private static SafetensorsFile parse(Path path, ByteBuffer all) throws SafetensorsException {
        long size = all.capacity();
        if (size < 8) {
            throw new SafetensorsException(path, null, "file is " + size + " bytes, too short for the 8-byte header length");
        }
        long headerLength = all.getLong(0);
        if (headerLength < 2 || headerLength > MAX_HEADER_BYTES || headerLength > size - 8) {
            throw new SafetensorsException(path, null, "header length " + headerLength
                    + " does not fit the file size " + size + " (truncated or not a safetensors file)");
        }
        byte[] headerBytes = new byte[(int) headerLength];
        all.get(8, headerBytes);
        JsonNode root;
        try {
            root = JSON.readTree(new String(headerBytes, StandardCharsets.UTF_8));
        } catch (JsonProcessingException e) {
            throw new SafetensorsException(path, null, "header is not well-formed JSON: " + e.getOriginalMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new SafetensorsException(path, null, "header is not a JSON object");
        }
        long dataStart = 8 + headerLength;
        long dataSize = size - dataStart;
        Map<String, TensorInfo> tensors = new LinkedHashMap<>();
        Map<String, String> metadata = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (e.getKey().equals("__metadata__")) {
                readMetadata(path, e.getValue(), metadata);
            } else {
                tensors.put(e.getKey(), readEntry(path, e.getKey(), e.getValue(), dataSize));
            }
        }
        checkNoOverlap(path, tensors.values());
        ByteBuffer data = all.slice((int) dataStart, (int) dataSize).order(ByteOrder.LITTLE_ENDIAN);
        return new SafetensorsFile(path, data, Collections.unmodifiableMap(tensors), Collections.unmodifiableMap(metadata));
    }

    private static void readMetadata(Path path, JsonNode node, Map<String, String> out) throws SafetensorsException {
        if (!node.isObject()) {
            throw new SafetensorsException(path, null, "__metadata__ is not a JSON object");
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!e.getValue().isTextual()) {
                throw new SafetensorsException(path, null, "__metadata__ value of '" + e.getKey() + "' is not a string");
            }
            out.put(e.getKey(), e.getValue().asText());
        }
    }

    private static TensorInfo readEntry(Path path, String name, JsonNode node, long dataSize) throws SafetensorsException {
        if (!node.isObject()) {
            throw new SafetensorsException(path, name, "header entry is not a JSON object");
        }
        JsonNode dtypeNode = node.get("dtype");
        if (dtypeNode == null || !dtypeNode.isTextual()) {
            throw new SafetensorsException(path, name, "missing or non-text 'dtype'");
        }
        DType dtype = DType.fromHeaderName(dtypeNode.asText()).orElseThrow(() ->
                new SafetensorsException(path, name, "unknown dtype '" + dtypeNode.asText() + "' (known: F32, F16, BF16, I64, I32, U8, BOOL)"));
        JsonNode shapeNode = node.get("shape");
        if (shapeNode == null || !shapeNode.isArray()) {
            throw new SafetensorsException(path, name, "missing or non-array 'shape'");
        }
        int[] shape = new int[shapeNode.size()];
        long count = 1;
        for (int i = 0; i < shape.length; i++) {
            JsonNode d = shapeNode.get(i);
            if (!d.canConvertToLong() || !d.isIntegralNumber() || d.asLong() < 0 || d.asLong() > Integer.MAX_VALUE) {
                throw new SafetensorsException(path, name, "shape entry " + i + " is not a non-negative integer: " + d);
            }
            shape[i] = (int) d.asLong();
            count = Math.multiplyExact(count, shape[i]);
        }
        JsonNode offsets = node.get("data_offsets");
        if (offsets == null || !offsets.isArray() || offsets.size() != 2
                || !offsets.get(0).isIntegralNumber() || !offsets.get(1).isIntegralNumber()) {
            throw new SafetensorsException(path, name, "'data_offsets' must be an array of two integers");
        }
        long begin = offsets.get(0).asLong();
        long end = offsets.get(1).asLong();
        if (begin < 0 || end < begin) {
            throw new SafetensorsException(path, name, "invalid data_offsets [" + begin + ", " + end + "]");
        }
        if (end > dataSize) {
            throw new SafetensorsException(path, name, "data_offsets [" + begin + ", " + end
                    + "] run past the end of the data area (" + dataSize + " bytes; file truncated?)");
        }
        long expected = count * dtype.byteSize();
        if (end - begin != expected) {
            throw new SafetensorsException(path, name, "shape " + java.util.Arrays.toString(shape) + " x " + dtype
                    + " needs " + expected + " bytes but data_offsets cover " + (end - begin));
        }
        return new TensorInfo(name, dtype, shape, begin, end);
    }

    private static void checkNoOverlap(Path path, Iterable<TensorInfo> infos) throws SafetensorsException {
        List<TensorInfo> sorted = new ArrayList<>();
        infos.forEach(sorted::add);
        sorted.sort(Comparator.comparingLong(TensorInfo::begin).thenComparingLong(TensorInfo::end));
        for (int i = 1; i < sorted.size(); i++) {
            TensorInfo prev = sorted.get(i - 1);
            TensorInfo cur = sorted.get(i);
            if (cur.begin() < prev.end() && cur.byteLength() > 0 && prev.byteLength() > 0) {
                throw new SafetensorsException(path, cur.name(), "byte range [" + cur.begin() + ", " + cur.end()
                        + ") overlaps tensor '" + prev.name() + "' [" + prev.begin() + ", " + prev.end() + ")");
            }
        }
    }

    /** The file this was opened from, or null for in-memory data. */
    public Path path() {
        return file;
    }

    /** Tensor entries in header order. */
    public Map<String, TensorInfo> tensors() {
        return tensors;
    }

    /** The {@code __metadata__} strings (empty when absent). */
    public Map<String, String> metadata() {
        return metadata;
    }

    /** True if a tensor of this name exists. */
    public boolean contains(String name) {
        return tensors.containsKey(name);
    }

    /** The entry for {@code name}, if present. */
    public Optional<TensorInfo> find(String name) {
        return Optional.ofNullable(tensors.get(name));
    }

    /** The entry for {@code name}; throws naming the tensor when it is missing. */
    public TensorInfo info(String name) throws SafetensorsException {
        ensureOpen();
        TensorInfo info = tensors.get(name);
        if (info == null) {
            throw new SafetensorsException(file, name, "no such tensor (the file has " + tensors.size() + " tensors)");
        }
        return info;
    }

    /** A zero-copy little-endian view of the tensor's bytes. */
    public ByteBuffer view(String name) throws SafetensorsException {
        TensorInfo info = info(name);
        return data.slice((int) info.begin(), (int) info.byteLength()).order(ByteOrder.LITTLE_ENDIAN);
    }

    /** The tensor converted to float (F32, F16, BF16, and integer types, which convert exactly up to 2^24). */
    public float[] floats(String name) throws SafetensorsException {
        TensorInfo info = info(name);
        ByteBuffer b = view(name);
        int n = checkedCount(info);
        float[] out = new float[n];
        switch (info.dtype()) {
            case F32 -> b.asFloatBuffer().get(out);
            case F16 -> {
                for (int i = 0; i < n; i++) {
                    out[i] = Float.float16ToFloat(b.getShort(2 * i));
                }
            }
            case BF16 -> {
                for (int i = 0; i < n; i++) {
                    out[i] = Float.intBitsToFloat((b.getShort(2 * i) & 0xffff) << 16);
                }
            }
            case I64, I32, U8, BOOL -> {
                long[] values = longs(name);
                for (int i = 0; i < n; i++) {
                    out[i] = values[i];
                }
            }
        }
        return out;
    }

    /** The tensor as longs (integer and boolean types only). */
    public long[] longs(String name) throws SafetensorsException {
        TensorInfo info = info(name);
        ByteBuffer b = view(name);
        int n = checkedCount(info);
        long[] out = new long[n];
        switch (info.dtype()) {
            case I64 -> b.asLongBuffer().get(out);
            case I32 -> {
                for (int i = 0; i < n; i++) {
                    out[i] = b.getInt(4 * i);
                }
            }
            case U8, BOOL -> {
                for (int i = 0; i < n; i++) {
                    out[i] = b.get(i) & 0xff;
                }
            }
            default -> throw new SafetensorsException(file, name, "dtype " + info.dtype() + " cannot be read as integers");
        }
        return out;
    }

    /** The tensor as ints (integer and boolean types; I64 values must fit in an int). */
    public int[] ints(String name) throws SafetensorsException {
        long[] l = longs(name);
        int[] out = new int[l.length];
        for (int i = 0; i < l.length; i++) {
            if (l[i] < Integer.MIN_VALUE || l[i] > Integer.MAX_VALUE) {
                throw new SafetensorsException(file, name, "value " + l[i] + " at index " + i + " does not fit in an int");
            }
            out[i] = (int) l[i];
        }
        return out;
    }

    /** The raw bytes of a U8 or BOOL tensor. */
    public byte[] bytes(String name) throws SafetensorsException {
        TensorInfo info = info(name);
        if (info.dtype() != DType.U8 && info.dtype() != DType.BOOL) {
            throw new SafetensorsException(file, name, "dtype " + info.dtype() + " is not a byte type");
        }
        byte[] out = new byte[checkedCount(info)];
        view(name).get(out);
        return out;
    }

    private int checkedCount(TensorInfo info) throws SafetensorsException {
        long n = info.elementCount();
        if (n > Integer.MAX_VALUE - 8) {
            throw new SafetensorsException(file, info.name(), "has " + n + " elements, too many for a Java array");
        }
        return (int) n;
    }

    private void ensureOpen() throws SafetensorsException {
        if (closed) {
            throw new SafetensorsException(file, null, "file was closed");
        }
    }

    /** Releases the file. Views taken earlier must not be used afterwards. */
    @Override
    public void close() {
        closed = true;
    }
}
