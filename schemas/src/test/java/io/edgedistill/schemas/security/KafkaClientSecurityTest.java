package io.edgedistill.schemas.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KafkaClientSecurityTest {

    @Test
    void blankConfigurationIsAPlaintextClient() {
        KafkaClientSecurity s = KafkaClientSecurity.resolve("", "", "", "", "");
        assertThat(s).isEqualTo(KafkaClientSecurity.none());
        assertThat(s.secured()).isFalse();
        assertThat(s.applyTo(new HashMap<String, Object>())).isEmpty();
    }

    @Test
    void usernameAndPasswordGiveAScramClient() {
        KafkaClientSecurity s = KafkaClientSecurity.resolve(null, null, null, "edge-7", "pa\"ss\\word");
        Map<String, Object> cfg = s.applyTo(new HashMap<>());
        assertThat(cfg).containsEntry("security.protocol", "SASL_PLAINTEXT").containsEntry("sasl.mechanism", "SCRAM-SHA-512");
        assertThat((String) cfg.get("sasl.jaas.config")).isEqualTo(
                "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"edge-7\" password=\"pa\\\"ss\\\\word\";");
        assertThat(s.username()).contains("edge-7");
        assertThat(s.toString()).isEqualTo("SASL_PLAINTEXT SCRAM-SHA-512 as edge-7").doesNotContain("word");
        assertThat(s.masked().get("sasl.jaas.config")).contains("password=\"****\"").doesNotContain("ss\\\\word");
    }

    @Test
    void aClientPropertiesFileIsReadAndExplicitKeysWin(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("client.properties");
        Properties p = KafkaClientSecurity.sasl("SASL_SSL", "SCRAM-SHA-512", "distill-processor", "s3cret").toProperties();
        p.put("bootstrap.servers", "broker:9093");
        p.put("ssl.truststore.location", "/etc/kafka/truststore.p12");
        try (var w = Files.newBufferedWriter(file)) {
            p.store(w, null);
        }
        KafkaClientSecurity fromFile = KafkaClientSecurity.resolve(file.toString(), "", "", "", "");
        assertThat(fromFile.settings()).doesNotContainKey("bootstrap.servers")
                .containsEntry("security.protocol", "SASL_SSL").containsEntry("ssl.truststore.location", "/etc/kafka/truststore.p12");
        assertThat(fromFile.username()).contains("distill-processor");

        KafkaClientSecurity overridden = KafkaClientSecurity.resolve(file.toString(), "", "", "other", "x");
        assertThat(overridden.username()).contains("other");
        assertThat(overridden.protocol()).isEqualTo("SASL_SSL");
        assertThat(overridden.settings()).containsKey("ssl.truststore.location");
    }

    @Test
    void aMissingFileOrAnUnknownMechanismIsAClearError(@TempDir Path dir) {
        assertThatThrownBy(() -> KafkaClientSecurity.resolve(dir.resolve("nope.properties").toString(), "", "", "", ""))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("nope.properties");
        assertThatThrownBy(() -> KafkaClientSecurity.resolve("", "", "GSSAPI", "u", "p"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("GSSAPI");
        assertThatThrownBy(() -> KafkaClientSecurity.sasl("SSL", "PLAIN", "u", "p"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void registrySettingsInTheFileAreKeptApartFromKafkaAndNeverShown(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("edge-1.properties");
        Properties p = KafkaClientSecurity.sasl("SASL_SSL", "SCRAM-SHA-512", "edge-1", "kafka-pw").toProperties();
        p.put("apicurio.registry.url", "https://ignored:1/apis/registry/v3");
        p.put("apicurio.registry.auth.username", "edges");
        p.put("apicurio.registry.auth.password", "registry-pw");
        p.put("apicurio.registry.auto-register", "false");
        try (var w = Files.newBufferedWriter(file)) {
            p.store(w, null);
        }
        KafkaClientSecurity s = KafkaClientSecurity.resolve(file.toString(), "", "", "", "");
        assertThat(s.applyTo(new HashMap<String, Object>())).as("a Kafka client gets Kafka keys only")
                .containsOnlyKeys("security.protocol", "sasl.mechanism", "sasl.jaas.config");
        assertThat(s.registrySettings()).as("the URL is a service setting, not a credential").containsOnlyKeys(
                "apicurio.registry.auth.username", "apicurio.registry.auth.password", "apicurio.registry.auto-register");
        assertThat(s.registryUsername()).contains("edges");
        assertThat(s.toString()).isEqualTo("SASL_SSL SCRAM-SHA-512 as edge-1; registry as edges").doesNotContain("pw");
        assertThat(s.masked()).containsEntry("apicurio.registry.auth.password", "****");
        assertThat(s.toProperties()).containsEntry("apicurio.registry.auth.password", "registry-pw");
        assertThat(s).isNotEqualTo(KafkaClientSecurity.sasl("SASL_SSL", "SCRAM-SHA-512", "edge-1", "kafka-pw"));
        assertThat(KafkaClientSecurity.resolve(file.toString(), "", "", "edge-1", "other").registrySettings())
                .as("explicit SASL keys leave the registry's alone").isEqualTo(s.registrySettings());
        assertThatThrownBy(() -> s.withRegistry(Map.of("sasl.mechanism", "PLAIN"))).isInstanceOf(IllegalArgumentException.class);
    }
}
