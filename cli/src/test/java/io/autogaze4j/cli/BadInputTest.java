package io.autogaze4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.autogaze4j.pipeline.FramePlan;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.CRC32;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every bad input gives one clear line on stderr and its own non-zero exit code, never just a stack trace. */
class BadInputTest {
    @TempDir
    Path dir;

    private Cli gaze(Path input, String... more) {
        String[] args = {
            "--input", input.toString(), "--out", dir.resolve("out").toString(), "--frames", "1", "--no-progress"
        };
        String[] all = Arrays.copyOf(args, args.length + more.length);
        System.arraycopy(more, 0, all, args.length, more.length);
        return Cli.run(all);
    }

    @Test
    void missingInput() {
        gaze(dir.resolve("nope.mp4")).assertFails(ExitCode.INPUT, "nope.mp4", "does not exist");
    }

    @Test
    void emptyVideoFile() throws IOException {
        gaze(Files.createFile(dir.resolve("empty.mp4"))).assertFails(ExitCode.INPUT, "empty");
    }

    @Test
    void unreadableVideoFile() throws IOException {
        byte[] junk =
                "this is not a video, just text pretending to be one".repeat(50).getBytes(StandardCharsets.US_ASCII);
        gaze(Files.write(dir.resolve("junk.mp4"), junk)).assertFails(ExitCode.INPUT, "junk.mp4");
    }

    @Test
    void codecTheJcodecDecoderCannotRead() throws URISyntaxException {
        Path vp9 = Path.of(BadInputTest.class.getResource("/vp9_32x32.mp4").toURI());
        gaze(vp9, "--decoder", "jcodec").assertFails(ExitCode.INPUT, "unsupported video codec", "vp09");
    }

    @Test
    void folderWithoutImages() throws IOException {
        gaze(Files.createDirectory(dir.resolve("nothing"))).assertFails(ExitCode.INPUT, "no image files");
    }

    @Test
    void samplingThatSelectsNoFrame() {
        gaze(Cli.exampleVideo(), "--start", "1000").assertFails(ExitCode.INPUT, "no frames");
    }

    @Test
    void hugeFrame() throws IOException {
        Path folder = Files.createDirectory(dir.resolve("huge"));
        ImageIO.write(
                new BufferedImage(16_385, 1, BufferedImage.TYPE_INT_RGB),
                "png",
                folder.resolve("wide.png").toFile());
        gaze(folder).assertFails(ExitCode.INPUT, "wide.png", "too large");
    }

    @Test
    void zeroSizeFrame() throws IOException {
        Path folder = Files.createDirectory(dir.resolve("zero"));
        Files.write(folder.resolve("zero.png"), pngHeaderOnly(0, 1));
        gaze(folder).assertFails(ExitCode.INPUT, "zero.png");
    }

    @Test
    void tiledFramesTooLargeForTheHeap() throws CliException {
        FramePlan plan = FramePlan.of(
                new io.autogaze4j.model.preprocess.FrameSize(3840, 2160),
                io.autogaze4j.model.preprocess.ImageProcessor.official().withoutResize(),
                true);
        String problem = plan.fitProblem(16, 1, 256L << 20).orElseThrow();
        assertTrue(problem.contains("3840x2160 cut into 10x18 tiles") && problem.contains("clip length"), problem);
        assertTrue(plan.fitProblem(16, 1, 16L << 30).isEmpty());
        assertTrue(
                plan.fitProblem(16, 5, 16L << 30).isPresent(),
                "five 4K clips of tiles in flight need more than 16 GiB");
    }

    @Test
    void missingModelDirectoryLeavesAnEarlierRunsOutputAlone() throws IOException {
        Path earlier =
                Files.writeString(Files.createDirectories(dir.resolve("out")).resolve("trace.json"), "{}");
        gaze(Cli.exampleVideo(), "--model", dir.resolve("no-model").toString(), "--overwrite")
                .assertFails(ExitCode.MODEL, "no-model", "does not exist");
        assertEquals("{}", Files.readString(earlier));
    }

    @Test
    void modelDirectoryWithoutItsFiles() throws IOException {
        Path model = Files.createDirectory(dir.resolve("model"));
        gaze(Cli.exampleVideo(), "--model", model.toString())
                .assertFails(ExitCode.MODEL, "lacks", "config.json", "model.safetensors");
    }

