package io.edgedistill.console;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import io.edgedistill.console.config.ConsoleConfig;
import io.edgedistill.schemas.client.KafkaClientConfig;
import io.edgedistill.schemas.http.HttpAccessConfig;
import io.edgedistill.schemas.config.ConfigurationKeys;
import io.micronaut.runtime.Micronaut;

/**
 * The console, the operators' dashboard: {@code ./edgedistill console [--key=value ...]}. A read-only service: it reads
 * the topics as principal {@code console} and serves the page on {@code micronaut.server.port} (CONSOLE_HTTP_PORT,
 * default 8070). Its settings are the shared {@code edgedistill.kafka.*} group and {@link ConsoleConfig}'s
 * {@code console.*}; {@code --help} lists every key with its default.
 */
public final class ConsoleApplication {
    /** The command name of {@code ./edgedistill}. */
    public static final String COMMAND = "console";

    private ConsoleApplication() {
    }

    public static void main(String[] args) {
        if (Arrays.asList(args).contains("--help") || Arrays.asList(args).contains("-h")) {
            System.out.print(help());
            return;
        }
        Micronaut.run(ConsoleApplication.class, args);
    }

    /** Every configuration key of the console: the shared Kafka group, then its own. */
    public static List<ConfigurationKeys.Key> configurationKeys() {
        List<ConfigurationKeys.Key> keys = new ArrayList<>(ConfigurationKeys.of(KafkaClientConfig.class));
        keys.addAll(ConfigurationKeys.of(HttpAccessConfig.class));
        keys.addAll(ConfigurationKeys.of(ConsoleConfig.class));
        return keys;
    }

    /** The text of {@code --help}. */
    public static String help() {
        return ConfigurationKeys.help(COMMAND, configurationKeys())
                + "\nHTTP port: micronaut.server.port (CONSOLE_HTTP_PORT, default 8070). The page: http://localhost:8070/\n";
    }
}
