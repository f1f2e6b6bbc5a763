package io.edgedistill.edge.core;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import io.edgedistill.core.signing.TrafficMac;
import io.edgedistill.schemas.Topics;
import io.edgedistill.schemas.TrafficFlow;
import io.edgedistill.schemas.client.KafkaClientSettings;
import io.edgedistill.schemas.serde.AvroSerdes;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringSerializer;
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

    private record Item(int row, String flowId, Instant at, byte[] value, byte[] tag) {
    }

    private final String edgeId;
    private final java.util.function.Supplier<Flows> flows;
    private final Producer<String, byte[]> producer;
    private final Serializer<TrafficFlow> serializer;
    private final Settings settings;
    private final ScoringSink scoring;
    private final TrafficMac.Tagger tagger;
    private final BlockingQueue<Item> queue;
    private final boolean labelled;
    private final AtomicBoolean running = new AtomicBoolean();
    private final AtomicLong produced = new AtomicLong();
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong acked = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicLong queueFullEvents = new AtomicLong();
    private final AtomicLong sendBlockedRetries = new AtomicLong();
    private final AtomicLong serializeRetries = new AtomicLong();
    private final List<Item> retry = new ArrayList<>();
    private volatile long lastFullLog;
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
     * @param trafficKey the edge's traffic key ({@link TrafficMac#edgeKey}): every flow then carries its
     *                   {@link TrafficMac#MAC_HEADER} tag, computed on the source thread; null = untagged
     */
    public TrafficStreamer(String edgeId, java.util.function.Supplier<Flows> flows, Serializer<TrafficFlow> serializer,
                           Producer<String, byte[]> producer, Settings settings, boolean labelled, ScoringSink scoring,
                           byte[] trafficKey) {
        this.tagger = trafficKey == null ? null : new TrafficMac.Tagger(trafficKey, Topics.TRAFFIC, edgeId);
        this.edgeId = edgeId;
        this.flows = flows;
        this.serializer = serializer;
        this.producer = producer;
        this.settings = settings;
        this.scoring = scoring == null ? (r, f, t) -> { } : scoring;
        this.queue = new ArrayBlockingQueue<>(settings.queueCapacity());
        this.labelled = labelled;
    }

    /**
     * Producer configuration used for traffic (also what the throughput harness compares against): the shared
     * {@link KafkaClientSettings#reliableProducer reliable producer} (connection, security, {@code acks=all},
     * idempotence) with the traffic settings of {@link #trafficTuning} on top. Values are serialised by the source
     * thread with the registry serializer ({@link #serializer}) and handed to the producer as bytes, so
     * serialisation and sending run on two threads.
     */
    public static Map<String, Object> producerConfig(KafkaClientSettings kafka, Settings s, String clientId) {
        Map<String, Object> cfg = kafka.reliableProducer(clientId);
        cfg.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        cfg.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        cfg.putAll(trafficTuning(s));
        return cfg;
    }

    /** The traffic producer's own settings on top of the reliable producer: ordering, long delivery timeout, batching. */
    public static Map<String, Object> trafficTuning(Settings s) {
        Map<String, Object> cfg = new HashMap<>();
        // one request in flight per connection: the broker keeps only the last batch of each producer in its producer
        // state snapshot, so after a broker restart a retried batch that was written but was not the last is not
        // recognised as a duplicate (OutOfOrderSequenceException, the producer resets its sequence and writes it
        // again); with one batch in flight per partition, the retried batch is always the last one written
        cfg.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 1);
        cfg.put(ProducerConfig.RETRIES_CONFIG, Integer.MAX_VALUE);
        cfg.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) Duration.ofHours(24).toMillis());
        cfg.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 30_000);
        cfg.put(ProducerConfig.RETRY_BACKOFF_MS_CONFIG, 200);
        cfg.put(ProducerConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 2_000);
        cfg.put(ProducerConfig.BUFFER_MEMORY_CONFIG, s.bufferMemory());
        cfg.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, s.maxBlockMs());
        cfg.put(ProducerConfig.LINGER_MS_CONFIG, s.lingerMs());
        cfg.put(ProducerConfig.BATCH_SIZE_CONFIG, s.batchSize());
        cfg.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, s.compression());
        return cfg;
    }

    /** A traffic producer for the settings (byte[] values, see {@link #serializer}), connected as {@code kafka} says. */
    public static KafkaProducer<String, byte[]> createProducer(KafkaClientSettings kafka, Settings s, String clientId) {
        return new KafkaProducer<>(producerConfig(kafka, s, clientId));
    }

    /** The registry-backed Avro serializer of traffic values (Confluent wire format, {@link AvroSerdes}). */
    public static Serializer<TrafficFlow> serializer(String registryUrl) {
        return AvroSerdes.serializer(registryUrl, false);
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

    /** Cached encoding of the current data window's rows, once verified against the serializer (null: not used). */
    private FlowEncoder encoder;
    private Flows encoderFor;

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
                String flowId;
                byte[] value;
                if (encoder != null && encoderFor == f) {
                    flowId = edgeId + "-" + seq;
                    value = encoder.encode(row, flowId, at.toEpochMilli());
                } else {
                    TrafficFlow flow = f.flow(row, seq, at, labelled);
                    flowId = flow.getFlowId();
                    value = serialize(flow);
                    if (value == null) {
                        break; // stopping
                    }
                    if (encoderFor != f) { // new data window: check once whether the cached encoding matches
                        encoder = FlowEncoder.verified(f, labelled, row, flow, value).orElse(null);
                        encoderFor = f;
                        if (encoder == null) {
                            LOG.info("[{}] traffic values are serialised record by record (the serializer's bytes differ "
                                    + "from the cached encoding)", edgeId);
                        }
                    }
                }
                Item item = new Item(row, flowId, at, value, tagger == null ? null : tagger.tag(value));
                if (!queue.offer(item)) {
                    queueFullEvents.incrementAndGet();
                    long now = System.currentTimeMillis();
                    if (now - lastFullLog > 10_000) {
                        lastFullLog = now;
                        LOG.warn("[{}] traffic queue full ({} flows waiting, {} full events so far): slowing the "
                                + "source down (back-pressure), nothing is dropped", edgeId, queue.size(),
                                queueFullEvents.get());
                    }
                    while (running.get() && !queue.offer(item, 100, TimeUnit.MILLISECONDS)) {
                        // blocked by back-pressure
                    }
                }
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

    private long lastAcked = -1;
    private long lastAckProgress = System.nanoTime();
    private long lastStallLog;

    /** Logs (at most once a minute) when flows are in flight but nothing was acknowledged for a minute. */
    private void checkStall() {
        long now = System.nanoTime();
        long a = acked.get();
        if (a != lastAcked || inFlight() <= 0) {
            lastAcked = a;
            lastAckProgress = now;
            return;
        }
        if (now - lastAckProgress > 60_000_000_000L && now - lastStallLog > 60_000_000_000L) {
            lastStallLog = now;
            LOG.error("[{}] no acknowledgement for {} s with {} flows in flight (broker away, or the producer is "
                    + "stuck retrying); they are kept and retried", edgeId, (now - lastAckProgress) / 1_000_000_000L,
                    inFlight());
        }
    }

    /** Serialises with the registry serializer; while the registry is unreachable, waits and retries. */
    private byte[] serialize(TrafficFlow flow) throws InterruptedException {
        while (running.get()) {
            try {
                return serializer.serialize(Topics.TRAFFIC, flow);
            } catch (RuntimeException e) {
                serializeRetries.incrementAndGet();
                LOG.warn("[{}] cannot serialise flow {} (registry unreachable?): {}; retrying in 1 s", edgeId,
                        flow.getFlowId(), e.toString());
                Thread.sleep(1000);
            }
        }
        return null;
    }

    private void sendLoop() {
        List<Item> batch = new ArrayList<>(512);
        try {
            while (running.get() || !queue.isEmpty()) {
                synchronized (retry) {
                    batch.addAll(retry);
                    retry.clear();
                }
                checkStall();
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
                                List.<Header>of(new RecordHeader(TrafficMac.MAC_HEADER, it.tag())));
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
        return queueFullEvents.get();
    }

    public int queueDepth() {
        return queue.size();
    }

    public int queueCapacity() {
        return settings.queueCapacity();
    }

    public long serializeRetries() {
        return serializeRetries.get();
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
