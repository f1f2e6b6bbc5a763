package io.edgedistill.deploy;

import java.util.HashMap;
import java.util.Map;

import io.edgedistill.schemas.client.KafkaClientSettings;
import io.edgedistill.schemas.serde.AvroSerdes;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The clients real-broker tests use to talk to a {@link LocalStack} (plaintext): String keys and registry-encoded
 * Avro values, so every test reads and writes the topics the way the services do.
 */
public final class StackClients {
    private StackClients() {
    }

    /** The stack's broker and registry, in plaintext: the base of the test's own clients. */
    public static KafkaClientSettings client(LocalStack stack) {
        return KafkaClientSettings.of(stack.bootstrapServers(), stack.registryUrl());
    }

    /**
     * A producer of String keys and Avro values; {@code settings} go on top (each test states the producer settings
     * its records need, e.g. {@code acks} or {@code max.request.size}).
     */
    public static KafkaProducer<String, SpecificRecord> avroProducer(LocalStack stack, Map<String, Object> settings) {
        Map<String, Object> cfg = new HashMap<>(AvroSerdes.producerValueConfig(stack.registryUrl()));
        cfg.putAll(client(stack).common());
        cfg.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        cfg.putAll(settings);
        return new KafkaProducer<>(cfg);
    }

    /** A consumer of String keys and Avro values in its own group, reading each partition from the start. */
    public static <V> KafkaConsumer<String, V> avroConsumer(LocalStack stack, String groupId) {
        Map<String, Object> cfg = new HashMap<>(AvroSerdes.consumerValueConfig(stack.registryUrl()));
        cfg.putAll(client(stack).common());
        cfg.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        cfg.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
        cfg.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        return new KafkaConsumer<>(cfg);
    }
}
