package io.tessera.server.transfer;

/**
 * A transfer that cannot go on, with the one line the user sees and the exit status: {@link #SERVER}
 * (the server refused or cannot be reached, or a file could not be read or written) or {@link #USAGE}.
 */
public final class TransferException extends Exception {
    public static final int SERVER = 1;
    public static final int USAGE = 2;

    final int exitCode;

    public TransferException(int exitCode, String message) {
        super(message, null, false, false);
        this.exitCode = exitCode;
    }

    public int exitCode() {
        return exitCode;
    }
}
