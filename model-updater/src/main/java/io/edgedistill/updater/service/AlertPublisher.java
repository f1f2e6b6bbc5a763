package io.edgedistill.updater.service;

import io.edgedistill.schemas.AttackAlert;

/** Where the updater's alerts go (a rolled-back canary): {@code alerts.attacks}, beside the edges' and the processor's. */
@FunctionalInterface
public interface AlertPublisher {
    void publish(AttackAlert alert);

    /** Alerts only logged (no Kafka: tests, dry runs). */
    static AlertPublisher none() {
        return alert -> {
        };
    }
}
