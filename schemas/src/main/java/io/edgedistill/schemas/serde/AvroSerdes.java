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
    static final String DEREFERENCE = "apicurio.registry.dereference-schema";

    /**
     * Apicurio's schema resolver logs, at INFO through java.util.logging, every schema it looks up by content, whole;
     * kept to warnings (its logger is named by the class's simple name; it is held here: java.util.logging keeps only
     * weak references to configured loggers).
     */
    private static final java.util.logging.Logger RESOLVER_LOG = java.util.logging.Logger.getLogger(
            io.apicurio.registry.resolver.DefaultSchemaResolver.class.getSimpleName());

    static {
        RESOLVER_LOG.setLevel(java.util.logging.Level.WARNING);
    }

    private AvroSerdes() {
    }

    /**
     * Settings shared by serializers and deserializers: the wire format above, registration of what is written
     * (unless the access is read-only), and the access's credentials and TLS trust.
     */
    public static Map<String, Object> registryConfig(RegistryAccess registry) {
        Map<String, Object> cfg = new HashMap<>();
        cfg.put(REGISTRY_URL, registry.url());
        cfg.put(HEADERS_ENABLED, false);
        cfg.put(ID_HANDLER, Default4ByteIdHandler.class.getName());
        cfg.put(USE_ID, "contentId");
        cfg.put(AUTO_REGISTER, true);
        cfg.put(AUTO_REGISTER_IF_EXISTS, "FIND_OR_CREATE_VERSION");
        cfg.put(SPECIFIC_READER, true);
        // one self-contained schema per subject (nested types inline, no reference artifacts): what Confluent clients
        // register too, and what a read-only client finds by its content
        cfg.put(DEREFERENCE, true);
        cfg.putAll(registry.settings());
        return cfg;
    }

    /** {@link #registryConfig(RegistryAccess)} of an open registry. */
    public static Map<String, Object> registryConfig(String registryUrl) {
        return registryConfig(RegistryAccess.open(registryUrl));
    }

    /** Producer properties that make the value serializer the registry-backed Avro one. */
    public static Map<String, Object> producerValueConfig(RegistryAccess registry) {
        Map<String, Object> cfg = registryConfig(registry);
        cfg.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, AvroKafkaSerializer.class.getName());
        return cfg;
    }

    /** Consumer properties that make the value deserializer the registry-backed Avro one. */
    public static Map<String, Object> consumerValueConfig(RegistryAccess registry) {
        Map<String, Object> cfg = registryConfig(registry);
        cfg.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, AvroKafkaDeserializer.class.getName());
        return cfg;
    }

    public static <T extends SpecificRecord> Serializer<T> serializer(RegistryAccess registry, boolean isKey) {
        AvroKafkaSerializer<T> s = new AvroKafkaSerializer<>();
        s.configure(registryConfig(registry), isKey);
        return s;
    }

    public static <T extends SpecificRecord> Deserializer<T> deserializer(RegistryAccess registry, boolean isKey) {
        AvroKafkaDeserializer<T> d = new AvroKafkaDeserializer<>();
        d.configure(registryConfig(registry), isKey);
        return d;
    }

    /** A Kafka Streams serde for a generated record type. */
    public static <T extends SpecificRecord> Serde<T> serde(RegistryAccess registry, boolean isKey) {
        return Serdes.serdeFrom(serializer(registry, isKey), deserializer(registry, isKey));
    }

    /** {@link #producerValueConfig(RegistryAccess)} of an open registry (the unsecured local stack, tests). */
    public static Map<String, Object> producerValueConfig(String registryUrl) {
        return producerValueConfig(RegistryAccess.open(registryUrl));
    }

    /** {@link #consumerValueConfig(RegistryAccess)} of an open registry (the unsecured local stack, tests). */
    public static Map<String, Object> consumerValueConfig(String registryUrl) {
        return consumerValueConfig(RegistryAccess.open(registryUrl));
    }

    /** A serializer of an open registry (the unsecured local stack, tests). */
    public static <T extends SpecificRecord> Serializer<T> serializer(String registryUrl, boolean isKey) {
        return serializer(RegistryAccess.open(registryUrl), isKey);
    }

    /** A deserializer of an open registry (the unsecured local stack, tests). */
    public static <T extends SpecificRecord> Deserializer<T> deserializer(String registryUrl, boolean isKey) {
        return deserializer(RegistryAccess.open(registryUrl), isKey);
    }
}
