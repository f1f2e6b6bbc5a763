package io.edgedistill.edge.core;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import io.edgedistill.core.signing.TrafficMac;
import io.edgedistill.schemas.Topics;
import io.edgedistill.schemas.TrafficFlow;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.serialization.Serializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Streams an edge's flows to {@code edge.traffic} (key = edge id) at a configured rate, without losing any:
 * <ul>
 *   <li>an idempotent producer with {@code acks=all}, unbounded retries and a very long
 *       {@code delivery.timeout.ms}, so records survive a broker that is briefly away (they wait in the
 *       producer's buffer and are retried in order, without duplicates);</li>
 *   <li>back-pressure in two stages: the producer's {@code buffer.memory} (its {@code send} blocks up to
 *       {@code max.block.ms} when full; a timed-out send is retried, never dropped) and this class's own
 *       bounded queue between the flow source and the sender. When the queue is full the source blocks
 *       (it slows down instead of dropping), the {@code queueFullEvents} counter grows and a log line says
 *       so (at most every 10 s);</li>
 *   <li>a record whose delivery failed anyway (e.g. delivery timeout) is queued again and counted.</li>
 * </ul>
 * Every sent flow is also handed to a {@link ScoringSink} (the edge's local scorer), non-blocking.
 */
public final class TrafficStreamer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TrafficStreamer.class);

    /** Receives the rows just sent (for local scoring); must not block. */
    @FunctionalInterface
    public interface ScoringSink {
        void sent(int row, String flowId, Instant observedAt);
    }

    /** Streaming settings. */
    public record Settings(double flowsPerSecond, int queueCapacity, long bufferMemory, long maxBlockMs,
                           int lingerMs, int batchSize, String compression, long maxFlows) {
        public static Settings defaults() {
            return new Settings(200, 10_000, 32L << 20, 60_000, 5, 64 << 10, "none", 0);
        }
    }

    private record Item(int row, String flowId, Instant at, byte[] value, byte[] seq, byte[] tag) {
    }

    private final String edgeId;
    private final java.util.function.Supplier<Flows> flows;
    private final Producer<String, byte[]> producer;
    private final TrafficValues values;
    private final StallWatchdog stallWatchdog;
    private final Settings settings;
    private final ScoringSink scoring;
    private final TrafficMac.Tagger tagger;
    /** This streamer's epoch of the flows' (epoch, counter) numbers ({@link TrafficEpochs}). */
    private final long epoch;
    private final BlockingQueue<Item> queue;
    private final QueueBackPressure backPressure;
    private final AtomicBoolean running = new AtomicBoolean();
    private final AtomicLong produced = new AtomicLong();
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong acked = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicLong sendBlockedRetries = new AtomicLong();
    private final List<Item> retry = new ArrayList<>();
    private Thread source;
    private Thread sender;

    /**
     * @param flows supplies the current flow source (re-read each cycle through the data, so a replaced
     *              local window is picked up)
     */
    public TrafficStreamer(String edgeId, java.util.function.Supplier<Flows> flows, Serializer<TrafficFlow> serializer,
                           Producer<String, byte[]> producer, Settings settings, boolean labelled, ScoringSink scoring) {
        this(edgeId, flows, serializer, producer, settings, labelled, scoring, null);
    }

    /**
     * @param trafficKey the edge's traffic key ({@link TrafficMac#edgeKey}): every flow then carries its (epoch, counter)
     *                   number ({@link TrafficMac#SEQ_HEADER}) and its {@link TrafficMac#MAC_HEADER} tag over both,
     *                   computed on the source thread; null = neither
     */
    public TrafficStreamer(String edgeId, java.util.function.Supplier<Flows> flows, Serializer<TrafficFlow> serializer,
                           Producer<String, byte[]> producer, Settings settings, boolean labelled, ScoringSink scoring,
                           byte[] trafficKey) {
        this(edgeId, flows, serializer, producer, settings, labelled, scoring, trafficKey, TrafficEpochs.next(null));
    }

    /** @param epoch the epoch of this streamer's flow numbers ({@link TrafficEpochs#next}) */
    public TrafficStreamer(String edgeId, java.util.function.Supplier<Flows> flows, Serializer<TrafficFlow> serializer,
                           Producer<String, byte[]> producer, Settings settings, boolean labelled, ScoringSink scoring,
                           byte[] trafficKey, long epoch) {
        this.epoch = epoch;
        this.tagger = trafficKey == null ? null : new TrafficMac.Tagger(trafficKey, Topics.TRAFFIC, edgeId);
        this.edgeId = edgeId;
        this.flows = flows;
        this.values = new TrafficValues(edgeId, serializer, labelled, running::get);
        this.stallWatchdog = new StallWatchdog(edgeId, acked::get, this::inFlight);
        this.producer = producer;
        this.settings = settings;
        this.scoring = scoring == null ? (r, f, t) -> { } : scoring;
        this.queue = new ArrayBlockingQueue<>(settings.queueCapacity());
        this.backPressure = new QueueBackPressure(edgeId, running::get);
    }

    public synchronized void start() {
        if (!running.compareAndSet(false, true)) {
            return;
        }
        source = new Thread(this::produceLoop, "traffic-source-" + edgeId);
        sender = new Thread(this::sendLoop, "traffic-sender-" + edgeId);
        source.setDaemon(true);
        sender.setDaemon(true);
        sender.start();
        source.start();
    }

    private void produceLoop() {
        double rate = settings.flowsPerSecond();
        long intervalNanos = rate > 0 ? (long) (1e9 / rate) : 0;
        long next = System.nanoTime();
        long seq = 0;
        Flows f = flows.get();
        try {
            while (running.get() && (settings.maxFlows() <= 0 || seq < settings.maxFlows())) {
                int row = (int) (seq % f.size());
                if (row == 0 && seq > 0) {
                    f = flows.get(); // start of a new pass: pick up a replaced data window
                }
                Instant at = Instant.now();
                TrafficValues.Value value = values.encode(f, row, seq, at);
                if (value == null) {
                    break; // stopping
                }
                byte[] number = tagger == null ? null : TrafficMac.seq(epoch, seq);
                Item item = new Item(row, value.flowId(), at, value.bytes(), number,
                        tagger == null ? null : tagger.tag(number, value.bytes()));
                backPressure.offer(queue, item);
                produced.incrementAndGet();
                seq++;
                if (intervalNanos > 0) {
                    next += intervalNanos;
                    long wait = next - System.nanoTime();
                    if (wait > 0) {
                        TimeUnit.NANOSECONDS.sleep(wait);
                    } else if (wait < -1_000_000_000L) {
                        next = System.nanoTime(); // fell far behind (back-pressure): do not burst to catch up
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void sendLoop() {
        List<Item> batch = new ArrayList<>(512);
        try {
            while (running.get() || !queue.isEmpty()) {
                synchronized (retry) {
                    batch.addAll(retry);
                    retry.clear();
                }
                stallWatchdog.check();
                if (batch.isEmpty()) {
                    Item first = queue.poll(100, TimeUnit.MILLISECONDS);
                    if (first == null) {
                        continue;
                    }
                    batch.add(first);
                }
                queue.drainTo(batch, 511);
                for (Item it : batch) {
                    send(it);
                }
                batch.clear();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void send(Item it) throws InterruptedException {
        while (true) {
            try {
                ProducerRecord<String, byte[]> record = it.tag() == null
                        ? new ProducerRecord<>(Topics.TRAFFIC, edgeId, it.value())
                        : new ProducerRecord<>(Topics.TRAFFIC, null, edgeId, it.value(),
                                List.<Header>of(new RecordHeader(TrafficMac.SEQ_HEADER, it.seq()),
                                        new RecordHeader(TrafficMac.MAC_HEADER, it.tag())));
                producer.send(record, (md, err) -> {
                    if (err == null) {
                        acked.incrementAndGet();
                    } else {
                        failed.incrementAndGet();
                        LOG.warn("[{}] flow {} not delivered ({}); queued again", edgeId, it.flowId(),
                                err.toString());
                        synchronized (retry) {
                            retry.add(it);
                        }
                    }
                });
                sent.incrementAndGet();
                scoring.sent(it.row(), it.flowId(), it.at());
                return;
            } catch (org.apache.kafka.common.errors.TimeoutException e) {
                // buffer.memory full for max.block.ms (broker away): keep the record and try again
                sendBlockedRetries.incrementAndGet();
                LOG.warn("[{}] producer buffer full for {} ms (broker unreachable?); retrying", edgeId,
                        settings.maxBlockMs());
            } catch (InterruptException e) {
                throw new InterruptedException("interrupted while sending");
            } catch (KafkaException e) {
                if (!running.get()) {
                    return;
                }
                LOG.error("[{}] cannot send flow {}: {}", edgeId, it.flowId(), e.toString());
                failed.incrementAndGet();
                return;
            }
        }
    }

    /** Blocks until every produced flow was acknowledged or the timeout passes. */
    public boolean awaitAcked(long count, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (acked.get() < count && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        return acked.get() >= count;
    }

    public long produced() {
        return produced.get();
    }

    public long sent() {
        return sent.get();
    }

    public long acked() {
        return acked.get();
    }

    public long failed() {
        return failed.get();
    }

    public long queueFullEvents() {
        return backPressure.fullEvents();
    }

    public int queueDepth() {
        return queue.size();
    }

    public int queueCapacity() {
        return settings.queueCapacity();
    }

    public long serializeRetries() {
        return values.serializeRetries();
    }

    public long sendBlockedRetries() {
        return sendBlockedRetries.get();
    }

    /**
     * Stops the source, hands what is queued to the producer and waits up to 30 s for the acknowledgements
     * (bounded: with the broker away the producer would otherwise wait for its 24 h delivery timeout). Does
     * not close the producer; flows still unacknowledged are reported in the log.
     */
    @Override
    public void close() {
        running.set(false);
        try {
            if (source != null) {
                source.join(5_000);
            }
            if (sender != null) {
                sender.join(30_000);
            }
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (inFlight() > 0 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            if (inFlight() > 0) {
                LOG.warn("[{}] stopping with {} flows sent but not acknowledged", edgeId, inFlight());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Flows handed to the producer and not yet acknowledged. */
    public long inFlight() {
        return sent.get() - acked.get() - failed.get();
    }
}
