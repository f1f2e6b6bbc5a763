package io.edgedistill.updater.kafka;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;

import io.edgedistill.core.signing.ContributionSignature;
import io.edgedistill.schemas.EdgeKnowledge;
import io.edgedistill.schemas.EdgeStatus;
import io.edgedistill.schemas.ModelUpdate;
import io.edgedistill.schemas.RoundSpec;
import io.edgedistill.schemas.SyntheticSet;
import io.edgedistill.schemas.Topics;
import io.edgedistill.schemas.client.KafkaClientSettings;
import io.edgedistill.schemas.client.RestartPolicy;
import io.edgedistill.schemas.dlq.KafkaDeadLetterSink;
import io.edgedistill.schemas.dlq.RecordValidator;
import io.edgedistill.schemas.dlq.SafeDecoder;
import io.edgedistill.schemas.serde.AvroSerdes;
import io.edgedistill.updater.config.UpdaterConfig;
import io.edgedistill.updater.service.ModelUpdateService;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The updater's Kafka side: on start it reads the compacted {@code models.updates} to the end to restore
 * the live models and their versions; it always reads {@code distill.rounds} from the beginning (the
 * preprocessing specs the synthetic sets refer to); and it consumes {@code distill.synthetic-sets} and
 * {@code edge.knowledge} in a consumer group, committing after each batch is handled (at least once; the
 * service skips versions it has handled). Values are read as bytes and decoded with {@link SafeDecoder}, so
 * bad records go to {@code <topic>.dlq} and never stop the loop. Within a batch only the newest synthetic
 * set per task is trained on. It also reads the compacted {@code edge.status} from the beginning, without a group (what
 * each edge runs and how it scores on its hold-out: the staged rollout's input), and lets the service decide the
 * canaries that are due after every poll.
 *
 * <p>Several instances in one group are one <em>active</em> updater and standbys ({@link ActiveStandbyAssignor}): the
 * active one holds every partition and is the only one that trains, signs, publishes and decides canaries. Every
 * instance follows {@code models.updates}, so a standby knows the live models, their versions and the synthetic-set
 * versions they were built from. When the active instance dies, a standby gets the partitions after the session
 * timeout, reads {@code models.updates} to its end, resumes the canaries that wait for reports and carries on from the
 * group's committed offsets; a set whose model the dead instance had already published is not trained again.
 */
public final class UpdaterKafkaLoop implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(UpdaterKafkaLoop.class);
    private static final String SERVICE = "model-updater";
    private static final int MAX_VALUE = 16 << 20;

    private final ModelUpdateService service;
    private final KafkaClientSettings client;
    private final String groupId;
    private final int sessionTimeoutMs;
    private final Role role;
    private final Map<String, ContributionSignature.EdgeKey> edgeKeys;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final CountDownLatch restored = new CountDownLatch(1);
    private final RestartPolicy restarts = new RestartPolicy("model-updater Kafka loop", Duration.ofSeconds(5));
    private volatile KafkaConsumer<byte[], byte[]> main;
    private volatile KafkaConsumer<byte[], byte[]> rounds;
    private volatile KafkaConsumer<byte[], byte[]> statuses;
    /** Follows {@code models.updates} from the beginning (restoration, then what any instance publishes). */
    private volatile KafkaConsumer<byte[], byte[]> updatesFollower;
    private volatile boolean active;
    private final java.util.concurrent.atomic.AtomicLong takeovers = new java.util.concurrent.atomic.AtomicLong();
    private Thread thread;
    private KafkaDeadLetterSink sink;

    /** What changes with this instance's role: the publisher's producer (only the active instance holds one). */
    public interface Role {
        /** This instance became the active updater (before it handles anything). */
        void becameActive();

        /** This instance is a standby now (or its loop stopped). */
        void becameStandby();
    }

    /**
     * A loop whose clients (consumers and dead-letter producer) connect with the service's Kafka client settings.
     *
     * @param kafka    the consumer group of {@code distill.synthetic-sets} and {@code edge.knowledge} and its session
     *                 timeout ({@code updater.kafka.*})
     * @param edgeKeys the edges' keys ({@code updater.rollout.edge-keys}): when any is set, an edge status or knowledge
     *                 record counts only when signed by the edge it names; others are dead-lettered as
     *                 {@value #BAD_STATUS_SIGNATURE} or {@value #BAD_KNOWLEDGE_SIGNATURE}
     * @param role     told when this instance becomes the active updater and when it stops being it
     */
    public UpdaterKafkaLoop(ModelUpdateService service, KafkaClientSettings client, UpdaterConfig.Kafka kafka,
                            Map<String, ContributionSignature.EdgeKey> edgeKeys, Role role) {
        this.role = role;
        this.service = service;
        this.client = client;
        this.groupId = kafka.groupId();
        this.sessionTimeoutMs = kafka.sessionTimeoutMs();
        this.edgeKeys = Map.copyOf(edgeKeys);
    }

    /** Whether this instance is the active updater now (it holds the group's partitions); the others are standbys. */
    public boolean active() {
        return active;
    }

    /** How many times this instance became the active updater. */
    public long takeovers() {
        return takeovers.get();
    }

    /** Dead-letter error class of an edge status not signed by the edge it names (with edge keys configured). */
    public static final String BAD_STATUS_SIGNATURE = "StatusSignature";

    /** Dead-letter error class of knowledge whose sub-clusters break its round's privacy floor. */
    public static final String KNOWLEDGE_BELOW_FLOOR = "PrivacyFloor";

    /** Privacy floor (minimum rows per sub-cluster) of each round that asked for sub-clusters: task → round → k_min. */
    private final Map<String, Map<Long, Integer>> floors = new java.util.concurrent.ConcurrentHashMap<>();

    private void takeRound(RoundSpec spec) {
        service.registerPreprocessing(spec.getPreprocessing().getJson(), spec.getPreprocessing().getSha256());
        if (spec.getSubClusters() != null) {
            floors.computeIfAbsent(spec.getTaskId(), t -> new java.util.concurrent.ConcurrentHashMap<>())
                    .put(spec.getRoundId(), spec.getSubClusters().getMinRows());
        }
    }

    /** Whether knowledge respects its round's floor (when the round is known); a record that does not is dead-lettered. */
    private boolean withinFloor(ConsumerRecord<byte[], byte[]> r, EdgeKnowledge k, SafeDecoder<?> decoder) {
        Integer floor = floors.getOrDefault(k.getTaskId(), Map.of()).get(k.getRoundId());
        List<String> broken = floor == null ? List.of() : Validators.privacyFloor(k, floor);
        if (!broken.isEmpty()) {
            decoder.reject(r, KNOWLEDGE_BELOW_FLOOR, String.join("; ", broken));
        }
        return broken.isEmpty();
    }

    /** Dead-letter error class of knowledge not signed by the edge it names (with edge keys configured). */
    public static final String BAD_KNOWLEDGE_SIGNATURE = "KnowledgeSignature";

    /** An edge status for the staged rollout, once its signature is checked (with edge keys configured). */
    private void takeStatus(ConsumerRecord<byte[], byte[]> r, SafeDecoder<EdgeStatus> decoder) {
        decoder.decode(r).ifPresent(status -> {
            if (signedByItsEdge(r, status.getEdgeId(), decoder, BAD_STATUS_SIGNATURE)) {
                service.onStatus(status);
            }
        });
    }

    /**
     * Whether the record is signed by the edge it names; always true without edge keys. A record that is not goes to the
     * dead-letter topic under {@code errorClass}. Knowledge is checked too: it trains a cohort's model, and a class that
     * enough distinct edges report enters the global model, so an edge must not speak for others.
     */
    private boolean signedByItsEdge(ConsumerRecord<byte[], byte[]> r, String edgeId, SafeDecoder<?> decoder,
                                    String errorClass) {
        if (edgeKeys.isEmpty()) {
            return true;
        }
        Header signer = r.headers().lastHeader(ContributionSignature.SIGNER_HEADER);
        Header signature = r.headers().lastHeader(ContributionSignature.SIGNATURE_HEADER);
        Optional<String> refused = ContributionSignature.check(edgeKeys, r.topic(), r.value(),
                signer == null ? null : new String(signer.value(), java.nio.charset.StandardCharsets.UTF_8),
                signature == null ? null : signature.value(), edgeId);
        refused.ifPresent(why -> decoder.reject(r, errorClass, why));
        return refused.isEmpty();
    }

    /** Starts the consumer thread. */
    public synchronized void start() {
        if (thread != null) {
            return;
        }
        thread = new Thread(this::run, "model-updater-kafka");
        thread.setDaemon(true);
        thread.start();
    }

    /** Whether start-up restoration from {@code models.updates} has finished. */
    public boolean restored() {
        return restored.getCount() == 0;
    }

    public boolean running() {
        return running.get() && thread != null && thread.isAlive();
    }

    private <T extends SpecificRecord> SafeDecoder<T> decoder(RecordValidator<T> validator) {
        return new SafeDecoder<>(AvroSerdes.<T>deserializer(client.registry(), false), validator, sink, SERVICE, MAX_VALUE);
    }

    private Map<String, Object> consumerConfig(String group) {
        Map<String, Object> cfg = client.common();
        cfg.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        cfg.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        cfg.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        cfg.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        cfg.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, MAX_VALUE);
        cfg.put(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG, 600_000);
        cfg.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 100);
        if (group != null) {
            cfg.put(ConsumerConfig.GROUP_ID_CONFIG, group);
            cfg.put(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, ActiveStandbyAssignor.class.getName());
            cfg.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, sessionTimeoutMs);
            cfg.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, Math.max(500, sessionTimeoutMs / 5));
        }
        return cfg;
    }

    /** Runs the loop; when Kafka is unreachable or a client fails, starts over after a pause. */
    private void run() {
        try {
            restarts.runUntilStopped(this::runOnce, running::get);
        } finally {
            restored.countDown();
            stopped.countDown();
        }
    }

    /** Number of times the loop failed and was restarted. */
    public long failures() {
        return restarts.failures();
    }

    /** One life of the loop; true when it ended because of a shutdown. */
    private boolean runOnce() {
        try {
            sink = new KafkaDeadLetterSink(client, Map.of("client.id", SERVICE));
            SafeDecoder<ModelUpdate> updates = decoder(Validators.MODEL_UPDATE);
            SafeDecoder<RoundSpec> roundDecoder = decoder(Validators.ROUND);
            SafeDecoder<SyntheticSet> sets = decoder(Validators.SYNTHETIC_SET);
            SafeDecoder<EdgeKnowledge> knowledge = decoder(Validators.KNOWLEDGE);
            SafeDecoder<EdgeStatus> statusDecoder = decoder(Validators.STATUS);
            restore(updates);
            restored.countDown();
            active = false;
            rounds = new KafkaConsumer<>(consumerConfig(null));
            assignAllFromBeginning(rounds, Topics.ROUNDS);
            statuses = new KafkaConsumer<>(consumerConfig(null));
            // every edge status on the topic before the first synthetic set is handled, so that a restarted updater
            // knows the fleet and the canaries' scores when it chooses canaries
            readToEnd(statuses, assignAllFromBeginning(statuses, Topics.STATUS), r -> takeStatus(r, statusDecoder));
            main = new KafkaConsumer<>(consumerConfig(groupId));
            main.subscribe(List.of(Topics.SYNTHETIC_SETS, Topics.KNOWLEDGE), new ActiveOrStandby(updates));
            LOG.info("model-updater consuming {} and {} (group {}), rounds from {}", Topics.SYNTHETIC_SETS,
                    Topics.KNOWLEDGE, groupId, client.bootstrapServers());
            while (running.get()) {
                for (ConsumerRecord<byte[], byte[]> r : rounds.poll(Duration.ofMillis(20))) {
                    roundDecoder.decode(r).ifPresent(this::takeRound);
                }
                for (ConsumerRecord<byte[], byte[]> r : statuses.poll(Duration.ZERO)) {
                    takeStatus(r, statusDecoder);
                }
                follow(updates);
                if (active) {
                    service.tick(Instant.now());
                }
                ConsumerRecords<byte[], byte[]> batch = main.poll(Duration.ofMillis(300));
                if (batch.isEmpty()) {
                    continue;
                }
                Map<String, SyntheticSet> newest = new LinkedHashMap<>();
                Map<String, EdgeKnowledge> know = new LinkedHashMap<>(); // newest per edge within a batch
                for (ConsumerRecord<byte[], byte[]> r : batch) {
                    if (r.topic().equals(Topics.SYNTHETIC_SETS)) {
                        sets.decode(r).ifPresent(s -> newest.merge(s.getTaskId(), s,
                                (a, b) -> b.getVersion() > a.getVersion() ? b : a));
                    } else {
                        knowledge.decode(r).filter(k -> signedByItsEdge(r, k.getEdgeId(), knowledge, BAD_KNOWLEDGE_SIGNATURE))
                                .filter(k -> withinFloor(r, k, knowledge))
                                .ifPresent(k -> know.put(k.getEdgeId(), k));
                    }
                }
                // make sure the specs the sets refer to are in (a round is published before its set)
                for (ConsumerRecord<byte[], byte[]> r : rounds.poll(Duration.ZERO)) {
                    roundDecoder.decode(r).ifPresent(this::takeRound);
                }
                for (SyntheticSet s : newest.values()) {
                    service.onSyntheticSet(s);
                }
                for (EdgeKnowledge k : know.values()) {
                    service.onKnowledge(k);
                }
                main.commitSync();
            }
            return true;
        } catch (WakeupException e) {
            return !running.get();
        } catch (RuntimeException e) {
            LOG.error("model-updater Kafka loop failed (will restart in 5 s): {}", e.toString(), e);
            return !running.get();
        } finally {
            closeQuietly(main);
            closeQuietly(rounds);
            closeQuietly(statuses);
            closeQuietly(updatesFollower);
            updatesFollower = null;
            if (active) {
                role.becameStandby();
            }
            active = false;
            main = null;
            rounds = null;
            statuses = null;
            if (sink != null) {
                sink.close();
                sink = null;
            }
        }
    }

    /**
     * Reads {@code models.updates} from the beginning to its end (the live models), and keeps following it. The
     * canaries waiting for reports are resumed when this instance becomes the active one, from what it read by then.
     */
    private void restore(SafeDecoder<ModelUpdate> decoder) {
        updatesFollower = new KafkaConsumer<>(consumerConfig(null));
        List<TopicPartition> parts = assignAllFromBeginning(updatesFollower, Topics.MODEL_UPDATES);
        int n = readToEnd(updatesFollower, parts, r -> takeUpdate(r, decoder));
        LOG.info("Restored from {}: {} records, {} live models", Topics.MODEL_UPDATES, n, service.liveModels().size());
    }

    private void takeUpdate(ConsumerRecord<byte[], byte[]> r, SafeDecoder<ModelUpdate> decoder) {
        if (r.value() != null) { // null: a tombstone, a deleted model
            decoder.decode(r).ifPresent(service::restoreLive);
        }
    }

    /**
     * Everything published on {@code models.updates}, by any instance: versions, live models, the sets they were built
     * from, the canaries. The service ignores what it already knows (an older or equal version), so the active
     * instance reading its own updates back changes nothing, and an instance that was active while another took over
     * (a long pause) still learns what the other published.
     */
    private void follow(SafeDecoder<ModelUpdate> decoder) {
        for (ConsumerRecord<byte[], byte[]> r : updatesFollower.poll(Duration.ZERO)) {
            takeUpdate(r, decoder);
        }
    }

    /**
     * Becomes the active updater when the group gives this instance its partitions, and a standby when it takes them
     * away. Runs on the loop's thread, inside {@code poll}.
     */
    private final class ActiveOrStandby implements org.apache.kafka.clients.consumer.ConsumerRebalanceListener {
        private final SafeDecoder<ModelUpdate> updates;

        ActiveOrStandby(SafeDecoder<ModelUpdate> updates) {
            this.updates = updates;
        }

        @Override
        public void onPartitionsAssigned(java.util.Collection<TopicPartition> partitions) {
            if (active || main.assignment().isEmpty()) {
                return;
            }
            // everything the previous active instance published, before its uncommitted sets are handled again
            List<TopicPartition> parts = new ArrayList<>(updatesFollower.assignment());
            int n = readToEnd(updatesFollower, parts, r -> takeUpdate(r, updates));
            role.becameActive(); // fences a previous active instance's publisher
            service.finishRestore(Instant.now());
            active = true;
            takeovers.incrementAndGet();
            LOG.info("This instance is now the active model updater of group {} ({} partitions; {} model updates read "
                    + "since it last followed)", groupId, main.assignment().size(), n);
        }

        @Override
        public void onPartitionsRevoked(java.util.Collection<TopicPartition> partitions) {
            standbyWhenEmpty(partitions);
        }

        @Override
        public void onPartitionsLost(java.util.Collection<TopicPartition> partitions) {
            standbyWhenEmpty(partitions);
        }

        private void standbyWhenEmpty(java.util.Collection<TopicPartition> leaving) {
            java.util.Set<TopicPartition> left = new java.util.HashSet<>(main.assignment());
            left.removeAll(leaving);
            if (active && left.isEmpty()) {
                active = false;
                role.becameStandby();
                LOG.info("This instance is now a standby model updater of group {}", groupId);
            }
        }
    }

    /** Polls until the consumer's position reaches the end offsets of now; returns the records read. */
    private int readToEnd(KafkaConsumer<byte[], byte[]> c, List<TopicPartition> parts,
                          java.util.function.Consumer<ConsumerRecord<byte[], byte[]>> take) {
        Map<TopicPartition, Long> end = c.endOffsets(parts);
        int n = 0;
        while (running.get() && parts.stream().anyMatch(p -> c.position(p) < end.get(p))) {
            for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200))) {
                take.accept(r);
                n++;
            }
        }
        return n;
    }

    private static List<TopicPartition> assignAllFromBeginning(KafkaConsumer<byte[], byte[]> c, String topic) {
        List<TopicPartition> parts = new ArrayList<>();
        for (PartitionInfo p : c.partitionsFor(topic, Duration.ofSeconds(30))) {
            parts.add(new TopicPartition(topic, p.partition()));
        }
        c.assign(parts);
        c.seekToBeginning(parts);
        return parts;
    }

    private static void closeQuietly(KafkaConsumer<?, ?> c) {
        if (c != null) {
            try {
                c.close(Duration.ofSeconds(5));
            } catch (RuntimeException e) {
                LOG.debug("close failed", e);
            }
        }
    }

    @Override
    public void close() {
        running.set(false);
        KafkaConsumer<byte[], byte[]> m = main;
        if (m != null) {
            m.wakeup();
        }
        KafkaConsumer<byte[], byte[]> r = rounds;
        if (r != null) {
            r.wakeup();
        }
        try {
            if (thread != null) {
                stopped.await(60, java.util.concurrent.TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
