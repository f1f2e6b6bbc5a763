package io.edgedistill.updater;

import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

import io.edgedistill.schemas.client.KafkaClientConfig;
import io.edgedistill.schemas.http.HttpAccessConfig;
import io.edgedistill.schemas.config.ConfigurationKeys;
import io.edgedistill.updater.config.UpdaterConfig;
import io.micronaut.runtime.Micronaut;

/**
 * The model-updater service: {@code ./edgedistill updater} or {@code java -cp ...
 * io.edgedistill.updater.ModelUpdaterApplication}; {@code --help} lists every setting with its default. Settings are
 * the shared Kafka client group {@code edgedistill.kafka.*} ({@link KafkaClientConfig}) and {@code updater.*}
 * ({@link UpdaterConfig}), given as options ({@code --updater.validation.rows=3000}), system properties or
 * environment variables (e.g. {@code EDGEDISTILL_KAFKA_BOOTSTRAP_SERVERS}, {@code UPDATER_KAFKA_GROUP_ID}).
 */
public final class ModelUpdaterApplication {
    /** The launcher's command name. */
    static final String COMMAND = "updater";

    private ModelUpdaterApplication() {
    }

    public static void main(String[] args) {
        if (helpRequested(args)) {
            System.out.print(help());
            return;
        }
        System.setProperty("ai.djl.offline", System.getProperty("ai.djl.offline", "true"));
        Micronaut.run(ModelUpdaterApplication.class, args);
    }

    /** Whether the arguments ask for the usage text ({@code --help} or {@code -h}). */
    static boolean helpRequested(String[] args) {
        return Arrays.stream(args).anyMatch(a -> a.equals("--help") || a.equals("-h"));
    }

    /** Every key the updater reads: the shared Kafka client group, then the updater's own. */
    static List<ConfigurationKeys.Key> keys() {
        return Stream.of(KafkaClientConfig.class, HttpAccessConfig.class, UpdaterConfig.class)
                .flatMap(c -> ConfigurationKeys.of(c).stream()).toList();
    }

    /** The {@code --help} text. */
    static String help() {
        return ConfigurationKeys.help(COMMAND, keys());
    }
}
