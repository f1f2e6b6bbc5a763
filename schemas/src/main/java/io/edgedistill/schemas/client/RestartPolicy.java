package io.edgedistill.schemas.client;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

import dev.failsafe.Failsafe;
import dev.failsafe.FailsafeException;
import dev.failsafe.RetryPolicy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a service's Kafka loop alive: runs one "life" of the loop (connect, poll until shutdown or failure) and
 * starts it over after a pause when it fails, until the service stops. The edge's input consumer and the updater's
 * Kafka loop use it, so that both restart the same way (Failsafe's retry policy, not a hand-written sleep loop).
 */
public final class RestartPolicy {

    private static final Logger LOG = LoggerFactory.getLogger(RestartPolicy.class);

    /** One life of the loop: true when it ended because the service stops, false when it failed. */
    @FunctionalInterface
    public interface Life {
        boolean run();
    }

    private final String name;
    private final Duration pause;
    private final AtomicLong failures = new AtomicLong();

    /**
     * @param name  what restarts, for the log
     * @param pause wait before each restart
     */
    public RestartPolicy(String name, Duration pause) {
        this.name = name;
        this.pause = pause;
    }

    /**
     * Runs {@code life} until it ends normally or {@code running} turns false; returns early, with the interrupt
     * flag set, when the thread is interrupted during a pause.
     */
    public void runUntilStopped(Life life, BooleanSupplier running) {
        RetryPolicy<Boolean> restart = RetryPolicy.<Boolean>builder()
                .handleResult(false)
                .abortIf(done -> !running.getAsBoolean())
                .withDelay(pause)
                .withMaxRetries(-1)
                .onFailedAttempt(e -> failures.incrementAndGet())
                .onRetry(e -> LOG.info("{} restarting (restart {})", name, e.getAttemptCount()))
                .build();
        if (!running.getAsBoolean()) {
            return;
        }
        try {
            Failsafe.with(restart).get(life::run);
        } catch (FailsafeException e) {
            if (e.getCause() instanceof InterruptedException) {
                Thread.currentThread().interrupt();
                return;
            }
            throw e;
        }
    }

    /** How many lives failed so far. */
    public long failures() {
        return failures.get();
    }
}
