package io.autogaze4j.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * Test videos made on the spot by the {@code ffmpeg} command (Debian's package: x264, x265, libvpx, mpeg4), and
 * FFmpeg's own RGB decode of them as the reference. Without the command the tests that need it are skipped, except
 * under CI ({@code CI} set), where they fail: {@code .ci/run} installs it. For the tests of every module (a test-scope
 * dependency).
 */
public final class TestVideos {
    private static final long TIMEOUT_SECONDS = 120;

    private TestVideos() {}

    /** Skips (or under CI fails) the calling test when the {@code ffmpeg} command is missing. */
    public static void requireFfmpeg() {
        boolean present = Arrays.stream(System.getenv().getOrDefault("PATH", "").split(":"))
                .anyMatch(d -> Files.isExecutable(Path.of(d, "ffmpeg")) && Files.isExecutable(Path.of(d, "ffprobe")));
        if (!present) {
            if (System.getenv("CI") != null) {
                fail("the ffmpeg command is not installed (apt-get install ffmpeg; .ci/run does)");
            }
            Assumptions.abort("the ffmpeg command is not installed");
        }
    }

    /**
     * A video of {@code frames} frames of FFmpeg's moving {@code testsrc2} pattern, {@code width x height} at {@code fps},
     * encoded with {@code codec} (e.g. {@code "-c:v", "libx264"}) into {@code dir/name}.
     */
    public static Path make(Path dir, String name, int width, int height, int frames, int fps, String... codec)
            throws IOException {
        requireFfmpeg();
        Path out = dir.resolve(name);
        List<String> cmd = new ArrayList<>(List.of(
                "ffmpeg",
                "-v",
                "error",
                "-nostdin",
                "-f",
                "lavfi",
                "-i",
                "testsrc2=size=" + width + "x" + height + ":rate=" + fps,
                "-frames:v",
                Integer.toString(frames)));
        cmd.addAll(List.of(codec));
        cmd.addAll(List.of("-y", out.toString()));
        run(cmd);
        return out;
    }

    /** FFmpeg's own decode of {@code video} to packed RGB24, every frame one after another. */
    public static byte[] referenceRgb(Path video) throws IOException {
        requireFfmpeg();
        return run(List.of(
                "ffmpeg",
                "-v",
                "error",
                "-nostdin",
                "-i",
                video.toString(),
                "-f",
                "rawvideo",
                "-pix_fmt",
                "rgb24",
                "-"));
    }

    /** Presentation time in seconds of each frame of {@code video}, as ffprobe reports it. */
    public static double[] referenceSeconds(Path video) throws IOException {
        requireFfmpeg();
        String csv = new String(
                run(List.of(
                        "ffprobe",
                        "-v",
                        "error",
                        "-select_streams",
                        "v:0",
                        "-show_entries",
                        "frame=pts_time",
                        "-of",
                        "csv=p=0",
                        video.toString())),
                StandardCharsets.US_ASCII);
        return csv.lines()
                .map(line -> line.split(",")[0].strip())
                .filter(s -> !s.isEmpty())
                .mapToDouble(Double::parseDouble)
                .toArray();
    }

    /** Largest absolute difference of two byte arrays read as unsigned levels. */
    public static int maxDifference(byte[] a, int aFrom, byte[] b, int bFrom, int length) {
        int max = 0;
        for (int i = 0; i < length; i++) {
            max = Math.max(max, Math.abs((a[aFrom + i] & 0xFF) - (b[bFrom + i] & 0xFF)));
        }
        return max;
    }

    private static byte[] run(List<String> cmd) throws IOException {
        Process p = new ProcessBuilder(cmd)
                .redirectError(ProcessBuilder.Redirect.PIPE)
                .start();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Thread drain = Thread.ofVirtual().start(() -> copy(p.getErrorStream(), err));
        byte[] out = p.getInputStream().readAllBytes();
        try {
            if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                fail(String.join(" ", cmd) + " ran past " + TIMEOUT_SECONDS + " s");
            }
            drain.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
        assertEquals(0, p.exitValue(), String.join(" ", cmd) + " failed: " + err.toString(StandardCharsets.UTF_8));
        return out;
    }

    private static void copy(InputStream in, ByteArrayOutputStream out) {
        try {
            in.transferTo(out);
        } catch (IOException e) {
            // the exit code tells
        }
    }
}
