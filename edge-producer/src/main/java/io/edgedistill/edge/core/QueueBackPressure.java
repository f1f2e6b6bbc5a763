package io.edgedistill.edge.core;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link TrafficStreamer}'s back-pressure on its source: a flow that does not fit the bounded queue makes the
 * source wait (it slows down instead of dropping), counted as a full event and said in the log at most every 10 s.
 */
final class QueueBackPressure {
    // the streamer's logger, so the queue-full line keeps the category operators filter traffic logs by
    private static final Logger LOG = LoggerFactory.getLogger(TrafficStreamer.class);

    private final String edgeId;
    private final BooleanSupplier running;
    private final AtomicLong fullEvents = new AtomicLong();
    private volatile long lastFullLog;

    QueueBackPressure(String edgeId, BooleanSupplier running) {
        this.edgeId = edgeId;
        this.running = running;
    }

    /** Puts {@code item} on {@code queue}, waiting while it is full and the streamer is running. */
    <T> void offer(BlockingQueue<T> queue, T item) throws InterruptedException {
        if (!queue.offer(item)) {
            fullEvents.incrementAndGet();
            long now = System.currentTimeMillis();
            if (now - lastFullLog > 10_000) {
                lastFullLog = now;
                LOG.warn("[{}] traffic queue full ({} flows waiting, {} full events so far): slowing the "
                        + "source down (back-pressure), nothing is dropped", edgeId, queue.size(), fullEvents.get());
            }
            while (running.getAsBoolean() && !queue.offer(item, 100, TimeUnit.MILLISECONDS)) {
                // blocked by back-pressure
            }
        }
    }

    long fullEvents() {
        return fullEvents.get();
    }
}
