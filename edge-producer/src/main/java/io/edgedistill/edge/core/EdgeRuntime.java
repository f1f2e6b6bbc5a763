package io.edgedistill.edge.core;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import io.edgedistill.core.util.Engines;
import io.edgedistill.schemas.AttackAlert;
import io.edgedistill.schemas.EdgeKnowledge;
import io.edgedistill.schemas.EdgeSummary;
import io.edgedistill.schemas.ModelUpdate;
import io.edgedistill.schemas.RoundSpec;
import io.edgedistill.schemas.Topics;
import io.edgedistill.schemas.dlq.KafkaDeadLetterSink;
import io.edgedistill.schemas.dlq.RecordValidator;
import io.edgedistill.schemas.dlq.SafeDecoder;
import io.edgedistill.schemas.security.KafkaClientSecurity;
import io.edgedistill.schemas.serde.AvroSerdes;
import io.edgedistill.schemas.serde.Priming;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Connects an {@link EdgeNode} to Kafka (plain clients, usable without Micronaut):
 * <ul>
 *   <li>traffic: a {@link TrafficStreamer} on its own tuned producer;</li>
 *   <li>control: summaries, knowledge and alerts on an idempotent acks=all producer (summaries and knowledge
 *       wait for the acknowledgement);</li>
 *   <li>input: one consumer reading the compacted {@code distill.rounds} and {@code models.updates} from the
 *       beginning (no group: every edge sees every round and the latest model of every id), bytes decoded
 *       by {@link SafeDecoder} with bad records to {@code <topic>.dlq}; rounds and knowledge evaluation run
 *       on a worker thread, model swaps on the consumer thread;</li>
 *   <li>scoring: a thread that scores the flows just sent in batches and raises alerts;</li>
 *   <li>knowledge: evaluated after each swap, after each round and every {@code knowledgeInterval}.</li>
 * </ul>
 */
