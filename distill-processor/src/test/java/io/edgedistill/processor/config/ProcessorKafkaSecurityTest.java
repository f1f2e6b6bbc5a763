package io.edgedistill.processor.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

import io.edgedistill.processor.topology.ProcessorTopology;
import io.edgedistill.schemas.security.KafkaClientSecurity;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The processor's Kafka Streams settings carry the configured client security (plaintext by default). */
class ProcessorKafkaSecurityTest {

    @Test
    void plaintextByDefault() {
        Properties p = ProcessorTopology.streamsConfig(new ProcessorConfig());
        assertThat(p).doesNotContainKeys("security.protocol", "sasl.jaas.config");
    }

    @Test
    void aClientPropertiesFileSecuresTheStreamsClients(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("distill-processor.properties");
        Properties props = KafkaClientSecurity.scram("distill-processor", "pw").toProperties();
        props.put("bootstrap.servers", "ignored:1");
        try (var w = Files.newBufferedWriter(file)) {
            props.store(w, null);
        }
        ProcessorConfig cfg = new ProcessorConfig();
        cfg.setClientProperties(file.toString());
        Properties p = ProcessorTopology.streamsConfig(cfg);
        assertThat(p).containsEntry("security.protocol", "SASL_PLAINTEXT").containsEntry("sasl.mechanism", "SCRAM-SHA-512")
                .containsEntry("bootstrap.servers", "127.0.0.1:9092");
        assertThat(cfg.kafkaSecurity().username()).contains("distill-processor");
    }

    @Test
    void aUserAndPasswordFromConfiguration() {
        ProcessorConfig cfg = new ProcessorConfig();
        cfg.setSaslUsername("distill-processor");
        cfg.setSaslPassword("secret");
        cfg.setSecurityProtocol("SASL_SSL");
        Properties p = ProcessorTopology.streamsConfig(cfg);
        assertThat(p).containsEntry("security.protocol", "SASL_SSL");
        assertThat((String) p.get("sasl.jaas.config")).contains("username=\"distill-processor\"");
    }
}
