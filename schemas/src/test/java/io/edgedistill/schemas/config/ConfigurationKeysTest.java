package io.edgedistill.schemas.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.edgedistill.schemas.client.KafkaClientConfig;
import io.edgedistill.schemas.config.ConfigurationKeys.Key;
import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.bind.annotation.Bindable;
import org.junit.jupiter.api.Test;

class ConfigurationKeysTest {

    @ConfigurationProperties("svc")
    record Service(@Bindable(defaultValue = "5") int streamThreads, Scoring scoring) {
        @ConfigurationProperties("scoring")
        record Scoring(@Bindable(defaultValue = "0.8") double alertThreshold, java.util.List<String> trustedKeys) {
        }
    }

    @Test
    void nestedGroupsBecomeDottedKeysWithKebabCaseNamesAndTheirDeclaredDefaults() {
        assertThat(ConfigurationKeys.of(Service.class)).containsExactly(
                new Key("svc.stream-threads", "int", "5"),
                new Key("svc.scoring.alert-threshold", "double", "0.8"),
                new Key("svc.scoring.trusted-keys", "List<String>", ""));
    }

    @Test
    void theSharedKafkaGroupListsItsSevenKeysWithTheLocalStackAsDefault() {
        assertThat(ConfigurationKeys.of(KafkaClientConfig.class)).hasSize(7)
                .contains(new Key("edgedistill.kafka.bootstrap-servers", "String", "127.0.0.1:9092"));
        assertThat(ConfigurationKeys.help("processor", ConfigurationKeys.of(KafkaClientConfig.class)))
                .contains("edgedistill.kafka.registry-url", "http://127.0.0.1:8081/apis/registry/v3");
    }
}
