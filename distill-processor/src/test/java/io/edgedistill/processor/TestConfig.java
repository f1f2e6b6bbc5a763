package io.edgedistill.processor;

import java.util.HashMap;
import java.util.Map;

import io.edgedistill.processor.config.ProcessorConfig;
import io.edgedistill.schemas.client.KafkaClientConfig;
import io.edgedistill.schemas.client.KafkaClientSettings;
import io.micronaut.context.ApplicationContext;
import io.micronaut.inject.BeanConfiguration;

/**
 * The processor's settings bound as the application binds them (a Micronaut context over the declared defaults, the
 * application.yml and the given overrides), so that a test states only what it changes and never repeats a default.
 * The context holds no service: the start-up of {@code runtime} (which would build the topology and Kafka clients)
 * is switched off, and the machine's environment variables are not read.
 */
public final class TestConfig {
    private TestConfig() {
    }

    /** The processor's settings with these overrides ({@code "processor.rounds.task-id" -> "t"}, ...). */
    public static ProcessorConfig processor(Map<String, ?> overrides) {
        return bind(ProcessorConfig.class, overrides);
    }

    /** The defaults, as a processor started without settings has them. */
    public static ProcessorConfig defaults() {
        return processor(Map.of());
    }

    /** The Kafka client settings with these overrides ({@code "edgedistill.kafka.sasl-username" -> "u"}, ...). */
    public static KafkaClientSettings kafka(Map<String, ?> overrides) {
        return bind(KafkaClientConfig.class, overrides).settings();
    }

    /** One configuration bean bound from the overrides. */
    public static <T> T bind(Class<T> type, Map<String, ?> overrides) {
        try (ApplicationContext ctx = ApplicationContext.builder()
                .properties(new HashMap<>(overrides))
                .deduceEnvironment(false)
                .environmentPropertySource(false)
                .banner(false)
                .beanConfigurations(BeanConfiguration.disabled("io.edgedistill.processor.runtime"))
                .start()) {
            return ctx.getBean(type);
        }
    }
}
