package io.autogaze4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

/** Runs the command in-process and keeps what it printed. */
record Cli(int code, String out, String err) {

    static Cli run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.execute(new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new Cli(code, out.toString(), err.toString());
    }

    /** The reference fixtures beside the checkout ({@code ../shared/fixtures}). */
    static Path fixtures() {
        String prop = System.getProperty("autogaze.fixtures");
        Path p = prop != null ? Path.of(prop) : Path.of("..", "..", "shared", "fixtures");
        assertTrue(Files.isDirectory(p), "reference fixtures not found at " + p.toAbsolutePath());
        return p;
    }

    /** The example video of the main job. */
    static Path exampleVideo() {
        Path p = fixtures().resolveSibling("media").resolve("example_input.mp4");
        assertTrue(Files.isRegularFile(p), "shared media file missing: " + p);
        return p;
    }

    /** Asserts a failure with {@code code}: an "autogaze: ..." line naming the problem, no stack trace. */
    Cli assertFails(int expected, String... mentions) {
        assertEquals(expected, code, "exit code; stderr:\n" + err);
        String first =
                err.lines().filter(l -> l.startsWith("autogaze: ")).findFirst().orElse("");
        assertFalse(first.isEmpty(), "stderr should hold an 'autogaze: ' message line:\n" + err);
        for (String m : mentions) {
            assertTrue(
                    first.toLowerCase(java.util.Locale.ROOT).contains(m.toLowerCase(java.util.Locale.ROOT)),
                    "message should mention '" + m + "': " + first);
        }
        assertFalse(err.contains("\tat ") || err.contains("Exception in thread"), "no stack trace expected:\n" + err);
        return this;
    }
}
