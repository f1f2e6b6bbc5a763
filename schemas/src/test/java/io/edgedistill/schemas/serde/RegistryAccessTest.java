package io.edgedistill.schemas.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;

import io.edgedistill.schemas.ContractSamples;
import io.edgedistill.schemas.DeadLetter;
import io.edgedistill.schemas.Topics;
import io.edgedistill.schemas.client.KafkaClientSettings;
import io.edgedistill.schemas.security.KafkaClientSecurity;
import org.junit.jupiter.api.Test;

class RegistryAccessTest {

    private static final Map<String, String> READER = Map.of("apicurio.registry.auth.username", "distill-processor",
            "apicurio.registry.auth.password", "s3cret", "apicurio.registry.auto-register", "false",
            "apicurio.registry.tls.truststore.location", "/stack/ca.crt", "apicurio.registry.tls.truststore.type", "PEM");

    @Test
    void anOpenRegistryRegistersWhatItWrites() {
        RegistryAccess open = RegistryAccess.open("http://127.0.0.1:8081/apis/registry/v3");
        assertThat(open.autoRegister()).isTrue();
        assertThat(AvroSerdes.registryConfig(open)).containsEntry("apicurio.registry.auto-register", true)
                .doesNotContainKey("apicurio.registry.auth.username");
        assertThatThrownBy(() -> RegistryAccess.open(" ")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aClientsRegistryKeysReachItsSerdesAndNoLog() {
        KafkaClientSettings client = new KafkaClientSettings("broker:9093", "https://registry:8443/apis/registry/v3",
                KafkaClientSecurity.sasl("SASL_SSL", "SCRAM-SHA-512", "distill-processor", "kafka-pw").withRegistry(READER));
        RegistryAccess access = client.registry();
        assertThat(access.autoRegister()).isFalse();
        assertThat(AvroSerdes.registryConfig(access)).containsAllEntriesOf(READER)
                .containsEntry("apicurio.registry.url", "https://registry:8443/apis/registry/v3");
        assertThat(client.reliableAvroProducer("p")).containsAllEntriesOf(READER).doesNotContainKey("bootstrap");
        assertThat(access.toString()).isEqualTo("https://registry:8443/apis/registry/v3 as distill-processor (read-only)");
        assertThat(client.toString()).doesNotContain("s3cret").doesNotContain("kafka-pw");
    }

    @Test
    void theCatalogHoldsEveryContractTopicAndItsDeadLetters() {
        Map<String, org.apache.avro.specific.SpecificRecord> samples = SchemaCatalog.samples();
        assertThat(samples).hasSize(2 * ContractSamples.all(0).size());
        ContractSamples.all(0).forEach((topic, record) -> {
            assertThat(samples.get(topic).getSchema()).isEqualTo(record.getSchema());
            assertThat(samples.get(Topics.deadLetterTopic(topic))).isInstanceOf(DeadLetter.class);
        });
    }
}
