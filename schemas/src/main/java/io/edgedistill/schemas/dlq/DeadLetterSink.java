package io.edgedistill.schemas.dlq;

import io.edgedistill.schemas.DeadLetter;

/** Where refused records go. Implementations must not return before the letter is durable (or throw). */
@FunctionalInterface
public interface DeadLetterSink {
    void send(DeadLetter letter);
}
