package io.edgedistill.core.model;

/** Thrown when model bytes are truncated, corrupted, of an unknown format or fail their checksum. */
public class ModelFormatException extends Exception {
    /** With a message. */
    public ModelFormatException(String message) {
        super(message);
    }
}
