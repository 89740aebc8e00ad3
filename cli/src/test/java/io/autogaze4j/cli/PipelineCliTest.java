package io.autogaze4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.autogaze4j.testkit.TestVideos;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command on the pipeline: batches, decoders, truncated videos, the readout output. */
class PipelineCliTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private Cli gaze(Path input, String out, String... more) {
        String[] base = {
            "--input",
            input.toString(),
            "--out",
            dir.resolve(out).toString(),
            "--threads",
            "2",
            "--no-png",
            "--no-progress"
        };
        String[] args = Arrays.copyOf(base, base.length + more.length);
        System.arraycopy(more, 0, args, base.length, more.length);
        return Cli.run(args);
    }

    private JsonNode trace(String out) throws IOException {
        return JSON.readTree(dir.resolve(out).resolve("trace.json").toFile());
    }

    @Test
    void anyBatchSizeGivesTheSameTraceAsClipByClipGazing() throws IOException {
        String[] common = {"--frames", "8", "--clip-length", "4", "--tiles", "--gazing-ratio", "0.05", "--no-metrics"};
        Cli one = gaze(Cli.exampleVideo(), "one", concat(common, "--batch", "4"));
        Cli three = gaze(Cli.exampleVideo(), "three", concat(common, "--batch", "3"));
        assertEquals(0, one.code(), one.err());
        assertEquals(0, three.code(), three.err());
        JsonNode a = trace("one"), b = trace("three");
        assertEquals(4, a.at("/options/batchRows").asInt());
        assertEquals(3, b.at("/options/batchRows").asInt());
        assertEquals(2, a.at("/timings/batches").asInt(), "448x448 tiles: 4 rows per clip, 2 clips");
        assertEquals(3, b.at("/timings/batches").asInt(), "8 rows in batches of 3");
        assertEquals(a.get("trace"), b.get("trace"), "the fixations must not depend on the batch size");
        assertFalse(a.has("metrics"), "--no-metrics writes no metrics");
    }

    @Test
    void vp9IsDecodedByFfmpeg() throws URISyntaxException, IOException {
        Path vp9 = Path.of(PipelineCliTest.class.getResource("/vp9_32x32.mp4").toURI());
        Cli run = gaze(vp9, "vp9");
        assertEquals(0, run.code(), run.err());
        JsonNode root = trace("vp9");
        assertEquals("ffmpeg", root.at("/input/decoder").asText());
        assertFalse(root.at("/input/truncated").asBoolean());
        assertEquals(
                root.at("/input/frames").asInt(),
                root.at("/input/decodedFrames").asInt());
    }

    @Test
    void aTruncatedVideoWarnsAndStrictModeRefusesIt() throws IOException {
        Path whole = TestVideos.make(
                dir, "whole.mp4", 96, 64, 24, 25, "-c:v", "libx264", "-pix_fmt", "yuv420p", "-movflags", "+faststart");
        byte[] bytes = Files.readAllBytes(whole);
        Path half = Files.write(dir.resolve("half.mp4"), Arrays.copyOf(bytes, bytes.length / 2));
        Cli warned = gaze(half, "half", "--clip-length", "8");
        assertEquals(0, warned.code(), warned.err());
        assertTrue(
                warned.err().contains("WARNING")
                        && warned.err().contains("half.mp4")
                        && warned.err().contains("of the 24 frames"),
                warned.err());
        JsonNode root = trace("half");
        assertTrue(root.at("/input/truncated").asBoolean());
        assertEquals(24, root.at("/input/declaredFrames").asInt());
        assertTrue(root.at("/input/decodedFrames").asInt() < 24);
        gaze(half, "strict", "--clip-length", "8", "--strict")
                .assertFails(ExitCode.INPUT, "half.mp4", "of the 24 frames", "frame ");
    }

    @Test
    void readoutCoordinatesGoToReadoutNpyOrTraceJson() throws IOException {
        String[] common = {
            "--frames", "6", "--clip-length", "4", "--tubelet", "2", "--readout-grid", "14x14", "--gazing-ratio", "0.1"
        };
        Cli npy = gaze(Cli.exampleVideo(), "npy", common);
        assertEquals(0, npy.code(), npy.err());
        assertTrue(npy.out().contains("readout:"), npy.out());
        int[][] fromNpy = readNpy(dir.resolve("npy").resolve("readout.npy"));
        Cli json = gaze(Cli.exampleVideo(), "json", concat(common, "--readout-format", "json"));
        assertEquals(0, json.code(), json.err());
        JsonNode readout = trace("json").get("readout");
        assertEquals("[14,14]", readout.get("grid").toString());
        assertEquals(fromNpy.length, readout.get("tokens").asInt());
        assertEquals(fromNpy.length, readout.get("coords").size());
        assertTrue(fromNpy.length > 0);
        for (int i = 0; i < fromNpy.length; i++) {
            assertEquals(
                    Arrays.toString(fromNpy[i]),
                    readout.get("coords").get(i).toString().replace(",", ", "));
            assertTrue(
                    fromNpy[i][0] <= 1 && fromNpy[i][1] < 2 && fromNpy[i][2] < 14 && fromNpy[i][3] < 14,
                    Arrays.toString(fromNpy[i]));
        }
        assertEquals(
                0, readout.get("skippedClips").asInt(), "6 frames in clips of 4: 4 and 2, both whole tubelets of 2");
        assertEquals("readout.npy", trace("npy").at("/readout/file").asText());
    }

    @Test
    void badPipelineOptionsAreUsageErrors() {
        gaze(Cli.exampleVideo(), "x", "--decoder", "vlc").assertFails(ExitCode.USAGE, "--decoder");
        gaze(Cli.exampleVideo(), "x", "--batch", "-1").assertFails(ExitCode.USAGE, "--batch");
        gaze(Cli.exampleVideo(), "x", "--tubelet", "3").assertFails(ExitCode.USAGE, "--tubelet");
        gaze(Cli.exampleVideo(), "x", "--readout-grid", "14").assertFails(ExitCode.USAGE, "--readout-grid");
    }

    /** A {@code [N, 4]} little-endian int32 NumPy file. */
    private static int[][] readNpy(Path file) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        assertEquals("NUMPY", new String(bytes, 1, 5, StandardCharsets.US_ASCII));
        int headerLength = (bytes[8] & 0xFF) | (bytes[9] & 0xFF) << 8;
        String header = new String(bytes, 10, headerLength, StandardCharsets.US_ASCII);
        assertTrue(header.contains("'descr': '<i4'") && header.contains(", 4)"), header);
        assertEquals(0, (10 + headerLength) % 64, "header aligned to 64 bytes");
        ByteBuffer data = ByteBuffer.wrap(bytes, 10 + headerLength, bytes.length - 10 - headerLength)
                .order(ByteOrder.LITTLE_ENDIAN);
        int n = data.remaining() / 16;
        assertTrue(header.contains("(" + n + ", 4)"), header);
        int[][] out = new int[n][4];
        for (int[] row : out) {
            for (int c = 0; c < 4; c++) {
                row[c] = data.getInt();
            }
        }
        return out;
    }

    private static String[] concat(String[] a, String... b) {
        String[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
