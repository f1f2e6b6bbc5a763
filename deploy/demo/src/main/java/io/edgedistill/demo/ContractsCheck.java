package io.edgedistill.demo;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import io.edgedistill.schemas.ContractSamples;
import io.edgedistill.schemas.client.KafkaClientSettings;
import io.edgedistill.schemas.DeadLetter;
import io.edgedistill.schemas.Topics;
import io.edgedistill.schemas.dlq.KafkaDeadLetterSink;
import io.edgedistill.schemas.dlq.RecordValidator;
import io.edgedistill.schemas.dlq.SafeDecoder;
import io.edgedistill.schemas.security.KafkaClientSecurity;
import io.edgedistill.schemas.serde.AvroSerdes;
import io.edgedistill.schemas.serde.RegistryAccess;
import io.edgedistill.schemas.serde.WireFormat;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Produces one record of every contract to its topic through the registry, reads each back, and sends
 * one malformed record through the dead-letter path. Returns what happened, for the demo's report.
 */
public final class ContractsCheck {

    /** One contract's outcome. */
    public record Outcome(String topic, String schema, int schemaId, int bytes, int partition, long offset, boolean roundTrip,
                          long ackMillis) {
    }

    /** The dead-letter outcome. */
    public record DeadLetterOutcome(String topic, String reason, int originalBytes) {
    }

    private final String bootstrap;
    private final String registryUrl;
    private final KafkaClientSecurity security;
    private final RegistryAccess registry;

    public ContractsCheck(String bootstrap, String registryUrl) {
        this(bootstrap, registryUrl, KafkaClientSecurity.none());
    }

    /** A check whose clients connect as {@code security}'s principal (one that may write every topic: the admin). */
    public ContractsCheck(String bootstrap, String registryUrl, KafkaClientSecurity security) {
        this.bootstrap = bootstrap;
        this.registryUrl = registryUrl;
        this.security = security;
        this.registry = new KafkaClientSettings(bootstrap, registryUrl, security).registry();
    }

    public List<Outcome> roundTripEveryContract(long seed) {
        Map<String, SpecificRecord> samples = ContractSamples.all(seed);
        Map<String, Object> pcfg = new KafkaClientSettings(bootstrap, registryUrl, security).reliableAvroProducer("contracts-check");
        pcfg.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        List<Outcome> outcomes = new ArrayList<>();
        try (KafkaProducer<String, SpecificRecord> producer = new KafkaProducer<>(pcfg);
             KafkaConsumer<byte[], byte[]> consumer = rawConsumer()) {
            Map<String, RecordMetadata> written = new LinkedHashMap<>();
            Map<String, Long> ackMillis = new HashMap<>();
            for (Map.Entry<String, SpecificRecord> e : samples.entrySet()) {
                long t0 = System.nanoTime();
                written.put(e.getKey(), producer.send(new ProducerRecord<>(e.getKey(), "demo-" + seed, e.getValue())).get());
                ackMillis.put(e.getKey(), (System.nanoTime() - t0) / 1_000_000);
            }
            var decoder = AvroSerdes.<SpecificRecord>deserializer(registry, false);
            for (Map.Entry<String, RecordMetadata> e : written.entrySet()) {
                RecordMetadata md = e.getValue();
                ConsumerRecord<byte[], byte[]> raw = readAt(consumer, md.topic(), md.partition(), md.offset());
                SpecificRecord back = decoder.deserialize(md.topic(), raw.headers(), raw.value());
                SpecificRecord sent = samples.get(e.getKey());
                outcomes.add(new Outcome(md.topic(), sent.getSchema().getName(), WireFormat.schemaId(raw.value()).orElse(-1),
                        raw.value().length, md.partition(), md.offset(), sent.equals(back),
                        ackMillis.get(e.getKey())));
            }
            decoder.close();
        } catch (Exception e) {
            throw new IllegalStateException("contract round trip failed: " + e.getMessage(), e);
        }
        return outcomes;
    }

    /** Writes garbage to edge.summaries, decodes it through SafeDecoder, and reads the dead letter back. */
    public DeadLetterOutcome malformedRecordToDeadLetter() {
        byte[] garbage = ("not avro " + UUID.randomUUID()).getBytes(java.nio.charset.StandardCharsets.UTF_8);
        Map<String, Object> pcfg = new HashMap<>();
        pcfg.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        security.applyTo(pcfg);
        pcfg.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        pcfg.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(pcfg);
             KafkaConsumer<byte[], byte[]> consumer = rawConsumer();
             KafkaDeadLetterSink sink = new KafkaDeadLetterSink(bootstrap, registryUrl, security, Map.of())) {
            RecordMetadata md = producer.send(new ProducerRecord<>(Topics.SUMMARIES, "edge-bad".getBytes(), garbage)).get();
            ConsumerRecord<byte[], byte[]> raw = readAt(consumer, md.topic(), md.partition(), md.offset());
            SafeDecoder<SpecificRecord> safe = new SafeDecoder<>(AvroSerdes.deserializer(registry, false),
                    RecordValidator.none(), sink, "demo", 1 << 20);
            Optional<SpecificRecord> decoded = safe.decode(raw);
            if (decoded.isPresent()) {
                throw new IllegalStateException("garbage decoded?");
            }
            var dlqDecoder = AvroSerdes.<DeadLetter>deserializer(registry, false);
            String dlq = Topics.deadLetterTopic(Topics.SUMMARIES);
            consumer.assign(consumer.partitionsFor(dlq).stream().map(p -> new TopicPartition(dlq, p.partition())).toList());
            consumer.seekToBeginning(consumer.assignment());
            long deadline = System.currentTimeMillis() + 30_000;
            while (System.currentTimeMillis() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    DeadLetter letter = dlqDecoder.deserialize(dlq, r.headers(), r.value());
                    if (letter.getSourceTopic().equals(md.topic()) && letter.getSourceOffset() == md.offset()
                            && letter.getSourcePartition() == md.partition()) {
                        return new DeadLetterOutcome(dlq, letter.getErrorClass() + ": " + letter.getErrorMessage(),
                                letter.getOriginalValueSize());
                    }
                }
            }
            throw new IllegalStateException("the dead letter did not arrive in " + dlq);
        } catch (Exception e) {
            throw new IllegalStateException("dead-letter check failed: " + e.getMessage(), e);
        }
    }

    private KafkaConsumer<byte[], byte[]> rawConsumer() {
        Map<String, Object> ccfg = new HashMap<>();
        ccfg.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        security.applyTo(ccfg);
        ccfg.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        ccfg.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        ccfg.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        ccfg.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        return new KafkaConsumer<>(ccfg);
    }

    private static ConsumerRecord<byte[], byte[]> readAt(KafkaConsumer<byte[], byte[]> consumer, String topic, int partition,
                                                        long offset) {
        TopicPartition tp = new TopicPartition(topic, partition);
        consumer.assign(List.of(tp));
        consumer.seek(tp, offset);
        long deadline = System.currentTimeMillis() + 30_000;
        while (System.currentTimeMillis() < deadline) {
            for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                if (r.offset() == offset) {
                    return r;
                }
            }
        }
        throw new IllegalStateException("record " + topic + "-" + partition + "@" + offset + " not readable within 30 s");
    }
}
