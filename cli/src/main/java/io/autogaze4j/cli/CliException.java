package io.autogaze4j.cli;

/**
 * A failure the user can act on: its message is printed as one line on stderr (no stack trace unless
 * {@code --debug}) and the command exits with {@link #exitCode()}.
 */
public final class CliException extends Exception {
    private final int exitCode;

    public CliException(int exitCode, String message) {
        super(message);
        this.exitCode = exitCode;
    }

    public CliException(int exitCode, String message, Throwable cause) {
        super(message, cause);
        this.exitCode = exitCode;
    }

    /** One of the {@link ExitCode} constants. */
    public int exitCode() {
        return exitCode;
    }
}
