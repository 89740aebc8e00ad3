package io.autogaze4j.cli;

/** The exit statuses of the {@code autogaze} command (documented in docs/cli.md). */
public final class ExitCode {
    /** The run finished and wrote its outputs. */
    public static final int OK = 0;
    /** An unexpected internal error (a bug): the message says what, {@code --debug} prints the stack trace. */
    public static final int INTERNAL = 1;
    /** A bad command line: unknown option, malformed or out-of-range value. */
    public static final int USAGE = 2;
    /** The input cannot be used: missing, unreadable, empty, unsupported codec, bad frame size. */
    public static final int INPUT = 3;
    /** The model directory cannot be loaded: missing files, bad config, corrupt weights. */
    public static final int MODEL = 4;
    /** The outputs cannot be written. */
    public static final int OUTPUT = 5;
    /** The JVM ran out of memory (frames too large for the heap). */
    public static final int OUT_OF_MEMORY = 6;

    private ExitCode() {}
}
