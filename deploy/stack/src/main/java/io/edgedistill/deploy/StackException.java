package io.edgedistill.deploy;

/** A local-stack component could not be prepared, started or reached; the message says what to do. */
public class StackException extends RuntimeException {
    public StackException(String message) {
        super(message);
    }

    public StackException(String message, Throwable cause) {
        super(message, cause);
    }
}
