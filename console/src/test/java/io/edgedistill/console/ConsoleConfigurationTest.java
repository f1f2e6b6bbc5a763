package io.edgedistill.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;

import io.edgedistill.console.config.ConsoleConfig;
import io.edgedistill.schemas.config.ConfigurationKeys;
import io.micronaut.context.ApplicationContext;
import org.junit.jupiter.api.Test;

/** The settings as declared: the README's table is generated from them, and the defaults bind without a broker. */
class ConsoleConfigurationTest {

    @Test
    void theReadmeTableIsTheDeclaredKeysWithTheirDefaults() throws Exception {
        String expected = ConfigurationKeys.markdownTable(ConsoleApplication.configurationKeys());
        assertThat(Files.readString(Path.of("README.md"))).as("console/README.md's table; expected:%n%s", expected).contains(expected);
        assertThat(ConsoleApplication.help()).contains("console.alert-window-ms", "60000", "CONSOLE_HTTP_PORT");
    }

    @Test
    void defaultsBindAndOverridesApply() {
        try (ApplicationContext ctx = ApplicationContext.builder().properties(java.util.Map.of("console.task-id", "campus-attacks",
                "console.alertmanager-url", " http://am:9093 ")).build().start()) {
            ConsoleConfig c = ctx.getBean(ConsoleConfig.class);
            assertThat(c.taskId()).isEqualTo("campus-attacks");
            assertThat(c.alertmanagerUrl()).isEqualTo("http://am:9093");
            assertThat(c.alertWindowMs()).isEqualTo(60_000);
            assertThat(c.generatedPerClass()).isEqualTo(150);
        }
    }
}
