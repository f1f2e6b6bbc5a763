package io.edgedistill.edge.core;

import java.util.function.LongSupplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Notices when a {@link TrafficStreamer} has flows in flight but no acknowledgement for a minute, and says so in
 * the log (at most once a minute). Checked from the sender thread only, so its state needs no synchronisation.
 */
final class StallWatchdog {
    // the streamer's logger, so the stall line keeps the category operators filter traffic logs by
    private static final Logger LOG = LoggerFactory.getLogger(TrafficStreamer.class);

    private final String edgeId;
    private final LongSupplier acked;
    private final LongSupplier inFlight;
    private long lastAcked = -1;
    private long lastAckProgress = System.nanoTime();
    private long lastStallLog;

    StallWatchdog(String edgeId, LongSupplier acked, LongSupplier inFlight) {
        this.edgeId = edgeId;
        this.acked = acked;
        this.inFlight = inFlight;
    }

    /** Logs (at most once a minute) when flows are in flight but nothing was acknowledged for a minute. */
    void check() {
        long now = System.nanoTime();
        long a = acked.getAsLong();
        if (a != lastAcked || inFlight.getAsLong() <= 0) {
            lastAcked = a;
            lastAckProgress = now;
            return;
        }
        if (now - lastAckProgress > 60_000_000_000L && now - lastStallLog > 60_000_000_000L) {
            lastStallLog = now;
            LOG.error("[{}] no acknowledgement for {} s with {} flows in flight (broker away, or the producer is "
                    + "stuck retrying); they are kept and retried", edgeId, (now - lastAckProgress) / 1_000_000_000L,
                    inFlight.getAsLong());
        }
    }
}
