package io.edgedistill.console.config;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.bind.annotation.Bindable;

/**
 * The console's own settings, {@code console.*}, declared once with their defaults; where its Kafka clients connect and
 * as whom is the shared {@code edgedistill.kafka.*} group ({@link io.edgedistill.schemas.client.KafkaClientConfig}),
 * as principal {@code console} on a secured cluster (read-only: see the ACL plan). {@code --help} lists every key.
 *
 * @param taskId                  the task whose rounds, sets and models the page shows
 * @param pushIntervalMs          how often the page's event stream is sent a changed view
 * @param lagIntervalMs           how often consumer-group lag is measured (an admin client call)
 * @param alertWindowMs           alerts of the same edge, class and source closer than this form one deduplicated alert
 * @param alertmanagerUrl         an Alertmanager base URL (e.g. http://alertmanager:9093) to which deduplicated alerts are
 *                                posted (its v2 API); blank = none
 * @param alertmanagerIntervalMs  how often new and grown alerts are posted to it
 * @param generatedPerClass       rows per class drawn from the set's mixture for the page's projection
 * @param referencesFile          a JSON file of reference figures that only a simulation knows (the demo writes the
 *                                pooled reference and each model's held-out macro-F1 there); blank = none, as in a
 *                                real deployment
 */
@ConfigurationProperties("console")
public record ConsoleConfig(
        @Bindable(defaultValue = "5g-nidd-attacks") String taskId,
        @Bindable(defaultValue = "1000") long pushIntervalMs,
        @Bindable(defaultValue = "5000") long lagIntervalMs,
        @Bindable(defaultValue = "60000") long alertWindowMs,
        @Bindable(defaultValue = "") String alertmanagerUrl,
        @Bindable(defaultValue = "10000") long alertmanagerIntervalMs,
        @Bindable(defaultValue = "150") int generatedPerClass,
        @Bindable(defaultValue = "") String referencesFile) {

    public ConsoleConfig {
        alertmanagerUrl = alertmanagerUrl == null ? "" : alertmanagerUrl.strip();
        referencesFile = referencesFile == null ? "" : referencesFile.strip();
        if (pushIntervalMs < 100 || lagIntervalMs < 500 || alertWindowMs < 1 || alertmanagerIntervalMs < 1000
                || generatedPerClass < 0) {
            throw new IllegalArgumentException("console: push-interval-ms >= 100, lag-interval-ms >= 500, alert-window-ms >= 1, "
                    + "alertmanager-interval-ms >= 1000 and generated-per-class >= 0 are required");
        }
    }
}
