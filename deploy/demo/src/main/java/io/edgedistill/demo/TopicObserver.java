package io.edgedistill.demo;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

import io.edgedistill.schemas.AlertKind;
import io.edgedistill.schemas.AttackAlert;
import io.edgedistill.schemas.EdgeKnowledge;
import io.edgedistill.schemas.EdgeStatus;
import io.edgedistill.schemas.EdgeSummary;
import io.edgedistill.schemas.ModelUpdate;
import io.edgedistill.schemas.RoundSpec;
import io.edgedistill.schemas.SyntheticSet;
import io.edgedistill.schemas.Topics;
import io.edgedistill.schemas.security.KafkaClientSecurity;
import io.edgedistill.schemas.client.KafkaClientSettings;
import io.edgedistill.schemas.serde.AvroSerdes;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Watches the cloud's outputs (rounds, synthetic sets, model updates, alerts) for the demo's report: those of one task
 * only (a stack shared by several runs, as in the tests, holds other tasks' records), and alerts that name no model only
 * when written after the observer started.
 */
final class TopicObserver implements AutoCloseable {

    /** A record and when its producer wrote it (the record's timestamp). */
    record Seen<T>(T value, Instant at) {
    }

    final List<Seen<RoundSpec>> rounds = new CopyOnWriteArrayList<>();
    final List<Seen<SyntheticSet>> sets = new CopyOnWriteArrayList<>();
    final List<Seen<ModelUpdate>> models = new CopyOnWriteArrayList<>();
    final Map<String, Long> alertsByClass = new ConcurrentHashMap<>();
    final Map<String, Long> alertsBySource = new ConcurrentHashMap<>();
    final List<AttackAlert> poisoningAlerts = new CopyOnWriteArrayList<>();
    /** Bytes (wire format, key and value) each edge sent on edge.summaries and edge.knowledge. */
    final Map<String, Long> learningBytesByEdge = new ConcurrentHashMap<>();
    final Map<String, Long> knowledgeByEdge = new ConcurrentHashMap<>();
    /** The same bytes by the round the summary or knowledge answers (the record's roundId). */
    final Map<Long, Long> learningBytesByRound = new ConcurrentHashMap<>();
    /** Each edge's newest {@code edge.status}. */
    final Map<String, EdgeStatus> statusByEdge = new ConcurrentHashMap<>();
    /** When each data summary of a round was written (the record's timestamp: the edge's send time). */
    final Map<Long, List<Instant>> summaryTimesByRound = new ConcurrentHashMap<>();

    private final AtomicBoolean running = new AtomicBoolean(true);
    private final Thread thread;
    private final String task;
    private final long startedAt = System.currentTimeMillis();

    /** An observer of {@code task}'s records that reads as {@code security}'s principal (the operator's, on a secured stack). */
    TopicObserver(String bootstrap, String registryUrl, KafkaClientSecurity security, String task) {
        this.task = task;
        Map<String, Object> cfg = new HashMap<>();
        cfg.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        security.applyTo(cfg);
        cfg.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        cfg.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        cfg.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        cfg.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(cfg);
        Deserializer<SpecificRecord> decoder = AvroSerdes.deserializer(new KafkaClientSettings(bootstrap, registryUrl, security).registry(), false);
        List<TopicPartition> parts = new ArrayList<>();
        for (String t : List.of(Topics.ROUNDS, Topics.SYNTHETIC_SETS, Topics.MODEL_UPDATES, Topics.ALERTS, Topics.SUMMARIES,
                Topics.KNOWLEDGE, Topics.STATUS)) {
            consumer.partitionsFor(t).forEach(p -> parts.add(new TopicPartition(t, p.partition())));
        }
        consumer.assign(parts);
        consumer.seekToBeginning(parts);
        thread = new Thread(() -> {
            try (consumer) {
                while (running.get()) {
                    for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(100))) {
                        if (r.value() == null) {
                            continue;
                        }
                        if (r.topic().equals(Topics.SUMMARIES) || r.topic().equals(Topics.KNOWLEDGE)) {
                            learning(r, decoder);
                            continue;
                        }
                        SpecificRecord v;
                        try {
                            v = decoder.deserialize(r.topic(), r.headers(), r.value());
                        } catch (RuntimeException e) {
                            continue; // the services dead-letter such records; the report only counts good ones
                        }
                        Instant now = Instant.ofEpochMilli(r.timestamp()); // when the service wrote it
                        if (!ofThisRun(v, r.timestamp())) {
                            continue;
                        }
                        if (v instanceof RoundSpec rs) {
                            rounds.add(new Seen<>(rs, now));
                        } else if (v instanceof SyntheticSet s) {
                            sets.add(new Seen<>(s, now));
                        } else if (v instanceof EdgeStatus st) {
                            statusByEdge.merge(st.getEdgeId(), st, (a, b) -> b.getSentAt().isBefore(a.getSentAt()) ? a : b);
                        } else if (v instanceof ModelUpdate m) {
                            models.add(new Seen<>(m, now));
                        } else if (v instanceof AttackAlert a) {
                            alertsBySource.merge(a.getSource().name(), 1L, Long::sum);
                            if (a.getKind() == AlertKind.POISONED_CONTRIBUTION) {
                                poisoningAlerts.add(a);
                            } else {
                                alertsByClass.merge(a.getAttackClass(), 1L, Long::sum);
                            }
                        }
                    }
                }
            }
        }, "demo-observer");
        thread.setDaemon(true);
        thread.start();
    }

    /** Whether a record belongs to the observed task (and, for an alert naming no model, was written after the start). */
    private boolean ofThisRun(SpecificRecord v, long timestamp) {
        String t = v instanceof RoundSpec rs ? rs.getTaskId() : v instanceof SyntheticSet s ? s.getTaskId()
                : v instanceof ModelUpdate m ? m.getTaskId() : v instanceof EdgeSummary es ? es.getTaskId()
                : v instanceof EdgeKnowledge ek ? ek.getTaskId() : v instanceof EdgeStatus st ? st.getTaskId() : null;
        if (t != null) {
            return t.equals(task);
        }
        if (v instanceof AttackAlert a && a.getModelId() != null) {
            return a.getModelId().equals(task) || a.getModelId().startsWith(task + "/");
        }
        return timestamp >= startedAt;
    }

    private void learning(ConsumerRecord<byte[], byte[]> r, Deserializer<SpecificRecord> decoder) {
        String edge = r.key() == null ? "?" : new String(r.key(), java.nio.charset.StandardCharsets.UTF_8);
        long bytes = (long) r.serializedValueSize() + Math.max(0, r.serializedKeySize());
        learningBytesByEdge.merge(edge, bytes, Long::sum);
        if (r.topic().equals(Topics.KNOWLEDGE)) {
            knowledgeByEdge.merge(edge, 1L, Long::sum);
        }
        try {
            SpecificRecord v = decoder.deserialize(r.topic(), r.headers(), r.value());
            if (!ofThisRun(v, r.timestamp())) {
                return;
            }
            long round = v instanceof EdgeSummary es ? es.getRoundId() : v instanceof EdgeKnowledge ek ? ek.getRoundId() : -1;
            if (v instanceof EdgeSummary) {
                summaryTimesByRound.computeIfAbsent(round, k -> new CopyOnWriteArrayList<>()).add(Instant.ofEpochMilli(r.timestamp()));
            }
            learningBytesByRound.merge(round, bytes, Long::sum);
        } catch (RuntimeException e) {
            // a record the services dead-letter counts for its edge's total but for no round
        }
    }

    long latestRoundId() {
        return rounds.stream().mapToLong(s -> s.value().getRoundId()).max().orElse(0);
    }

    /** The round a model was trained for (through its synthetic-set version); -1 if unknown. */
    long roundOf(ModelUpdate m) {
        return roundOfSet(m.getSyntheticSetVersion());
    }

    /** The round of a synthetic-set version; -1 if not seen (yet). */
    long roundOfSet(long setVersion) {
        return sets.stream().filter(s -> s.value().getVersion() == setVersion).mapToLong(s -> s.value().getRoundId())
                .findFirst().orElse(-1);
    }

    Map<String, Long> sortedAlerts() {
        return new TreeMap<>(alertsByClass);
    }

    @Override
    public void close() {
        running.set(false);
        try {
            thread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
