package io.edgedistill.core.util;

import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;

/** Stopping the background workers of the services. */
public final class Workers {
    private Workers() {
    }

    /**
     * Interrupts what {@code worker} runs, drops what it has queued, and waits at most {@code wait} for it to end; an
     * interrupt of the caller while waiting is kept set.
     */
    public static void stopNow(ExecutorService worker, Duration wait) {
        worker.shutdownNow();
        try {
            worker.awaitTermination(wait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
