package io.edgedistill.processor;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import io.edgedistill.processor.config.ProcessorConfig;
import io.edgedistill.schemas.client.KafkaClientConfig;
import io.edgedistill.schemas.http.HttpAccessConfig;
import io.edgedistill.schemas.config.ConfigurationKeys;
import io.micronaut.runtime.Micronaut;

/**
 * The distill-processor service: {@code ./edgedistill processor [--key=value ...]}, or
 * {@code java -cp ... io.edgedistill.processor.ProcessorApplication}. Its settings are the shared
 * {@code edgedistill.kafka.*} group (broker, registry, client security) and its own {@code processor.*} groups
 * ({@link ProcessorConfig}); {@code --help} lists every key with its default.
 */
public final class ProcessorApplication {
    /** The command name of {@code ./edgedistill}. */
    public static final String COMMAND = "processor";

    private ProcessorApplication() {
    }

    public static void main(String[] args) {
        if (Arrays.asList(args).contains("--help") || Arrays.asList(args).contains("-h")) {
            System.out.print(help());
            return;
        }
        if (System.getProperty("ai.djl.offline") == null) {
            System.setProperty("ai.djl.offline", "true"); // before any DJL class loads
        }
        Micronaut.run(ProcessorApplication.class, args);
    }

    /** Every configuration key of the processor: the shared Kafka group, then its own. */
    public static List<ConfigurationKeys.Key> configurationKeys() {
        List<ConfigurationKeys.Key> keys = new ArrayList<>(ConfigurationKeys.of(KafkaClientConfig.class));
        keys.addAll(ConfigurationKeys.of(HttpAccessConfig.class));
        keys.addAll(ConfigurationKeys.of(ProcessorConfig.class));
        return keys;
    }

    /** The text of {@code --help}. */
    public static String help() {
        return ConfigurationKeys.help(COMMAND, configurationKeys())
                + "\nThe keys are explained in distill-processor/README.md. HTTP port: micronaut.server.port "
                + "(PROCESSOR_HTTP_PORT, default 8090).\n";
    }
}
