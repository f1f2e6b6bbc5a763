package io.edgedistill.processor.synthesis;

import io.edgedistill.schemas.SyntheticSet;

/** Where the optimiser publishes synthetic-set versions (Kafka in the app, a list in tests). */
public interface SyntheticSetSink {
    /** Publishes and returns only once the version is durably written; throws if it could not be. */
    void publish(SyntheticSet set) throws Exception;
}
