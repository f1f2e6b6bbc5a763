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
 */
public final class UpdaterKafkaLoop implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(UpdaterKafkaLoop.class);
    private static final String SERVICE = "model-updater";
    private static final int MAX_VALUE = 16 << 20;

    private final ModelUpdateService service;
    private final KafkaClientSettings client;
    private final String groupId;
    private final Map<String, ContributionSignature.EdgeKey> edgeKeys;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final CountDownLatch restored = new CountDownLatch(1);
    private final RestartPolicy restarts = new RestartPolicy("model-updater Kafka loop", Duration.ofSeconds(5));
    private volatile KafkaConsumer<byte[], byte[]> main;
    private volatile KafkaConsumer<byte[], byte[]> rounds;
    private volatile KafkaConsumer<byte[], byte[]> statuses;
    private Thread thread;
    private KafkaDeadLetterSink sink;

    /**
     * A loop whose clients (consumers and dead-letter producer) connect with the service's Kafka client settings.
     *
     * @param groupId consumer group of {@code distill.synthetic-sets} and {@code edge.knowledge}
     */
    public UpdaterKafkaLoop(ModelUpdateService service, KafkaClientSettings client, String groupId) {
        this(service, client, groupId, Map.of());
    }

    /**
     * @param edgeKeys the edges' keys ({@code updater.rollout.edge-keys}): when any is set, an edge status or knowledge
     *                 record counts only when signed by the edge it names; others are dead-lettered as
     *                 {@value #BAD_STATUS_SIGNATURE} or {@value #BAD_KNOWLEDGE_SIGNATURE}
     */
    public UpdaterKafkaLoop(ModelUpdateService service, KafkaClientSettings client, String groupId,
                            Map<String, ContributionSignature.EdgeKey> edgeKeys) {
        this.service = service;
        this.client = client;
        this.groupId = groupId;
        this.edgeKeys = Map.copyOf(edgeKeys);
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
            rounds = new KafkaConsumer<>(consumerConfig(null));
            assignAllFromBeginning(rounds, Topics.ROUNDS);
            statuses = new KafkaConsumer<>(consumerConfig(null));
            readToEnd(statuses, assignAllFromBeginning(statuses, Topics.STATUS), statusDecoder);
            main = new KafkaConsumer<>(consumerConfig(groupId));
            main.subscribe(List.of(Topics.SYNTHETIC_SETS, Topics.KNOWLEDGE));
            LOG.info("model-updater consuming {} and {} (group {}), rounds from {}", Topics.SYNTHETIC_SETS,
                    Topics.KNOWLEDGE, groupId, client.bootstrapServers());
            while (running.get()) {
                for (ConsumerRecord<byte[], byte[]> r : rounds.poll(Duration.ofMillis(20))) {
                    roundDecoder.decode(r).ifPresent(this::takeRound);
                }
                for (ConsumerRecord<byte[], byte[]> r : statuses.poll(Duration.ZERO)) {
                    takeStatus(r, statusDecoder);
                }
                service.tick(Instant.now());
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
            main = null;
            rounds = null;
            statuses = null;
            if (sink != null) {
                sink.close();
                sink = null;
            }
        }
    }

    private void restore(SafeDecoder<ModelUpdate> decoder) {
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(consumerConfig(null))) {
            List<TopicPartition> parts = assignAllFromBeginning(c, Topics.MODEL_UPDATES);
            Map<TopicPartition, Long> end = c.endOffsets(parts);
            int n = 0;
            while (running.get() && parts.stream().anyMatch(p -> c.position(p) < end.get(p))) {
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200))) {
                    if (r.value() == null) {
                        continue; // tombstone: a deleted model
                    }
                    Optional<ModelUpdate> u = decoder.decode(r);
                    u.ifPresent(service::restoreLive);
                    n++;
                }
            }
            service.finishRestore(Instant.now());
            LOG.info("Restored from {}: {} records, {} live models", Topics.MODEL_UPDATES, n,
                    service.liveModels().size());
        }
    }

    /**
     * Takes every edge status on the topic before the first synthetic set is handled, so that a restarted updater
     * knows the fleet and the canaries' scores when it chooses canaries.
     */
    private void readToEnd(KafkaConsumer<byte[], byte[]> c, List<TopicPartition> parts, SafeDecoder<EdgeStatus> decoder) {
        Map<TopicPartition, Long> end = c.endOffsets(parts);
        while (running.get() && parts.stream().anyMatch(p -> c.position(p) < end.get(p))) {
            for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200))) {
                takeStatus(r, decoder);
            }
        }
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
