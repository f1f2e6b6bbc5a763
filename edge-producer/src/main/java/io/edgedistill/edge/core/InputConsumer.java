package io.edgedistill.edge.core;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;

import io.edgedistill.core.trust.SignedTrustList;
import io.edgedistill.schemas.KeyTrustList;
import io.edgedistill.schemas.ModelUpdate;
import io.edgedistill.schemas.RoundSpec;
import io.edgedistill.schemas.Topics;
import io.edgedistill.schemas.client.RestartPolicy;
import io.edgedistill.schemas.dlq.DeadLetterSink;
import io.edgedistill.schemas.dlq.RecordValidator;
import io.edgedistill.schemas.dlq.SafeDecoder;
import io.edgedistill.schemas.serde.AvroSerdes;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The edge's input: one consumer reading the compacted {@code distill.rounds} and {@code models.updates} from the
 * beginning, without a group, because every edge must see every round and the latest model of every id. Bytes are
 * decoded by {@link SafeDecoder} (bad records to {@code <topic>.dlq}); rounds go through a {@link RoundIntake} to a
 * {@link RoundScheduler} (answered on the worker thread), model updates are offered to the slot on this thread, so
 * that a swap is never held up by a summary. Knowledge is evaluated on the worker after each swap and every
 * {@code knowledgeInterval}.
 *
 * <p>When Kafka is unreachable or the client fails, the consumer starts over after 5 s; records handled before are
 * skipped by offset, so that a restart neither answers nor dead-letters anything twice.
 */
final class InputConsumer {
    private static final Logger LOG = LoggerFactory.getLogger(InputConsumer.class);
    private static final int MAX_VALUE = 16 << 20;
    /** Pause before a failed consumer starts over (broker unreachable, client failure). */
    private static final Duration RESTART_PAUSE = Duration.ofSeconds(5);

    private final EdgeRuntime.Settings settings;
    private final String edgeId;
    private final EdgeNode node;
    private final Executor worker;
    private final BooleanSupplier running;
    private final RoundIntake intake;
    private final RoundScheduler scheduler;
    /** Highest offset handled per partition of the input topics (survives consumer restarts within this process). */
    private final Map<TopicPartition, Long> handled = new HashMap<>();
    private final AtomicBoolean assigned = new AtomicBoolean();
    private final RestartPolicy restarts;
    private final AtomicReference<Thread> thread = new AtomicReference<>();
    private volatile KafkaConsumer<byte[], byte[]> consumer;
    private DeadLetterSink sink;
    private SafeDecoder<RoundSpec> rounds;
    private SafeDecoder<ModelUpdate> updates;
    private SafeDecoder<KeyTrustList> trustLists;
    private long lastKnowledgeCheck;
    private long lastStatus;

    InputConsumer(EdgeRuntime.Settings settings, EdgeNode node, Executor worker, BooleanSupplier running) {
        this.settings = settings;
        this.edgeId = node.settings().edgeId();
        this.node = node;
        this.worker = worker;
        this.running = running;
        this.intake = new RoundIntake(node.roundTasks());
        this.scheduler = new RoundScheduler(node, worker, System::nanoTime);
        this.restarts = new RestartPolicy("[" + edgeId + "] consumer", RESTART_PAUSE);
    }

    /** Starts the consumer thread; bad input records go to {@code sink}. */
    void start(DeadLetterSink deadLetters) {
        this.sink = deadLetters;
        Thread t = new Thread(this::consumeUntilShutdown, "edge-consumer-" + edgeId);
        t.setDaemon(true);
        thread.set(t);
        t.start();
    }

    private void consumeUntilShutdown() {
        restarts.runUntilStopped(this::consumeOnce, running);
    }

    /** One consumer's life: connect, poll and handle until shutdown (true) or a failure (false: start over). */
    private boolean consumeOnce() {
        rounds = decoder(Validators.ROUND);
        updates = decoder(Validators.MODEL_UPDATE);
        trustLists = decoder(Validators.TRUST_LIST);
        lastKnowledgeCheck = System.nanoTime();
        try {
            connect();
            while (running.getAsBoolean()) {
                pollOnce();
            }
            return true;
        } catch (WakeupException e) {
            return !running.getAsBoolean();
        } catch (RuntimeException e) {
            LOG.error("[{}] consumer failed (restarting in 5 s): {}", edgeId, e.toString(), e);
            return !running.getAsBoolean();
        } finally {
            disconnect();
        }
    }