    @Test
    void corruptWeights() throws IOException {
        Path model = demoCopy();
        byte[] weights = Files.readAllBytes(model.resolve("model.safetensors"));
        Files.write(model.resolve("model.safetensors"), Arrays.copyOf(weights, 4096));
        gaze(Cli.exampleVideo(), "--model", model.toString()).assertFails(ExitCode.MODEL, "model.safetensors");
    }

    @Test
    void badConfig() throws IOException {
        Path model = demoCopy();
        Files.writeString(model.resolve("config.json"), "{ \"scales\": ");
        gaze(Cli.exampleVideo(), "--model", model.toString()).assertFails(ExitCode.MODEL, "config.json");
    }

    @Test
    void badOptionValues() {
        Path video = Cli.exampleVideo();
        gaze(video, "--gazing-ratio", "0").assertFails(ExitCode.USAGE, "--gazing-ratio", "(0, 1]");
        gaze(video, "--gazing-ratio", "lots").assertFails(ExitCode.USAGE, "--gazing-ratio", "lots");
        gaze(video, "--task-loss-requirement", "low").assertFails(ExitCode.USAGE, "--task-loss-requirement", "'none'");
        gaze(video, "--clip-length", "17").assertFails(ExitCode.USAGE, "--clip-length", "1..16");
        gaze(video, "--every", "0").assertFails(ExitCode.USAGE, "--every");
        gaze(video, "--start", "5", "--end", "2").assertFails(ExitCode.USAGE, "--end");
        gaze(video, "--threads", "0").assertFails(ExitCode.USAGE, "--threads");
        Cli unknown = gaze(video, "--gazing-ration", "0.5").assertFails(ExitCode.USAGE, "--gazing-ration");
        assertTrue(unknown.err().contains("--gazing-ratio"), "suggests the right name: " + unknown.err());
    }

    @Test
    void outputThatIsAFile() throws IOException {
        Path file = Files.writeString(dir.resolve("taken"), "a file");
        Cli.run("--input", Cli.exampleVideo().toString(), "--out", file.toString(), "--frames", "1")
                .assertFails(ExitCode.OUTPUT, "output directory", "taken");
    }

    @Test
    void debugPrintsTheStackTrace() {
        Cli run = gaze(dir.resolve("nope.mp4"), "--debug");
        assertEquals(ExitCode.INPUT, run.code());
        assertTrue(run.err().startsWith("autogaze: input ") && run.err().contains("\tat "), run.err());
    }

    @Test
    void helpAndVersion() {
        Cli help = Cli.run("--help");
        assertEquals(0, help.code());
        assertTrue(help.out().contains("--gazing-ratio") && help.out().contains("Exit codes"), help.out());
        Cli version = Cli.run("--version");
        assertEquals(0, version.code());
        assertTrue(version.out().startsWith("autogaze4j "), version.out());
    }

    /** A copy of the demo checkpoint to damage. */
    private Path demoCopy() throws IOException {
        Path model = Files.createDirectory(dir.resolve("model"));
        for (String f : new String[] {"config.json", "model.safetensors", "preprocessor_config.json"}) {
            Files.copy(Cli.fixtures().resolve("model_k10").resolve(f), model.resolve(f));
        }
        return model;
    }

    /** A PNG whose header says {@code width x height} and which holds no pixel data. */
    private static byte[] pngHeaderOnly(int width, int height) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.write(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'});
        ByteArrayOutputStream ihdr = new ByteArrayOutputStream();
        DataOutputStream h = new DataOutputStream(ihdr);
        h.writeBytes("IHDR");
        h.writeInt(width);
        h.writeInt(height);
        h.write(new byte[] {8, 2, 0, 0, 0});
        out.writeInt(13);
        out.write(ihdr.toByteArray());
        CRC32 crc = new CRC32();
        crc.update(ihdr.toByteArray());
        out.writeInt((int) crc.getValue());
        out.writeInt(0);
        out.writeBytes("IEND");
        CRC32 end = new CRC32();
        end.update("IEND".getBytes(StandardCharsets.US_ASCII));
        out.writeInt((int) end.getValue());
        return bytes.toByteArray();
    }
}
