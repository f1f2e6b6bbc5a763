package io.edgedistill.schemas.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import io.micronaut.context.ApplicationContext;
import org.junit.jupiter.api.Test;

class KafkaClientConfigTest {

    @Test
    void withNothingConfiguredAServiceTalksToTheLocalStackInPlaintext() {
        try (ApplicationContext ctx = ApplicationContext.run()) {
            KafkaClientConfig c = ctx.getBean(KafkaClientConfig.class);

            assertThat(c.bootstrapServers()).isEqualTo("127.0.0.1:9092");
            assertThat(c.registryUrl()).isEqualTo("http://127.0.0.1:8081/apis/registry/v3");
            assertThat(c.security().secured()).isFalse();
        }
    }

    @Test
    void edgedistillKafkaKeysSetAddressesAndAScramUserWhosePasswordNeverPrints() {
        try (ApplicationContext ctx = ApplicationContext.run(Map.of(
                "edgedistill.kafka.bootstrap-servers", "broker:9094",
                "edgedistill.kafka.registry-url", "http://registry:8080/apis/registry/v3",
                "edgedistill.kafka.sasl-username", "distill-processor",
                "edgedistill.kafka.sasl-password", "s3cret"))) {
            KafkaClientConfig c = ctx.getBean(KafkaClientConfig.class);

            assertThat(c.settings().common()).containsEntry("bootstrap.servers", "broker:9094")
                    .containsEntry("security.protocol", "SASL_PLAINTEXT").containsEntry("sasl.mechanism", "SCRAM-SHA-512");
            assertThat(c.security().username()).contains("distill-processor");
            assertThat(c.toString()).contains("broker:9094", "distill-processor").doesNotContain("s3cret");
        }
    }
}