public final class EdgeRuntime implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EdgeRuntime.class);
    private static final int MAX_VALUE = 16 << 20;

    /**
     * Connection and loop settings.
     *
     * @param security how every Kafka client of the edge authenticates
     * @param signing the edge's own Ed25519 key pair: when set, every summary, knowledge record and alert it writes
     *                is signed ({@link io.edgedistill.core.signing.ContributionSignature}), which a processor with
     *                {@code processor.edge-keys} requires; null = unsigned
     * @param trafficKey the edge's traffic key ({@link io.edgedistill.core.signing.TrafficMac#edgeKey}): when set,
     *                   every flow carries its tag, which a processor with {@code processor.traffic-master-key}
     *                   requires; null = untagged
     */
    public record Settings(String bootstrap, String registryUrl, TrafficStreamer.Settings traffic,
                           boolean streamTraffic, int scoreBatch, Duration knowledgeInterval, KafkaClientSecurity security,
                           java.security.KeyPair signing, byte[] trafficKey) {
        public Settings {
            security = security == null ? KafkaClientSecurity.none() : security;
        }

        /** Settings of an edge whose flows are not tagged. */
        public Settings(String bootstrap, String registryUrl, TrafficStreamer.Settings traffic,
                        boolean streamTraffic, int scoreBatch, Duration knowledgeInterval, KafkaClientSecurity security,
                        java.security.KeyPair signing) {
            this(bootstrap, registryUrl, traffic, streamTraffic, scoreBatch, knowledgeInterval, security, signing, null);
        }

        /** Settings of an edge that does not sign its contributions. */
        public Settings(String bootstrap, String registryUrl, TrafficStreamer.Settings traffic,
                        boolean streamTraffic, int scoreBatch, Duration knowledgeInterval, KafkaClientSecurity security) {
            this(bootstrap, registryUrl, traffic, streamTraffic, scoreBatch, knowledgeInterval, security, null);
        }

        /** Settings of an unauthenticated (plaintext) edge. */
        public Settings(String bootstrap, String registryUrl, TrafficStreamer.Settings traffic,
                        boolean streamTraffic, int scoreBatch, Duration knowledgeInterval) {
            this(bootstrap, registryUrl, traffic, streamTraffic, scoreBatch, knowledgeInterval, KafkaClientSecurity.none());
        }
    }

    private final EdgeNode node;
    private final Settings settings;
    private final String edgeId;
    /** Dead-letter error class of a round that does not move forward in the log. */
    public static final String STALE_ROUND = "StaleRound";
    /** Dead-letter error class prefix of a refused model update (followed by the {@link ModelVerifier.Reason}). */
    public static final String MODEL_REJECTED = "ModelRejected:";
    private final AtomicBoolean running = new AtomicBoolean();
    private final AtomicBoolean warmedUp = new AtomicBoolean();
    private final AtomicBoolean assigned = new AtomicBoolean();
    /** Highest offset handled per partition of the input topics (survives consumer restarts within this process). */
    private final Map<TopicPartition, Long> handled = new HashMap<>();
    private long highestRound;
    private final BlockingQueue<long[]> toScore = new ArrayBlockingQueue<>(50_000);
    private final ExecutorService worker;
    private final AtomicReference<Thread> consumerThread = new AtomicReference<>();
    private KafkaProducer<String, SpecificRecord> control;
    private KafkaProducer<String, byte[]> trafficProducer;
    private TrafficStreamer streamer;
    private volatile KafkaConsumer<byte[], byte[]> consumer;
    private KafkaDeadLetterSink sink;
    private Thread scorer;
    private final AtomicReference<RoundSpec> pendingRound = new AtomicReference<>();
    private final java.util.concurrent.atomic.AtomicLong consumerFailures = new java.util.concurrent.atomic.AtomicLong();
    private final AtomicBoolean roundInFlight = new AtomicBoolean();
    private volatile long nextRoundAttempt;
    private volatile Flows flows;
    private volatile long flowsGeneration = -1;

    private EdgeRuntime(EdgeNode node, Settings settings) {
        this.node = node;
        this.settings = settings;
        this.edgeId = node.settings().edgeId();
        this.worker = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "edge-worker-" + edgeId);
            t.setDaemon(true);
            return t;
        });
    }

    /** Kafka output of an edge's control messages. */
    private final class KafkaOutput implements EdgeOutput {
        @Override
        public void summary(EdgeSummary s) {
            sendAndWait(Topics.SUMMARIES, s);
        }

        @Override
        public void knowledge(EdgeKnowledge k) {
            sendAndWait(Topics.KNOWLEDGE, k);
        }

        @Override
        public void alert(AttackAlert a) {
            control.send(new ProducerRecord<>(Topics.ALERTS, edgeId, a), (md, e) -> {
                if (e != null) {
                    LOG.warn("[{}] alert not delivered: {}", edgeId, e.toString());
                }
            });
        }

        private void sendAndWait(String topic, SpecificRecord value) {
            try {
                control.send(new ProducerRecord<>(topic, edgeId, value)).get(120, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new KafkaException("interrupted", e);
            } catch (Exception e) {
                throw new KafkaException("cannot send to " + topic + ": " + e.getMessage(), e);
            }
        }
    }

    /**
     * Builds an edge node wired to Kafka: its outputs go through this runtime's producers (once started).
     */
    public static EdgeRuntime create(EdgeSettings edge, LocalData data, ModelVerifier verifier, Settings settings) {
        AtomicReference<EdgeOutput> out = new AtomicReference<>();
        EdgeOutput forward = new EdgeOutput() {
            @Override
            public void summary(EdgeSummary s) {
                out.get().summary(s);
            }

            @Override
            public void knowledge(EdgeKnowledge k) {
                out.get().knowledge(k);
            }

            @Override
            public void alert(AttackAlert a) {
                out.get().alert(a);
            }
        };
        ModelSlot slot = new ModelSlot(edge.edgeId(), edge.taskId(), edge.cohortOrEdge(), edge.preferPersonalised(),
                verifier);
        EdgeNode node = new EdgeNode(edge, data, slot, forward);
        EdgeRuntime rt = new EdgeRuntime(node, settings);
        out.set(rt.new KafkaOutput());
        return rt;
    }

    public synchronized void start() {
        if (!running.compareAndSet(false, true)) {
            return;
        }
        Map<String, Object> cfg = new HashMap<>(AvroSerdes.producerValueConfig(settings.registryUrl()));
        cfg.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrap());
        settings.security().applyTo(cfg);
        cfg.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        cfg.put(ProducerConfig.ACKS_CONFIG, "all");
        cfg.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        cfg.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 8 << 20);
        cfg.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) Duration.ofHours(1).toMillis());
        cfg.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        cfg.put(ProducerConfig.CLIENT_ID_CONFIG, "edge-control-" + edgeId);
        Serializer<SpecificRecord> avro = AvroSerdes.serializer(settings.registryUrl(), false);
        // with a key pair, summaries, knowledge and alerts carry the edge's signature
        Serializer<SpecificRecord> controlValues = settings.signing() == null ? avro
                : new SigningSerializer<>(avro, settings.signing().getPrivate(),
                        io.edgedistill.core.signing.Ed25519Keys.keyId(settings.signing().getPublic()));
        control = new KafkaProducer<>(cfg, new StringSerializer(), controlValues);
        sink = new KafkaDeadLetterSink(settings.bootstrap(), settings.registryUrl(), settings.security(),
                Map.of("client.id", "edge-" + edgeId));

        if (settings.streamTraffic()) {
            trafficProducer = TrafficStreamer.createProducer(settings.bootstrap(), settings.traffic(),
                    "edge-traffic-" + edgeId, settings.security());
            streamer = new TrafficStreamer(edgeId, this::currentFlows, TrafficStreamer.serializer(settings.registryUrl()),
                    trafficProducer, settings.traffic(),
                    node.settings().labelledTraffic(), this::enqueueScoring, settings.trafficKey());
            streamer.start();
        }
        worker.execute(() -> {
            try {
                Engines.warmUp(); // the first round's summary should not pay for loading the tensor engine
                SummaryAnswerer.warmUp(); // ... nor for compiling the summary code
                Priming.prime(control, controlValues, Topics.SUMMARIES, Topics.KNOWLEDGE, Topics.ALERTS);
            } catch (RuntimeException e) {
                LOG.warn("[{}] tensor engine warm-up failed: {}", edgeId, e.toString());
            } finally {
                warmedUp.set(true);
            }
        });
        scorer = new Thread(this::scoreLoop, "edge-scorer-" + edgeId);
        scorer.setDaemon(true);
        scorer.start();
        Thread t = new Thread(this::consumeLoop, "edge-consumer-" + edgeId);
        t.setDaemon(true);
        consumerThread.set(t);
        t.start();
        LOG.info("[{}] edge started against {} as {} ({}; traffic {})", edgeId, settings.bootstrap(), settings.security(),
                node.data().description(), settings.streamTraffic() ? settings.traffic().flowsPerSecond() + " flows/s" : "off");
    }

    private Flows currentFlows() {
        long gen = node.dataGeneration();
        if (flows == null || gen != flowsGeneration) {
            flows = new Flows(edgeId, node.data());
            flowsGeneration = gen;
        }
        return flows;
    }

    private void enqueueScoring(int row, String flowId, Instant at) {
        long seq = Long.parseLong(flowId.substring(flowId.lastIndexOf('-') + 1));
        if (!toScore.offer(new long[] {row, seq, at.toEpochMilli()})) {
            node.countUnscored(1);
        }
    }

    private void scoreLoop() {
        List<long[]> batch = new ArrayList<>();
        while (running.get()) {
            try {
                long[] first = toScore.poll(200, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                toScore.drainTo(batch, settings.scoreBatch() - 1);
                int n = batch.size();
                int[] rows = new int[n];
                String[] ids = new String[n];
                Instant[] at = new Instant[n];
                for (int i = 0; i < n; i++) {
                    long[] b = batch.get(i);
                    rows[i] = (int) b[0];
                    ids[i] = edgeId + "-" + b[1];
                    at[i] = Instant.ofEpochMilli(b[2]);
                }
                node.score(rows, ids, at);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                LOG.warn("[{}] scoring a batch failed: {}", edgeId, e.toString());
            } finally {
                batch.clear();
            }
        }
    }

    private <T extends SpecificRecord> SafeDecoder<T> decoder(RecordValidator<T> v) {
        return new SafeDecoder<>(AvroSerdes.<T>deserializer(settings.registryUrl(), false), v, sink, "edge-" + edgeId,
                MAX_VALUE);
    }

    /** Consumes until shutdown; when Kafka is unreachable or the client fails, starts over after 5 s. */
    private void consumeLoop() {
        while (running.get()) {
            if (consumeOnce()) {
                return;
            }
            consumerFailures.incrementAndGet();
            try {
                Thread.sleep(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            LOG.info("[{}] consumer restarting", edgeId);
        }
    }

    /** Times the consumer failed and was restarted. */
    public long consumerFailures() {
        return consumerFailures.get();
    }

    /** Whether the input consumer is alive. */
    /** Consuming rounds and model updates, with the tensor engine warmed up: ready to answer a round at once. */
    public boolean ready() {
        return warmedUp.get() && assigned.get() && consuming();
    }

    public boolean consuming() {
        Thread t = consumerThread.get();
        return running.get() && t != null && t.isAlive();
    }

    private boolean consumeOnce() {
        SafeDecoder<RoundSpec> rounds = decoder(Validators.ROUND);
        SafeDecoder<ModelUpdate> updates = decoder(Validators.MODEL_UPDATE);
        Map<String, Object> cfg = new HashMap<>();
        cfg.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrap());
        settings.security().applyTo(cfg);
        cfg.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        cfg.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        cfg.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, MAX_VALUE);
        cfg.put(ConsumerConfig.CLIENT_ID_CONFIG, "edge-" + edgeId);
        long lastKnowledgeCheck = System.nanoTime();
        try {
            consumer = new KafkaConsumer<>(cfg);
            List<TopicPartition> parts = new ArrayList<>();
            for (String topic : List.of(Topics.ROUNDS, Topics.MODEL_UPDATES)) {
                for (PartitionInfo p : consumer.partitionsFor(topic, Duration.ofSeconds(60))) {
                    parts.add(new TopicPartition(topic, p.partition()));
                }
            }
            consumer.assign(parts);
            consumer.seekToBeginning(parts);
            assigned.set(true);
            while (running.get()) {
                RoundSpec newestRound = null;
                boolean swapped = false;
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    TopicPartition tp = new TopicPartition(r.topic(), r.partition());
                    if (r.offset() <= handled.getOrDefault(tp, -1L)) {
                        continue; // read again after a consumer restart: handled (and reported) the first time
                    }
                    handled.put(tp, r.offset());
                    if (r.value() == null) {
                        continue; // tombstone on a compacted topic
                    }
                    if (r.topic().equals(Topics.ROUNDS)) {
                        RoundSpec spec = rounds.decode(r).orElse(null);
                        if (spec == null || !spec.getTaskId().equals(node.settings().taskId())) {
                            continue;
                        }
                        if (spec.getRoundId() <= highestRound) {
                            // a round id that does not move forward in the log: duplicated or replayed
                            rounds.reject(r, STALE_ROUND, "round " + spec.getRoundId() + " of task " + spec.getTaskId()
                                    + " is not newer than round " + highestRound + " seen before it");
                            continue;
                        }
                        highestRound = spec.getRoundId();
                        newestRound = spec;
                    } else {
                        String key = r.key() == null ? "" : new String(r.key(), java.nio.charset.StandardCharsets.UTF_8);
                        if (!key.isEmpty() && !node.slot().relevant(key)) {
                            continue; // another cohort's model: not even decoded
                        }
                        ModelUpdate u = updates.decode(r).orElse(null);
                        if (u != null) {
                            ModelSlot.Decision d = node.onModelUpdate(u);
                            swapped |= d.swapped();
                            if (!d.accepted() && d.reason() != ModelVerifier.Reason.NOT_FOR_THIS_EDGE) {
                                updates.reject(r, MODEL_REJECTED + d.reason(), d.detail());
                            }
                        }
                    }
                }
                if (newestRound != null) {
                    RoundSpec round = newestRound;
                    pendingRound.accumulateAndGet(round, (a, b) -> a == null || b.getRoundId() >= a.getRoundId() ? b : a);
                }
                if (pendingRound.get() != null && !roundInFlight.get() && System.nanoTime() >= nextRoundAttempt) {
                    RoundSpec round = pendingRound.getAndSet(null);
                    roundInFlight.set(true);
                    worker.execute(() -> {
                        try {
                            node.onRound(round);
                            node.maybeSendKnowledge();
                        } catch (RuntimeException e) {
                            LOG.error("[{}] answering round {} failed; retrying in 5 s", edgeId, round.getRoundId(), e);
                            pendingRound.compareAndSet(null, round);
                            nextRoundAttempt = System.nanoTime() + 5_000_000_000L;
                        } finally {
                            roundInFlight.set(false);
                        }
                    });
                }
                long now = System.nanoTime();
                if (swapped || now - lastKnowledgeCheck > settings.knowledgeInterval().toNanos()) {
                    lastKnowledgeCheck = now;
                    worker.execute(this::knowledgeCheck);
                }
            }
            return true;
        } catch (WakeupException e) {
            return !running.get();
        } catch (RuntimeException e) {
            LOG.error("[{}] consumer failed (restarting in 5 s): {}", edgeId, e.toString(), e);
            return !running.get();
        } finally {
            assigned.set(false);
            if (consumer != null) {
                try {
                    consumer.close(Duration.ofSeconds(5));
                } catch (RuntimeException e) {
                    LOG.debug("close failed", e);
                }
                consumer = null;
            }
        }
    }

    private void knowledgeCheck() {
        try {
            node.maybeSendKnowledge();
        } catch (RuntimeException e) {
            LOG.warn("[{}] knowledge evaluation failed: {}", edgeId, e.toString());
        }
    }

    public EdgeNode node() {
        return node;
    }

    public TrafficStreamer streamer() {
        return streamer;
    }

    public int scoringBacklog() {
        return toScore.size();
    }

    @Override
    public synchronized void close() {
        if (!running.compareAndSet(true, false)) {
            return;
        }
        if (streamer != null) {
            streamer.close();
        }
        KafkaConsumer<byte[], byte[]> c = consumer;
        if (c != null) {
            c.wakeup();
        }
        Thread t = consumerThread.get();
        try {
            if (t != null) {
                t.join(10_000);
            }
            if (scorer != null) {
                scorer.join(5_000);
            }
            worker.shutdown();
            worker.awaitTermination(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (trafficProducer != null) {
            trafficProducer.close(Duration.ofSeconds(30));
        }
        control.close(Duration.ofSeconds(10));
        sink.close();
        LOG.info("[{}] edge stopped", edgeId);
    }
}
