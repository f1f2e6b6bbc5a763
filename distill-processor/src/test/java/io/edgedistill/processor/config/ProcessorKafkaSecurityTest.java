package io.edgedistill.processor.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;

import io.edgedistill.processor.TestConfig;
import io.edgedistill.processor.topology.ProcessorTopology;
import io.edgedistill.schemas.client.KafkaClientSettings;
import io.edgedistill.schemas.security.KafkaClientSecurity;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The processor's Kafka Streams settings carry the connection and client security of the shared
 * {@code edgedistill.kafka.*} group (plaintext to the local stack by default).
 */
class ProcessorKafkaSecurityTest {
    private final ProcessorConfig.Streams streams = TestConfig.defaults().streams();

    @Test
    void plaintextToTheLocalStackByDefault() {
        Properties p = ProcessorTopology.streamsConfig(streams, TestConfig.kafka(Map.of()));
        assertThat(p).doesNotContainKeys("security.protocol", "sasl.jaas.config")
                .containsEntry("bootstrap.servers", KafkaClientSettings.DEFAULT_BOOTSTRAP_SERVERS)
                .containsEntry("application.id", "distill-processor");
    }

    @Test
    void aClientPropertiesFileSecuresTheStreamsClients(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("distill-processor.properties");
        Properties props = KafkaClientSecurity.scram("distill-processor", "pw").toProperties();
        props.put("bootstrap.servers", "ignored:1");
        try (var w = Files.newBufferedWriter(file)) {
            props.store(w, null);
        }
        KafkaClientSettings client = TestConfig.kafka(Map.of("edgedistill.kafka.client-properties", file.toString(),
                "edgedistill.kafka.bootstrap-servers", "broker:9093"));
        Properties p = ProcessorTopology.streamsConfig(streams, client);
        assertThat(p).containsEntry("security.protocol", "SASL_PLAINTEXT").containsEntry("sasl.mechanism", "SCRAM-SHA-512")
                .containsEntry("bootstrap.servers", "broker:9093");
        assertThat(client.security().username()).contains("distill-processor");
    }

    @Test
    void aUserAndPasswordFromConfiguration() {
        KafkaClientSettings client = TestConfig.kafka(Map.of("edgedistill.kafka.sasl-username", "distill-processor",
                "edgedistill.kafka.sasl-password", "secret", "edgedistill.kafka.security-protocol", "SASL_SSL"));
        Properties p = ProcessorTopology.streamsConfig(streams, client);
        assertThat(p).containsEntry("security.protocol", "SASL_SSL");
        assertThat((String) p.get("sasl.jaas.config")).contains("username=\"distill-processor\"");
    }
}