    private <T extends SpecificRecord> SafeDecoder<T> decoder(RecordValidator<T> v) {
        return new SafeDecoder<>(AvroSerdes.<T>deserializer(settings.kafka().registry(), false), v, sink, "edge-" + edgeId,
                MAX_VALUE);
    }

    /**
     * Assigns every partition of the input topics, read from the beginning (the topics are compacted). An edge that
     * follows the operator's trust lists reads {@code keys.trust} to its end first, so that no update is judged by
     * keys the operator has already revoked or retired.
     */
    private void connect() {
        Map<String, Object> cfg = settings.kafka().common();
        cfg.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        cfg.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        cfg.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, MAX_VALUE);
        cfg.put(ConsumerConfig.CLIENT_ID_CONFIG, "edge-" + edgeId);
        consumer = new KafkaConsumer<>(cfg);
        List<TopicPartition> parts = new ArrayList<>();
        if (node.slot().verifier().followsTrustLists()) {
            List<TopicPartition> trust = partitions(Topics.TRUST);
            readTrustToEnd(trust);
            parts.addAll(trust);
        }
        parts.addAll(partitions(Topics.ROUNDS));
        parts.addAll(partitions(Topics.MODEL_UPDATES));
        consumer.assign(parts);
        List<TopicPartition> fromStart = parts.stream().filter(tp -> !tp.topic().equals(Topics.TRUST)).toList();
        consumer.seekToBeginning(fromStart);
        assigned.set(true);
    }

    private List<TopicPartition> partitions(String topic) {
        List<TopicPartition> parts = new ArrayList<>();
        for (PartitionInfo p : consumer.partitionsFor(topic, Duration.ofSeconds(60))) {
            parts.add(new TopicPartition(topic, p.partition()));
        }
        return parts;
    }

    /** Applies every trust list on {@code keys.trust} up to its current end; fails after 60 s (the consumer restarts). */
    private void readTrustToEnd(List<TopicPartition> trust) {
        consumer.assign(trust);
        consumer.seekToBeginning(trust);
        Map<TopicPartition, Long> end = consumer.endOffsets(trust);
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (trust.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
            if (System.nanoTime() > deadline) {
                // judging updates with a trust list that may be stale is worse than waiting: the consumer starts over
                throw new IllegalStateException("could not read " + Topics.TRUST + " to its end within 60 s");
            }
            for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                if (firstTime(r) && r.value() != null) {
                    applyTrustList(r);
                }
            }
        }
    }

    /** Applies a trust list; one that does not verify is dead-lettered (the trust stays as it was). */
    private void applyTrustList(ConsumerRecord<byte[], byte[]> r) {
        KeyTrustList t = trustLists.decode(r).orElse(null);
        if (t == null) {
            return;
        }
        try {
            node.onTrustList(SignedTrustList.of(t.getPayload(), t.getRootKeyId(), t.getSignature()));
        } catch (SignedTrustList.Refused e) {
            trustLists.reject(r, EdgeRuntime.TRUST_LIST_REFUSED, e.getMessage());
        }
    }

    /** One poll: handle its records, then schedule the newest round and, when due, a knowledge check. */
    private void pollOnce() {
        RoundSpec newestRound = null;
        boolean swapped = false;
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
            if (!firstTime(r) || r.value() == null) {
                continue; // read again after a consumer restart, or a tombstone on a compacted topic
            }
            if (r.topic().equals(Topics.ROUNDS)) {
                RoundSpec admitted = admitRound(r);
                newestRound = admitted == null ? newestRound : admitted;
            } else if (r.topic().equals(Topics.TRUST)) {
                long fallbacks = node.slot().trustFallbacks();
                applyTrustList(r);
                swapped |= node.slot().trustFallbacks() != fallbacks;
            } else {
                swapped |= offerModelUpdate(r);
            }
        }
        scheduler.offer(newestRound);
        scheduler.dispatchIfDue();
        checkKnowledgeIfDue(swapped);
        reportStatusIfDue(swapped);
    }

    /** The edge's status after a swap, and every status interval. */
    private void reportStatusIfDue(boolean swapped) {
        long now = System.nanoTime();
        if (swapped || now - lastStatus > settings.statusInterval().toNanos()) {
            lastStatus = now;
            worker.execute(() -> {
                try {
                    node.sendStatus();
                } catch (RuntimeException e) {
                    LOG.debug("[{}] status not sent: {}", edgeId, e.toString());
                }
            });
        }
    }

    /** Whether the record is read for the first time in this process (then it is marked as handled). */
    private boolean firstTime(ConsumerRecord<byte[], byte[]> r) {
        TopicPartition tp = new TopicPartition(r.topic(), r.partition());
        if (r.offset() <= handled.getOrDefault(tp, -1L)) {
            return false;
        }
        handled.put(tp, r.offset());
        return true;
    }

    /** The round if it is to be answered; null for a bad record, another task's round or a stale one (dead-lettered). */
    private RoundSpec admitRound(ConsumerRecord<byte[], byte[]> r) {
        RoundSpec spec = rounds.decode(r).orElse(null);
        if (spec == null) {
            return null;
        }
        long highest = intake.highestRound();
        return switch (intake.admit(spec)) {
            case ANSWER -> spec;
            case OTHER_TASK -> null;
            case STALE -> {
                rounds.reject(r, EdgeRuntime.STALE_ROUND, "round " + spec.getRoundId() + " of task " + spec.getTaskId()
                        + " is not newer than round " + highest + " seen before it");
                yield null;
            }
        };
    }

    /** Offers a model update of this edge's models to the slot; a refused one is dead-lettered. Whether it swapped. */
    private boolean offerModelUpdate(ConsumerRecord<byte[], byte[]> r) {
        String key = r.key() == null ? "" : new String(r.key(), StandardCharsets.UTF_8);
        if (!key.isEmpty() && !node.slot().relevant(Topics.modelIdOfKey(key))) {
            return false; // another cohort's model: not even decoded
        }
        ModelUpdate u = updates.decode(r).orElse(null);
        if (u == null) {
            return false;
        }
        ModelSlot.Decision d = node.onModelUpdate(u);
        if (!d.accepted() && d.reason() != ModelVerifier.Reason.NOT_FOR_THIS_EDGE) {
            updates.reject(r, EdgeRuntime.MODEL_REJECTED + d.reason(), d.detail());
        }
        return d.swapped();
    }

    private void checkKnowledgeIfDue(boolean swapped) {
        long now = System.nanoTime();
        if (swapped || now - lastKnowledgeCheck > settings.knowledgeInterval().toNanos()) {
            lastKnowledgeCheck = now;
            worker.execute(this::checkKnowledge);
        }
    }

    private void checkKnowledge() {
        try {
            node.maybeSendKnowledge();
        } catch (RuntimeException e) {
            LOG.warn("[{}] knowledge evaluation failed: {}", edgeId, e.toString());
        }
    }

    private void disconnect() {
        assigned.set(false);
        KafkaConsumer<byte[], byte[]> c = consumer;
        if (c != null) {
            try {
                c.close(Duration.ofSeconds(5));
            } catch (RuntimeException e) {
                LOG.debug("close failed", e);
            }
            consumer = null;
        }
    }

    /** Interrupts a poll in progress (at shutdown). */
    void wakeup() {
        KafkaConsumer<byte[], byte[]> c = consumer;
        if (c != null) {
            c.wakeup();
        }
    }

    void join(long millis) throws InterruptedException {
        Thread t = thread.get();
        if (t != null) {
            t.join(millis);
        }
    }

    /** Whether the consumer has its partitions assigned (it reads rounds and model updates). */
    boolean assigned() {
        return assigned.get();
    }

    /** Whether the consumer thread runs. */
    boolean alive() {
        Thread t = thread.get();
        return t != null && t.isAlive();
    }

    /** Times the consumer failed and was restarted. */
    long failures() {
        return restarts.failures();
    }
}
