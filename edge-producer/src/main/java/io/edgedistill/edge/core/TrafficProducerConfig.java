package io.edgedistill.edge.core;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import io.edgedistill.schemas.TrafficFlow;
import io.edgedistill.schemas.client.KafkaClientSettings;
import io.edgedistill.schemas.serde.AvroSerdes;
import io.edgedistill.schemas.serde.RegistryAccess;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * How the {@link TrafficStreamer}'s producer and value serializer are built: the settings that make traffic
 * survive a broker restart without loss or duplicates live here, apart from the streaming loop itself.
 */
public final class TrafficProducerConfig {
    private TrafficProducerConfig() {
    }

    /**
     * Producer configuration used for traffic (also what the throughput harness compares against): the shared
     * {@link KafkaClientSettings#reliableProducer reliable producer} (connection, security, {@code acks=all},
     * idempotence) with the traffic settings of {@link #trafficTuning} on top. Values are serialised by the source
     * thread with the registry serializer ({@link #serializer}) and handed to the producer as bytes, so
     * serialisation and sending run on two threads.
     */
    public static Map<String, Object> producerConfig(KafkaClientSettings kafka, TrafficStreamer.Settings s,
                                                     String clientId) {
        Map<String, Object> cfg = kafka.reliableProducer(clientId);
        cfg.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        cfg.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        cfg.putAll(trafficTuning(s));
        return cfg;
    }

    /** The traffic producer's own settings on top of the reliable producer: ordering, long delivery timeout, batching. */
    public static Map<String, Object> trafficTuning(TrafficStreamer.Settings s) {
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
    public static KafkaProducer<String, byte[]> createProducer(KafkaClientSettings kafka, TrafficStreamer.Settings s,
                                                               String clientId) {
        return new KafkaProducer<>(producerConfig(kafka, s, clientId));
    }

    /** The registry-backed Avro serializer of traffic values (Confluent wire format, {@link AvroSerdes}). */
    public static Serializer<TrafficFlow> serializer(RegistryAccess registry) {
        return AvroSerdes.serializer(registry, false);
    }
}
