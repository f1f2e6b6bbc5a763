package io.edgedistill.processor.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;

import io.edgedistill.processor.ProcessorApplication;
import io.edgedistill.schemas.client.KafkaClientConfig;
import io.edgedistill.schemas.config.ConfigurationKeys;
import org.junit.jupiter.api.Test;

/** {@code --help} and the README's tables list the keys the records declare, with their defaults. */
class ProcessorHelpTest {

    @Test
    void helpListsTheSharedKafkaKeysThenTheProcessorsOwn() {
        String help = ProcessorApplication.help();
        assertThat(help).startsWith("Usage: ./edgedistill processor [--<key>=<value> ...]");
        for (ConfigurationKeys.Key k : ProcessorApplication.configurationKeys()) {
            assertThat(help).contains(k.name());
        }
        assertThat(help.indexOf("edgedistill.kafka.bootstrap-servers")).isLessThan(help.indexOf("processor.streams."));
        assertThat(help).containsPattern("processor\\.rounds\\.task-id +5g-nidd-attacks");
    }

    @Test
    void theReadmeTablesAreTheDeclaredKeys() throws Exception {
        Path readme = Path.of("README.md");
        assumeTrue(Files.exists(readme), "the module's README is in the working directory");
        String text = Files.readString(readme);
        assertThat(text).as("README table of edgedistill.kafka.* (regenerate from ConfigurationKeys.markdownTable)")
                .contains(ConfigurationKeys.markdownTable(ConfigurationKeys.of(KafkaClientConfig.class)));
        assertThat(text).as("README table of edgedistill.http.* (regenerate from ConfigurationKeys.markdownTable)")
                .contains(ConfigurationKeys.markdownTable(ConfigurationKeys.of(io.edgedistill.schemas.http.HttpAccessConfig.class)));
        assertThat(text).as("README table of processor.* (regenerate from ConfigurationKeys.markdownTable)")
                .contains(ConfigurationKeys.markdownTable(ConfigurationKeys.of(ProcessorConfig.class)));
    }
}
