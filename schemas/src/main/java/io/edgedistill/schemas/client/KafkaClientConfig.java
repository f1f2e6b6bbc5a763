package io.edgedistill.schemas.client;

import io.edgedistill.schemas.security.KafkaClientSecurity;
import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.bind.annotation.Bindable;

/**
 * The Kafka-client group every EdgeDistill service reads, declared once: {@code edgedistill.kafka.*} in a service's
 * {@code application.yml}, a system property ({@code -Dedgedistill.kafka.bootstrap-servers=...}) or an environment
 * variable ({@code EDGEDISTILL_KAFKA_BOOTSTRAP_SERVERS}). Every client a service builds (producers, consumers, Kafka
 * Streams, the dead-letter sink) takes its connection and security from {@link #settings()}.
 *
 * @param bootstrapServers Kafka bootstrap servers
 * @param registryUrl      Apicurio Registry, native v3 API
 * @param clientProperties a Kafka client properties file (security.protocol, sasl.*, ssl.*), e.g. a principal's file
 *                         written by the secured local stack or by {@code provision}; blank = none
 * @param securityProtocol SASL_PLAINTEXT, SASL_SSL or SSL; blank = from the file, or SASL_PLAINTEXT with a user
 * @param saslMechanism    blank = from the file, or SCRAM-SHA-512
 * @param saslUsername     SCRAM user (the service's principal); blank = from the file, or unauthenticated
 * @param saslPassword     its password (a secret: environment or secret store)
 */
@ConfigurationProperties("edgedistill.kafka")
public record KafkaClientConfig(
        @Bindable(defaultValue = KafkaClientSettings.DEFAULT_BOOTSTRAP_SERVERS) String bootstrapServers,
        @Bindable(defaultValue = KafkaClientSettings.DEFAULT_REGISTRY_URL) String registryUrl,
        @Bindable(defaultValue = "") String clientProperties,
        @Bindable(defaultValue = "") String securityProtocol,
        @Bindable(defaultValue = "") String saslMechanism,
        @Bindable(defaultValue = "") String saslUsername,
        @Bindable(defaultValue = "") String saslPassword) {

    /** A plaintext client of the given broker and registry (tests, the demo). */
    public static KafkaClientConfig of(String bootstrapServers, String registryUrl) {
        return new KafkaClientConfig(bootstrapServers, registryUrl, "", "", "", "", "");
    }

    /** The same addresses with a SCRAM user. */
    public KafkaClientConfig withScram(String username, String password) {
        return new KafkaClientConfig(bootstrapServers, registryUrl, clientProperties, securityProtocol, saslMechanism,
                username, password);
    }

    /** The same addresses with a client properties file. */
    public KafkaClientConfig withClientProperties(String file) {
        return new KafkaClientConfig(bootstrapServers, registryUrl, file, securityProtocol, saslMechanism, saslUsername,
                saslPassword);
    }

    /** The resolved client security ({@link KafkaClientSecurity#resolve}). */
    public KafkaClientSecurity security() {
        return KafkaClientSecurity.resolve(clientProperties, securityProtocol, saslMechanism, saslUsername, saslPassword);
    }

    /** Addresses and resolved security, from which clients are configured. */
    public KafkaClientSettings settings() {
        return new KafkaClientSettings(bootstrapServers, registryUrl, security());
    }

    /** Never shows the password. */
    @Override
    public String toString() {
        return settings().toString();
    }
}
