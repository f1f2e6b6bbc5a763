package io.edgedistill.schemas.serde;

import java.util.HashMap;
import java.util.Map;

import io.apicurio.registry.serde.Default4ByteIdHandler;
import io.apicurio.registry.serde.avro.AvroKafkaDeserializer;
import io.apicurio.registry.serde.avro.AvroKafkaSerializer;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;

/**
 * The one place that configures registry-backed Avro serialisation for every EdgeDistill service.
 *
 * <p>Records are written in the Confluent wire format: magic byte {@code 0}, the 4-byte big-endian schema
 * id (the registry's content id, which is also the id its Confluent-compatible API returns), then the Avro
 * binary body; no Kafka headers are needed. Schemas are registered under the subject
 * {@code <topic>-value} (or {@code -key}), Confluent's TopicNameStrategy, so Confluent clients in any
 * language can produce and consume these topics through {@code /apis/ccompat/v7}.
 */
public final class AvroSerdes {

    /** Registry settings keys (Apicurio serde 3.x). */
    static final String REGISTRY_URL = "apicurio.registry.url";
    static final String AUTO_REGISTER = "apicurio.registry.auto-register";
    static final String AUTO_REGISTER_IF_EXISTS = "apicurio.registry.auto-register.if-exists";
    static final String FIND_LATEST = "apicurio.registry.find-latest";
    static final String USE_ID = "apicurio.registry.use-id";
    static final String ID_HANDLER = "apicurio.registry.id-handler";
    static final String HEADERS_ENABLED = "apicurio.registry.headers.enabled";
    static final String SPECIFIC_READER = "apicurio.registry.use-specific-avro-reader";

    private AvroSerdes() {
    }

    /**
     * Settings shared by serializers and deserializers.
     *
     * @param registryUrl the registry's native v3 API, e.g. {@code http://127.0.0.1:8081/apis/registry/v3}
     */
    public static Map<String, Object> registryConfig(String registryUrl) {
        Map<String, Object> cfg = new HashMap<>();
        cfg.put(REGISTRY_URL, registryUrl);
        cfg.put(HEADERS_ENABLED, false);
        cfg.put(ID_HANDLER, Default4ByteIdHandler.class.getName());
        cfg.put(USE_ID, "contentId");
        cfg.put(AUTO_REGISTER, true);
        cfg.put(AUTO_REGISTER_IF_EXISTS, "FIND_OR_CREATE_VERSION");
        cfg.put(SPECIFIC_READER, true);
        return cfg;
    }

    /** Producer properties that make the value serializer the registry-backed Avro one. */
    public static Map<String, Object> producerValueConfig(String registryUrl) {
        Map<String, Object> cfg = registryConfig(registryUrl);
        cfg.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, AvroKafkaSerializer.class.getName());
        return cfg;
    }

    /** Consumer properties that make the value deserializer the registry-backed Avro one. */
    public static Map<String, Object> consumerValueConfig(String registryUrl) {
        Map<String, Object> cfg = registryConfig(registryUrl);
        cfg.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, AvroKafkaDeserializer.class.getName());
        return cfg;
    }

    public static <T extends SpecificRecord> Serializer<T> serializer(String registryUrl, boolean isKey) {
        AvroKafkaSerializer<T> s = new AvroKafkaSerializer<>();
        s.configure(registryConfig(registryUrl), isKey);
        return s;
    }

    public static <T extends SpecificRecord> Deserializer<T> deserializer(String registryUrl, boolean isKey) {
        AvroKafkaDeserializer<T> d = new AvroKafkaDeserializer<>();
        d.configure(registryConfig(registryUrl), isKey);
        return d;
    }

    /** A Kafka Streams serde for a generated record type. */
    public static <T extends SpecificRecord> Serde<T> serde(String registryUrl, boolean isKey) {
        return Serdes.serdeFrom(serializer(registryUrl, isKey), deserializer(registryUrl, isKey));
    }
}
