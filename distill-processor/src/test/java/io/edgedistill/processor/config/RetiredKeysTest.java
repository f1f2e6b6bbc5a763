package io.edgedistill.processor.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;

import io.edgedistill.processor.ProcessorApplication;
import io.edgedistill.processor.TestConfig;
import io.edgedistill.schemas.config.ConfigurationKeys;
import org.junit.jupiter.api.Test;

/** A key of the flat settings of before the groups stops the start-up and names its replacement. */
class RetiredKeysTest {

    @Test
    void everyRetiredKeyNamesAKeyThatExists() {
        List<String> keys = ProcessorApplication.configurationKeys().stream().map(ConfigurationKeys.Key::name).toList();
        assertThat(RetiredKeys.RENAMED).hasSize(47);
        assertThat(keys).containsAll(RetiredKeys.RENAMED.values()).doesNotContainAnyElementsOf(RetiredKeys.RENAMED.keySet());
    }

    @Test
    void anOldKeyStopsTheStartUpAndNamesTheNewOne() {
        assertThatThrownBy(() -> TestConfig.processor(Map.of("processor.bootstrap-servers", "broker:9092",
                "processor.edge-keys", "edge-1=abc")))
                .hasStackTraceContaining("processor.bootstrap-servers → edgedistill.kafka.bootstrap-servers")
                .hasStackTraceContaining("processor.edge-keys → processor.contributions.edge-keys");
    }

    @Test
    void anOldKeyThatIsTheSameEnvironmentVariableAsItsReplacementIsNotReported() {
        // PROCESSOR_SCORING_BATCH_SIZE sets both processor.scoring.batch-size and processor.scoring-batch-size
        assertThat(RetiredKeys.retiredIn(k -> k.equals("processor.scoring-batch-size"))).isEmpty();
        assertThat(RetiredKeys.retiredIn(k -> k.equals("processor.task-id")))
                .containsExactly("processor.task-id → processor.rounds.task-id");
    }
}
