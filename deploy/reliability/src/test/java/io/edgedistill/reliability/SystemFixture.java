package io.edgedistill.reliability;

import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Predicate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.edgedistill.deploy.LocalStack;
import io.edgedistill.deploy.ServiceProcess;
import io.edgedistill.schemas.DeadLetter;
import io.edgedistill.schemas.RoundSpec;
import io.edgedistill.schemas.Topics;
import io.edgedistill.schemas.client.KafkaClientSettings;
import io.edgedistill.schemas.serde.AvroSerdes;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * What the fault tests share: the services started as their own JVMs against a stack (the same way the demo
 * starts them), clients with the production reliability settings, and topic readers.
 */
final class SystemFixture {
    static final ObjectMapper JSON = new ObjectMapper();
    /** The repository root (tests run in deploy/reliability). */
    static final Path REPO = Path.of("../..").toAbsolutePath().normalize();

    private SystemFixture() {
    }

    /** Processor settings for one task of a test; {@code extra} overrides. */
    static Map<String, String> processorProps(LocalStack stack, Path dir, String taskId, Map<String, String> extra) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("edgedistill.kafka.bootstrap-servers", stack.bootstrapServers());
        p.put("edgedistill.kafka.registry-url", stack.registryUrl());
        p.put("processor.streams.application-id", "distill-processor-test-" + UUID.randomUUID());
        p.put("processor.streams.state-dir", dir.resolve("processor-state").toString());
        p.put("processor.rounds.task-id", taskId);
        p.put("processor.streams.threads", "1");
        p.put("processor.streams.instance-id", "processor-1");
        p.put("processor.rounds.open-on-start", "true");
        p.put("ai.djl.pytorch.num_threads", "1");
        p.putAll(extra);
        return p;
    }

    static ServiceProcess startProcessor(Map<String, String> props, Path dir) {
        ServiceProcess p = ServiceProcess.start(REPO, "distill-processor", "io.edgedistill.processor.ProcessorApplication",
                props, dir, "768m");
        p.awaitHealthy(Duration.ofSeconds(120));
        return p;
    }

    static ServiceProcess startUpdater(LocalStack stack, Path dir, Map<String, String> extra) {
        return startUpdater(stack, dir, extra, Map.of());
    }

    /** The updater with {@code environment} (its signing keys: never -D options). */
    static ServiceProcess startUpdater(LocalStack stack, Path dir, Map<String, String> extra, Map<String, String> environment) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("edgedistill.kafka.bootstrap-servers", stack.bootstrapServers());
        p.put("edgedistill.kafka.registry-url", stack.registryUrl());
        p.put("updater.kafka.group-id", "model-updater-test-" + UUID.randomUUID());
        p.put("ai.djl.pytorch.num_threads", "1");
        p.putAll(extra);
        ServiceProcess u = ServiceProcess.start(REPO, "model-updater", "io.edgedistill.updater.ModelUpdaterApplication", p,
                environment, dir, "768m");
        u.awaitHealthy(Duration.ofSeconds(120));
        return u;
    }

    /**
     * Copies the services' logs (closed or killed) out of the test's temporary directory, to
     * {@code target/<dir>/<n>-<log file name>}, so that a failed run can be read afterwards.
     */
    static void keepLogs(List<ServiceProcess> services, String dir) {
        try {
            Path logs = java.nio.file.Files.createDirectories(Path.of("target", dir));
            for (int i = 0; i < services.size(); i++) {
                Path log = services.get(i).logFile();
                java.nio.file.Files.copy(log, logs.resolve(i + "-" + log.getFileName()),
                        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (java.io.IOException e) {
            System.err.println("could not keep the services' logs: " + e);
        }
    }

    static JsonNode getJson(ServiceProcess s, String path) {
        try {
            return JSON.readTree(s.get(path));
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** An idempotent, acks=all producer of registry-encoded values, as the edges use. */
    static KafkaProducer<String, SpecificRecord> avroProducer(LocalStack stack) {
        Map<String, Object> cfg = reliable(stack);
        cfg.putAll(AvroSerdes.producerValueConfig(stack.registryUrl()));
        cfg.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        return new KafkaProducer<>(cfg);
    }

    /** An idempotent, acks=all producer of raw bytes (hostile input). */
    static KafkaProducer<byte[], byte[]> rawProducer(LocalStack stack) {
        Map<String, Object> cfg = reliable(stack);
        cfg.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        cfg.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        cfg.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 8 << 20);
        return new KafkaProducer<>(cfg);
    }

    private static Map<String, Object> reliable(LocalStack stack) {
        Map<String, Object> cfg = KafkaClientSettings.of(stack.bootstrapServers(), stack.registryUrl())
                .reliableProducer("system-test");
        cfg.put(ProducerConfig.LINGER_MS_CONFIG, 2);
        return cfg;
    }

    /** Every record of a topic from the beginning to its end now (committed records only), raw. */
    static List<ConsumerRecord<byte[], byte[]>> readAll(LocalStack stack, String topic) {
        Map<String, Object> cfg = new HashMap<>();
        cfg.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers());
        cfg.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        cfg.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        cfg.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 16 << 20);
        List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(cfg, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> parts = c.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            c.assign(parts);
            c.seekToBeginning(parts);
            Map<TopicPartition, Long> end = c.endOffsets(parts, Duration.ofSeconds(30));
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200))) {
                    out.add(r);
                }
                return parts.stream().allMatch(tp -> c.position(tp) >= end.get(tp));
            });
        }
        return out;
    }

    /** Decoded values of a topic (undecodable ones skipped), in partition/offset order. */
    @SuppressWarnings("unchecked")
    static <T> List<T> readValues(LocalStack stack, String topic, Predicate<T> keep) {
        List<T> out = new ArrayList<>();
        try (Deserializer<SpecificRecord> d = AvroSerdes.deserializer(stack.registryUrl(), false)) {
            for (ConsumerRecord<byte[], byte[]> r : readAll(stack, topic)) {
                if (r.value() == null) {
                    continue;
                }
                T v;
                try {
                    v = (T) d.deserialize(topic, r.headers(), r.value());
                } catch (RuntimeException e) {
                    continue; // a hostile record: the services dead-letter it, readers here skip it
                }
                if (v != null && keep.test(v)) {
                    out.add(v);
                }
            }
        }
        return out;
    }

    /** Dead letters written by services whose id starts with {@code servicePrefix}. */
    static List<DeadLetter> deadLetters(LocalStack stack, String sourceTopic, String servicePrefix) {
        return SystemFixture.<DeadLetter>readValues(stack, Topics.deadLetterTopic(sourceTopic),
                l -> l.getSourceTopic().equals(sourceTopic) && l.getService().startsWith(servicePrefix));
    }

    /** The current round of a task, once the processor has published it. */
    static RoundSpec awaitRound(LocalStack stack, String taskId, long roundId) {
        RoundSpec[] found = new RoundSpec[1];
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(300)).until(() -> {
            Optional<RoundSpec> r = SystemFixture.<RoundSpec>readValues(stack, Topics.ROUNDS,
                    s -> s.getTaskId().equals(taskId) && s.getRoundId() == roundId).stream().findFirst();
            r.ifPresent(x -> found[0] = x);
            return r.isPresent();
        });
        return found[0];
    }

    static String key(ConsumerRecord<byte[], byte[]> r) {
        return r.key() == null ? "" : new String(r.key(), StandardCharsets.UTF_8);
    }
}
