package io.edgedistill.updater.service;

import io.edgedistill.schemas.ModelUpdate;

/** Where accepted model updates go; {@link #publish} returns only once the update is durable (or throws). */
@FunctionalInterface
public interface ModelPublisher {
    void publish(ModelUpdate update);

    /** Prepares for the first publication (schema and metadata look-ups); optional. */
    default void prime() {
    }
}
