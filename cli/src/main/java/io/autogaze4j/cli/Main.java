package io.autogaze4j.cli;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * Entry point of the {@code autogaze} command line tool (see {@code autogaze --help} and docs/cli.md).
 * Every failure ends with one line on stderr naming the problem and a non-zero {@link ExitCode};
 * stack traces only with {@code --debug}.
 */
public final class Main {
    private static final String PREFIX = "autogaze: ";

    private Main() {}

    public static void main(String[] args) {
        System.setProperty("java.awt.headless", "true");
        PrintWriter out = new PrintWriter(System.out, true);
        PrintWriter err = new PrintWriter(System.err, true);
        System.exit(execute(out, err, args));
    }

    /** Runs the command with {@code args}, printing to {@code out} and {@code err}; returns the exit code. */
    public static int execute(PrintWriter out, PrintWriter err, String... args) {
        CommandLine cli = new CommandLine(new GazeCommand())
                .setOut(out)
                .setErr(err)
                .setCaseInsensitiveEnumValuesAllowed(true)
                .setParameterExceptionHandler(Main::badCommandLine)
                .setExecutionExceptionHandler(Main::failure);
        return cli.execute(args);
    }

    /** A bad option: its message, a suggestion for a mistyped name, and where the help is. */
    private static int badCommandLine(ParameterException e, String[] args) {
        PrintWriter err = e.getCommandLine().getErr();
        err.println(PREFIX + oneLine(e.getMessage()));
        UnmatchedArgumentException.printSuggestions(e, err);
        err.println("Run 'autogaze --help' for the options.");
        err.flush();
        return ExitCode.USAGE;
    }

    /** A failure while running: one line, the stack trace only with --debug. */
    private static int failure(Exception e, CommandLine cli, CommandLine.ParseResult parsed) {
        PrintWriter err = cli.getErr();
        boolean debug = cli.getCommand() instanceof GazeCommand c && c.debug;
        int code;
        if (e instanceof CliException c) {
            err.println(PREFIX + oneLine(c.getMessage()));
            code = c.exitCode();
        } else {
            err.println(PREFIX + "internal error: " + oneLine(e.toString())
                    + (debug ? "" : " (run with --debug for the stack trace)"));
            code = ExitCode.INTERNAL;
        }
        if (debug) {
            e.printStackTrace(err);
        }
        err.flush();
        return code;
    }

    /** A message as one line, as docs/cli.md promises (some library messages span several). */
    static String oneLine(String message) {
        return message == null ? "" : message.strip().replaceAll("\\s*\\R\\s*", " ");
    }

    /** The version from the jar manifest ("dev" when run from classes). */
    static final class Version implements IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[] {"autogaze4j " + (v != null ? v : "dev")};
        }
    }
}
