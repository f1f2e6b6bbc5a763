package io.edgedistill.edge.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.edgedistill.schemas.config.ConfigurationKeys;
import org.junit.jupiter.api.Test;

/**
 * An edge started with its shipped defaults must follow the task the processor opens rounds for: with the two
 * apart, the edge ignores every round. The processor's own default is checked against the edge's in
 * {@code deploy/reliability}'s cross-service check.
 */
class ShippedDefaultsTest {
    private static final String PROCESSOR_TASK = "5g-nidd-attacks";

    @Test
    void theDeclaredTaskIdIsTheOneTheProcessorOpensRoundsFor() {
        assertThat(ConfigurationKeys.of(EdgeConfig.class)).filteredOn(k -> k.name().equals("edge.task-id"))
                .singleElement().extracting(ConfigurationKeys.Key::defaultValue).isEqualTo(PROCESSOR_TASK);
    }
}
