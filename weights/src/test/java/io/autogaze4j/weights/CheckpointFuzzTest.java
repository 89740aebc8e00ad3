package io.autogaze4j.weights;

import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ContainerNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Fuzzes the three checkpoint parsers (safetensors header, config.json, preprocessor_config.json) with
 * mutated and generated inputs. The only property: every input either loads or fails with the parser's
 * typed exception ({@link SafetensorsException} / {@link ConfigException} / {@link CheckpointException}),
 * within {@link #HANG}; never another exception, an error, or a hang. A config that loads is also
 * checked against real weights, so absurd sizes must fail there at once instead of allocating.
 * The inputs come from a seeded {@link Random} (fixed seeds keep CI reproducible; a failure names the
 * case and prints its input). A few thousand cases run in about ten seconds on two cores.
 *
 * <p>No fuzzing library: jqwik 1.10.1 runs on the JUnit 6 platform but its engine prints a notice that AI
 * agents must not use it, and Jazzer 0.24.0's JUnit integration fails test discovery on JUnit 6.1.3.
 */
class CheckpointFuzzTest {
    /** Longest a single case may take before it counts as a hang (a valid parse takes well under 10 ms). */
    private static final Duration HANG = Duration.ofSeconds(5);

    private static final ObjectMapper JSON = new ObjectMapper();

    private static Path tmp;
    private static SafetensorsFile weights;
    private static byte[] safetensors;
    private static String config;
    private static String preprocessor;

    /** One edit of a byte sequence; positions wrap around its length. */
    enum Edit {
        FLIP_BIT,
        SET_BYTE,
        INSERT_BYTE,
        DELETE_BYTE,
        TRUNCATE,
        DUPLICATE_RANGE
    }

    record Mutation(Edit edit, int position, int value) {}

    /** Cases per target. */
    private static final int CASES = 1500;

    /** One edit of a JSON tree: replace a value, delete a key, or wrap a value in an array. */
    enum TreeEdit {
        REPLACE,
        DELETE,
        WRAP
    }

    record TreeMutation(TreeEdit edit, int leaf, JsonNode value) {}

    @BeforeAll
    static void load() throws IOException {
        Path model = CheckpointTest.fixture("model_k1");
        tmp = Files.createTempDirectory("autogaze4j-fuzz");
        weights = SafetensorsFile.open(model.resolve(Checkpoint.WEIGHTS_FILE));
        safetensors = new SafetensorsWriter()
                .addFloats("a", new int[] {2, 3}, new float[] {1, 2, 3, 4, 5, 6})
                .addLongs("b", new int[] {2}, new long[] {7, -8})
                .addRaw("c", DType.BF16, new int[] {1, 2}, new byte[] {0, 63, 0, -64})
                .metadata("format", "pt")
                .toBytes();
        config = Files.readString(model.resolve(Checkpoint.CONFIG_FILE));
        preprocessor = Files.readString(model.resolve(Checkpoint.PREPROCESSOR_FILE));
    }

    @AfterAll
    static void release() throws IOException {
        weights.close();
        try (var files = Files.walk(tmp)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    @Test
    void mutatedSafetensorsFilesLoadOrFailTyped() {
        Random random = new Random(15);
        forEachCase(
                () -> apply(safetensors, mutations(random, safetensors.length, 1 + random.nextInt(4))),
                bytes -> expectOnly(() -> readEverything(bytes), SafetensorsException.class));
    }

    @Test
    void generatedHeadersLoadOrFailTyped() {
        Random random = new Random(16);
        forEachCase(
                () -> SafetensorsFileTest.withHeader(header(random), random.nextInt(65)),
                bytes -> expectOnly(() -> readEverything(bytes), SafetensorsException.class));
    }

    @Test
    void mutatedConfigsLoadOrFailTypedAndAreCheckedAgainstTheWeights() {
        Random random = new Random(17);
        forEachCase(() -> mutate(config, random), text -> {
            Path file = write("config.json", text);
            expectOnly(
                    () -> Checkpoint.verify(weights, AutoGazeConfig.load(file)),
                    ConfigException.class,
                    CheckpointException.class,
                    SafetensorsException.class);
        });
    }

    @Test
    void mutatedPreprocessorConfigsLoadOrFailTyped() {
        Random random = new Random(18);
        forEachCase(() -> mutate(preprocessor, random), text -> {
            Path file = write("preprocessor_config.json", text);
            expectOnly(() -> PreprocessorConfig.load(file), ConfigException.class);
        });
    }

    interface Check<T> {
        void accept(T input);
    }

    /** Runs {@link #CASES} generated inputs through {@code check}; a failure names the case and shows its input. */
    private static <T> void forEachCase(Supplier<T> inputs, Check<T> check) {
        for (int i = 0; i < CASES; i++) {
            T input = inputs.get();
            try {
                check.accept(input);
            } catch (AssertionError e) {
                String shown =
                        input instanceof byte[] b ? new String(b, StandardCharsets.ISO_8859_1) : String.valueOf(input);
                throw new AssertionError("case " + i + ": " + e.getMessage() + "\ninput: " + shown, e);
            }
        }
    }

    private static List<Mutation> mutations(Random random, int length, int count) {
        List<Mutation> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            out.add(new Mutation(pick(random, Edit.values()), random.nextInt(length + 1), random.nextInt(256)));
        }
        return out;
    }

    /** A JSON value of a kind a config must reject or survive: extreme numbers, text, null, containers. */
    private static JsonNode value(Random random) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        return switch (random.nextInt(6)) {
            case 0 ->
                f.numberNode(pick(random, new int[] {
                    0, -1, 1, 2, 3, 5, 7, 16, 64, 65, 224, 4097, 1_000_000_000, Integer.MAX_VALUE, Integer.MIN_VALUE
                }));
            case 1 -> f.numberNode(random.nextLong());
            case 2 ->
                f.numberNode(pick(
                        random,
                        new double[] {0.0, -0.0, 1e-38, -1.0, 0.5, 1.0, 5.0, 1e9, 3e38, 1e308, -1e308, 4.9e-324}));
            case 3 -> f.numberNode(random.nextInt(2000) - 1000);
            case 4 ->
                f.textNode(
                        pick(random, new String[] {"", "x", "32+64", "32++64", "llama3", "default", "1e9", "\u0000"}));
            default -> pick(random, new JsonNode[] {f.nullNode(), f.booleanNode(true), f.arrayNode(), f.objectNode()});
        };
    }

    /** A generated safetensors header: a few entries with valid, extreme and malformed dtypes, shapes and offsets. */
    private static String header(Random random) {
        String[] dtypes = {
            "\"F32\"",
            "\"F16\"",
            "\"BF16\"",
            "\"I64\"",
            "\"I32\"",
            "\"U8\"",
            "\"BOOL\"",
            "\"F8\"",
            "\"f32\"",
            "\"\"",
            "7",
            "null"
        };
        String[] names = {"a", "b", "a", "__metadata__", "", "gazing_model.x", "\\u00e9"};
        List<String> entries = new ArrayList<>();
        for (int e = random.nextInt(5); e > 0; e--) {
            entries.add("\"" + pick(random, names) + "\":{\"dtype\":" + pick(random, dtypes) + ",\"shape\":"
                    + numbers(random, 4) + ",\"data_offsets\":" + numbers(random, 3) + "}");
        }
        return "{" + String.join(",", entries) + "}";
    }

    private static String numbers(Random random, int most) {
        String[] extremes = {
            "2147483647",
            "2147483647",
            "1000000007",
            "65536",
            "2147483648",
            "9223372036854775807",
            "9223372036854775808",
            "-1",
            "1.5",
            "1e3",
            "\"4\"",
            "null",
            "99999999999999999999999"
        };
        List<String> out = new ArrayList<>();
        for (int i = random.nextInt(most + 1); i > 0; i--) {
            out.add(random.nextBoolean() ? pick(random, extremes) : String.valueOf(random.nextInt(43) - 2));
        }
        return "[" + String.join(",", out) + "]";
    }

    @SafeVarargs
    private static <T> T pick(Random random, T... choices) {
        return choices[random.nextInt(choices.length)];
    }

    private static int pick(Random random, int[] choices) {
        return choices[random.nextInt(choices.length)];
    }

    private static double pick(Random random, double[] choices) {
        return choices[random.nextInt(choices.length)];
    }

    /**
     * Parses {@code bytes} and, when that succeeds, checks the format's layout rule (the tensors cover the
     * data area exactly) and reads every tensor the way a loader would.
     */
    private static void readEverything(byte[] bytes) throws IOException {
        try (SafetensorsFile f = SafetensorsFile.fromBuffer(ByteBuffer.wrap(bytes))) {
            long dataBytes = bytes.length
                    - 8
                    - ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getLong(0);
            long covered = f.tensors().values().stream()
                    .mapToLong(TensorInfo::byteLength)
                    .sum();
            if (covered != dataBytes) {
                throw new AssertionError(
                        "loaded although its tensors cover " + covered + " of " + dataBytes + " data bytes");
            }
            for (Map.Entry<String, TensorInfo> e : f.tensors().entrySet()) {
                f.firstNonFinite(e.getKey());
                if (e.getValue().dtype().isFloating()) {
                    f.floats(e.getKey());
                } else {
                    f.longs(e.getKey());
                }
            }
        }
    }

    interface Parse {
        void run() throws IOException;
    }

    /** Runs {@code parse} within {@link #HANG}; it may succeed or throw one of {@code allowed}, nothing else. */
    @SafeVarargs
    private static void expectOnly(Parse parse, Class<? extends IOException>... allowed) {
        assertTimeoutPreemptively(HANG, () -> {
            try {
                parse.run();
            } catch (IOException e) {
                if (Arrays.stream(allowed).noneMatch(c -> c.isInstance(e))) {
                    throw new AssertionError("untyped failure " + e, e);
                }
                if (e.getMessage() == null || e.getMessage().lines().count() != 1) {
                    throw new AssertionError("message is not one line: " + e.getMessage(), e);
                }
            }
        });
    }

    /** {@code json} with one to three tree edits, then (half the time) up to two byte edits of its text. */
    private static String mutate(String json, Random random) {
        try {
            JsonNode root = JSON.readTree(json);
            for (int i = 1 + random.nextInt(3); i > 0; i--) {
                applyToTree(
                        root, new TreeMutation(pick(random, TreeEdit.values()), random.nextInt(400), value(random)));
            }
            byte[] text = JSON.writeValueAsBytes(root);
            byte[] bytes = apply(
                    text, random.nextBoolean() ? List.of() : mutations(random, text.length, 1 + random.nextInt(2)));
            return new String(bytes, StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Applies {@code m} to the {@code m.leaf()}-th field (wrapping around) of the tree, depth first. */
    private static void applyToTree(JsonNode root, TreeMutation m) {
        List<Map.Entry<ObjectNode, String>> fields = new ArrayList<>();
        collect(root, fields);
        Map.Entry<ObjectNode, String> target = fields.get(m.leaf() % fields.size());
        ObjectNode parent = target.getKey();
        String key = target.getValue();
        switch (m.edit()) {
            case REPLACE -> parent.set(key, m.value());
            case DELETE -> parent.remove(key);
            case WRAP -> parent.set(key, JsonNodeFactory.instance.arrayNode().add(parent.get(key)));
        }
    }

    private static void collect(JsonNode node, List<Map.Entry<ObjectNode, String>> out) {
        if (node instanceof ObjectNode o) {
            for (Iterator<String> it = o.fieldNames(); it.hasNext(); ) {
                String key = it.next();
                out.add(Map.entry(o, key));
                collect(o.get(key), out);
            }
        } else if (node instanceof ContainerNode<?> c) {
            c.elements().forEachRemaining(child -> collect(child, out));
        }
    }

    private static byte[] apply(byte[] original, List<Mutation> mutations) {
        List<Byte> b = new ArrayList<>(original.length + 8);
        for (byte x : original) {
            b.add(x);
        }
        for (Mutation m : mutations) {
            int at = b.isEmpty() ? 0 : m.position() % b.size();
            switch (m.edit()) {
                case FLIP_BIT -> {
                    if (!b.isEmpty()) {
                        b.set(at, (byte) (b.get(at) ^ (1 << (m.value() & 7))));
                    }
                }
                case SET_BYTE -> {
                    if (!b.isEmpty()) {
                        b.set(at, (byte) m.value());
                    }
                }
                case INSERT_BYTE -> b.add(at, (byte) m.value());
                case DELETE_BYTE -> {
                    if (!b.isEmpty()) {
                        b.remove(at);
                    }
                }
                case TRUNCATE -> b.subList(at, b.size()).clear();
                case DUPLICATE_RANGE ->
                    b.addAll(at, new ArrayList<>(b.subList(at, Math.min(b.size(), at + 1 + m.value() % 16))));
            }
        }
        byte[] out = new byte[b.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = b.get(i);
        }
        return out;
    }

    private static Path write(String name, String text) {
        try {
            Path file = tmp.resolve(name);
            Files.write(file, text.getBytes(StandardCharsets.ISO_8859_1));
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
