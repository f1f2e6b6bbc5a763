package io.edgedistill.schemas.client;

import java.util.HashMap;
import java.util.Map;

import io.edgedistill.schemas.security.KafkaClientSecurity;
import io.edgedistill.schemas.serde.AvroSerdes;
import io.edgedistill.schemas.serde.RegistryAccess;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.producer.ProducerConfig;

/**
 * Where a service's Kafka clients connect and as whom: bootstrap servers, the schema registry and the client
 * security. Every service (processor, updater, edge), the dead-letter sink and the demo build their clients' base
 * configuration here, so that the connection settings and the reliable-producer settings are written once.
 *
 * @param bootstrapServers Kafka bootstrap servers
 * @param registryUrl      Apicurio Registry v3 API URL
 * @param security         the client's security keys (plaintext when {@link KafkaClientSecurity#none()})
 */
public record KafkaClientSettings(String bootstrapServers, String registryUrl, KafkaClientSecurity security) {
    /** The broker of `./edgedistill stack`. */
    public static final String DEFAULT_BOOTSTRAP_SERVERS = "127.0.0.1:9092";
    /** The registry of `./edgedistill stack`. */
    public static final String DEFAULT_REGISTRY_URL = "http://127.0.0.1:8081/apis/registry/v3";

    public KafkaClientSettings {
        if (bootstrapServers == null || bootstrapServers.isBlank()) {
            throw new IllegalArgumentException("Kafka bootstrap servers are not configured");
        }
        security = security == null ? KafkaClientSecurity.none() : security;
    }

    /** A plaintext client of the given broker and registry. */
    public static KafkaClientSettings of(String bootstrapServers, String registryUrl) {
        return new KafkaClientSettings(bootstrapServers, registryUrl, KafkaClientSecurity.none());
    }

    /** A plaintext client of the local stack on its default ports. */
    public static KafkaClientSettings localStack() {
        return of(DEFAULT_BOOTSTRAP_SERVERS, DEFAULT_REGISTRY_URL);
    }

    /** Bootstrap servers and security: the base of every client (producer, consumer, admin, Streams). */
    public Map<String, Object> common() {
        Map<String, Object> cfg = new HashMap<>();
        cfg.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        security.applyTo(cfg);
        return cfg;
    }

    /**
     * A producer that loses and duplicates nothing the broker acknowledged: {@code acks=all}, idempotence on, with
     * room for the largest records of the topic plan (synthetic sets, models).
     */
    public Map<String, Object> reliableProducer(String clientId) {
        Map<String, Object> cfg = common();
        cfg.put(ProducerConfig.ACKS_CONFIG, "all");
        cfg.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        cfg.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 8 << 20);
        cfg.put(ProducerConfig.CLIENT_ID_CONFIG, clientId);
        return cfg;
    }

    /** The registry as this client reaches it: its URL and the registry keys of the client's security. */
    public RegistryAccess registry() {
        return new RegistryAccess(registryUrl, security.registrySettings());
    }

    /** {@link #reliableProducer} writing registry-encoded Avro values (Confluent wire format). */
    public Map<String, Object> reliableAvroProducer(String clientId) {
        Map<String, Object> cfg = new HashMap<>(AvroSerdes.producerValueConfig(registry()));
        cfg.putAll(reliableProducer(clientId));
        return cfg;
    }

    /** These settings with other client security. */
    public KafkaClientSettings withSecurity(KafkaClientSecurity other) {
        return new KafkaClientSettings(bootstrapServers, registryUrl, other);
    }

    /** Addresses and protocol; never a secret. */
    @Override
    public String toString() {
        return bootstrapServers + " (" + security + "), registry " + registry();
    }
}
