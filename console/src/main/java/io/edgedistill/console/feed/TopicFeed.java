package io.edgedistill.console.feed;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

import io.edgedistill.console.view.ConsoleState;
import io.edgedistill.schemas.AttackAlert;
import io.edgedistill.schemas.DeadLetter;
import io.edgedistill.schemas.EdgeKnowledge;
import io.edgedistill.schemas.EdgeStatus;
import io.edgedistill.schemas.EdgeSummary;
import io.edgedistill.schemas.ModelUpdate;
import io.edgedistill.schemas.RoundSpec;
import io.edgedistill.schemas.SyntheticSet;
import io.edgedistill.schemas.Topics;
import io.edgedistill.schemas.client.KafkaClientSettings;
import io.edgedistill.schemas.serde.AvroSerdes;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads every topic the page draws on from its beginning (read-committed, no consumer group: nothing is committed, so
 * the console needs only READ on the topics) and hands each decoded record to the {@link ConsoleState}. A record it
 * cannot decode is skipped, except on a dead-letter topic, where it still counts; one the view cannot take is logged and
 * skipped. One thread; {@link #close} stops it.
 */
public final class TopicFeed implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(TopicFeed.class);

    /** The topics read, and their dead-letter topics. */
    public static final List<String> TOPICS = List.of(Topics.ROUNDS, Topics.SUMMARIES, Topics.KNOWLEDGE, Topics.SYNTHETIC_SETS,
            Topics.MODEL_UPDATES, Topics.ALERTS, Topics.STATUS);
    public static final List<String> DEAD_LETTER_TOPICS = List.of(Topics.ROUNDS, Topics.SUMMARIES, Topics.TRAFFIC,
            Topics.KNOWLEDGE, Topics.SYNTHETIC_SETS, Topics.MODEL_UPDATES).stream().map(Topics::deadLetterTopic).toList();

    private final ConsoleState state;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final Thread thread;
    private volatile long skipped;

    public TopicFeed(KafkaClientSettings kafka, ConsoleState state) {
        this.state = state;
        Map<String, Object> cfg = new HashMap<>(kafka.common());
        cfg.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        cfg.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        cfg.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        cfg.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        cfg.put(ConsumerConfig.CLIENT_ID_CONFIG, "console-feed");
        KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(cfg);
        Deserializer<SpecificRecord> decoder = AvroSerdes.deserializer(kafka.registry(), false);
        // the topics and their partitions as they are at start-up (the stack or provision creates them all first)
        List<TopicPartition> parts = new ArrayList<>();
        List<String> all = new ArrayList<>(TOPICS);
        all.addAll(DEAD_LETTER_TOPICS);
        try {
            for (String t : all) {
                consumer.partitionsFor(t, Duration.ofSeconds(30)).forEach(p -> parts.add(new TopicPartition(t, p.partition())));
            }
            consumer.assign(parts);
            consumer.seekToBeginning(parts);
        } catch (RuntimeException e) {
            consumer.close();
            throw e;
        }
        thread = new Thread(() -> {
            try (consumer) {
                while (running.get()) {
                    for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                        if (r.value() == null) {
                            continue;
                        }
                        try {
                            accept(r, decoder);
                        } catch (RuntimeException e) {
                            // one record the view cannot take must not stop the page: say which, and go on
                            skipped++;
                            LOG.warn("console skipped {}-{}@{}: {}", r.topic(), r.partition(), r.offset(), e.toString());
                        }
                    }
                }
            } catch (org.apache.kafka.common.errors.InterruptException e) {
                Thread.currentThread().interrupt();
            } catch (RuntimeException e) {
                LOG.error("console feed stopped", e);
            }
        }, "console-feed");
        thread.setDaemon(true);
        thread.start();
    }

    private void accept(ConsumerRecord<byte[], byte[]> r, Deserializer<SpecificRecord> decoder) {
        Instant at = Instant.ofEpochMilli(r.timestamp());
        SpecificRecord v;
        try {
            v = decoder.deserialize(r.topic(), r.headers(), r.value());
        } catch (RuntimeException e) {
            if (r.topic().endsWith(Topics.DLQ_SUFFIX)) {
                state.deadLetter(r.topic(), null, at);
            }
            return; // the services dead-letter such records; the page shows what they accepted
        }
        long bytes = (long) r.serializedValueSize() + Math.max(0, r.serializedKeySize());
        if (v instanceof DeadLetter d) {
            state.deadLetter(r.topic(), d, at);
        } else if (v instanceof RoundSpec rs) {
            state.round(rs, at);
        } else if (v instanceof EdgeSummary es) {
            state.learning(es.getTaskId(), es.getEdgeId(), es.getRoundId(), true, bytes, at);
        } else if (v instanceof EdgeKnowledge ek) {
            state.learning(ek.getTaskId(), ek.getEdgeId(), ek.getRoundId(), false, bytes, at);
        } else if (v instanceof SyntheticSet s) {
            state.set(s, at);
        } else if (v instanceof ModelUpdate m) {
            state.model(m, at);
        } else if (v instanceof EdgeStatus st) {
            state.status(st, at);
        } else if (v instanceof AttackAlert a) {
            state.alert(a);
        }
    }

    /** Records the view could not take (each logged). */
    public long skipped() {
        return skipped;
    }

    public boolean isRunning() {
        return running.get() && thread.isAlive();
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
