package io.autogaze4j.weights;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.CharBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * A memory-mapped safetensors file. The header is validated completely when the file is opened, by the
 * format's own rules: header length against the file size, valid UTF-8, one well-formed JSON object
 * with no duplicate keys and nothing after it but space padding, known dtypes, shape products that do not
 * overflow, shape times element size equal to the byte range, and byte ranges that tile the data area
 * exactly (no overlap, no hole, no trailing bytes). Every error names the file and, when one is concerned,
 * the tensor. Tensor data is read through zero-copy little-endian views, or converted to Java arrays on request.
 *
 * <p>Instances are immutable and safe to share between threads until {@link #close()}.
 */
public final class SafetensorsFile implements AutoCloseable {
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
                throw new SafetensorsException(
                        path, null, "file is " + size + " bytes; files over 2 GiB are not supported");
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
            throw new SafetensorsException(
                    path, null, "file is " + size + " bytes, too short for the 8-byte header length");
        }
        long headerLength = all.getLong(0);
        if (headerLength < 2 || headerLength > MAX_HEADER_BYTES || headerLength > size - 8) {
            throw new SafetensorsException(
                    path,
                    null,
                    "header length " + headerLength + " does not fit the file size " + size
                            + " (truncated or not a safetensors file)");
        }
        byte[] headerBytes = new byte[(int) headerLength];
        all.get(8, headerBytes);
        JsonNode root;
        try {
            root = StrictJson.MAPPER.readTree(utf8(path, headerBytes));
        } catch (JsonProcessingException e) {
            throw new SafetensorsException(path, null, "header is not well-formed JSON: " + StrictJson.describe(e), e);
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
        checkTiling(path, tensors.values(), dataSize);
        ByteBuffer data = all.slice((int) dataStart, (int) dataSize).order(ByteOrder.LITTLE_ENDIAN);
        return new SafetensorsFile(
                path, data, Collections.unmodifiableMap(tensors), Collections.unmodifiableMap(metadata));
    }

    /** The header as text; malformed UTF-8 is an error rather than replacement characters. */
    private static String utf8(Path path, byte[] header) throws SafetensorsException {
        try {
            CharBuffer text = StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(header));
            return text.toString();
        } catch (CharacterCodingException e) {
            throw new SafetensorsException(path, null, "header is not valid UTF-8 (" + e.getMessage() + ")", e);
        }
    }

    private static void readMetadata(Path path, JsonNode node, Map<String, String> out) throws SafetensorsException {
        if (!node.isObject()) {
            throw new SafetensorsException(path, null, "__metadata__ is not a JSON object");
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!e.getValue().isTextual()) {
                throw new SafetensorsException(
                        path, null, "__metadata__ value of '" + e.getKey() + "' is not a string");
            }
            out.put(e.getKey(), e.getValue().asText());
        }
    }

    private static TensorInfo readEntry(Path path, String name, JsonNode node, long dataSize)
            throws SafetensorsException {
        if (!node.isObject()) {
            throw new SafetensorsException(path, name, "header entry is not a JSON object");
        }
        JsonNode dtypeNode = node.get("dtype");
        if (dtypeNode == null || !dtypeNode.isTextual()) {
            throw new SafetensorsException(path, name, "missing or non-text 'dtype'");
        }
        DType dtype = DType.fromHeaderName(dtypeNode.asText())
                .orElseThrow(() -> new SafetensorsException(
                        path,
                        name,
                        "unknown dtype '" + dtypeNode.asText() + "' (known: F32, F16, BF16, I64, I32, U8, BOOL)"));
        JsonNode shapeNode = node.get("shape");
        if (shapeNode == null || !shapeNode.isArray()) {
            throw new SafetensorsException(path, name, "missing or non-array 'shape'");
        }
        int[] shape = new int[shapeNode.size()];
        for (int i = 0; i < shape.length; i++) {
            JsonNode d = shapeNode.get(i);
            if (!isLong(d) || d.asLong() < 0 || d.asLong() > Integer.MAX_VALUE) {
                throw new SafetensorsException(path, name, "shape entry " + i + " is not a non-negative integer: " + d);
            }
            shape[i] = (int) d.asLong();
        }
        long expected = byteCount(path, name, shape, dtype);
        JsonNode offsets = node.get("data_offsets");
        if (offsets == null
                || !offsets.isArray()
                || offsets.size() != 2
                || !isLong(offsets.get(0))
                || !isLong(offsets.get(1))) {
            throw new SafetensorsException(path, name, "'data_offsets' must be an array of two integers");
        }
        long begin = offsets.get(0).asLong();
        long end = offsets.get(1).asLong();
        if (begin < 0 || end < begin) {
            throw new SafetensorsException(path, name, "invalid data_offsets [" + begin + ", " + end + "]");
        }
        if (end > dataSize) {
            throw new SafetensorsException(
                    path,
                    name,
                    "data_offsets [" + begin + ", " + end + "] run past the end of the data area (" + dataSize
                            + " bytes; file truncated?)");
        }
        if (end - begin != expected) {
            throw new SafetensorsException(
                    path,
                    name,
                    "shape " + Arrays.toString(shape) + " x " + dtype + " needs " + expected
                            + " bytes but data_offsets cover " + (end - begin));
        }
        return new TensorInfo(name, dtype, shape, begin, end);
    }

    private static boolean isLong(JsonNode n) {
        return n.isIntegralNumber() && n.canConvertToLong();
    }

    /** Bytes of a tensor of {@code shape} and {@code dtype}; a product beyond a long is an error naming the tensor. */
    private static long byteCount(Path path, String name, int[] shape, DType dtype) throws SafetensorsException {
        try {
            long n = dtype.byteSize();
            for (int d : shape) {
                n = Math.multiplyExact(n, d);
            }
            return n;
        } catch (ArithmeticException e) {
            throw new SafetensorsException(
                    path,
                    name,
                    "shape " + Arrays.toString(shape) + " x " + dtype + " has more bytes than a 64-bit count holds",
                    e);
        }
    }

    /**
     * The byte ranges must tile the data area exactly, as the format requires: sorted by offset, each
     * starts where the previous ends (an earlier start is an overlap, a later one a hole), and the last
     * ends at the end of the file (anything after it is trailing garbage).
     */
    private static void checkTiling(Path path, Iterable<TensorInfo> infos, long dataSize) throws SafetensorsException {
        List<TensorInfo> sorted = new ArrayList<>();
        infos.forEach(sorted::add);
        sorted.sort(Comparator.comparingLong(TensorInfo::begin).thenComparingLong(TensorInfo::end));
        long covered = 0;
        TensorInfo previous = null;
        for (TensorInfo cur : sorted) {
            if (cur.begin() < covered) {
                throw new SafetensorsException(
                        path,
                        cur.name(),
                        "byte range [" + cur.begin() + ", " + cur.end() + ") overlaps tensor '" + previous.name()
                                + "' [" + previous.begin() + ", " + previous.end() + ")");
            }
            if (cur.begin() > covered) {
                throw new SafetensorsException(
                        path,
                        cur.name(),
                        "byte range starts at " + cur.begin() + " but the bytes before it end at " + covered + ": the "
                                + (cur.begin() - covered) + " bytes between belong to no tensor");
            }
            covered = cur.end();
            previous = cur;
        }
        if (covered != dataSize) {
            throw new SafetensorsException(
                    path,
                    null,
                    "the tensors end at byte " + covered + " of the data area but it holds " + dataSize + " bytes: "
                            + (dataSize - covered) + " trailing bytes belong to no tensor");
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

    /**
     * The index of the first NaN or infinite element of a floating point tensor, read in one pass over its
     * bytes without converting them; empty when every element is finite or the dtype is an integer type.
     */
    public OptionalLong firstNonFinite(String name) throws SafetensorsException {
        TensorInfo info = info(name);
        ByteBuffer b = view(name);
        int n = checkedCount(info);
        for (int i = 0; i < n; i++) {
            boolean finite = switch (info.dtype()) {
                case F32 -> Float.isFinite(b.getFloat(4 * i));
                case F16 -> (b.getShort(2 * i) & 0x7c00) != 0x7c00; // exponent all ones: Inf or NaN
                case BF16 -> (b.getShort(2 * i) & 0x7f80) != 0x7f80;
                case I64, I32, U8, BOOL -> true;
            };
            if (!finite) {
                return OptionalLong.of(i);
            }
        }
        return OptionalLong.empty();
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
            default ->
                throw new SafetensorsException(file, name, "dtype " + info.dtype() + " cannot be read as integers");
        }
        return out;
    }

    /** The tensor as ints (integer and boolean types; I64 values must fit in an int). */
    public int[] ints(String name) throws SafetensorsException {
        long[] l = longs(name);
        int[] out = new int[l.length];
        for (int i = 0; i < l.length; i++) {
            if (l[i] < Integer.MIN_VALUE || l[i] > Integer.MAX_VALUE) {
                throw new SafetensorsException(
                        file, name, "value " + l[i] + " at index " + i + " does not fit in an int");
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
