package io.edgedistill.updater;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ModelUpdaterApplicationTest {

    @Test
    void helpOrHAskForTheUsageText() {
        assertThat(ModelUpdaterApplication.helpRequested(new String[] {"--help"})).isTrue();
        assertThat(ModelUpdaterApplication.helpRequested(new String[] {"--updater.validation.rows=10", "-h"})).isTrue();
        assertThat(ModelUpdaterApplication.helpRequested(new String[] {"--updater.validation.rows=10"})).isFalse();
    }

    @Test
    void helpListsTheSharedKafkaKeysAndTheUpdatersOwnWithTheirDefaults() {
        String help = ModelUpdaterApplication.help();

        assertThat(help).startsWith("Usage: ./edgedistill updater")
                .containsPattern("edgedistill\\.kafka\\.bootstrap-servers +127\\.0\\.0\\.1:9092")
                .containsPattern("updater\\.kafka\\.group-id +model-updater")
                .containsPattern("updater\\.training\\.teacher-hidden +128,64")
                .containsPattern("updater\\.cohorts +\\(blank\\)")
                .doesNotContain("updater.kafka.bootstrap-servers");
        assertThat(help.indexOf("edgedistill.kafka.")).isLessThan(help.indexOf("updater.kafka.enabled"));
    }
}
