package io.edgedistill.updater.kafka;

import java.util.LinkedHashMap;
import java.util.Map;

import io.micronaut.context.annotation.Requires;
import io.micronaut.core.async.publisher.Publishers;
import io.micronaut.health.HealthStatus;
import io.micronaut.management.health.indicator.HealthIndicator;
import io.micronaut.management.health.indicator.HealthResult;
import jakarta.inject.Singleton;
import org.reactivestreams.Publisher;

/**
 * {@code /health} reports DOWN while the Kafka loop is not running or has not restored the live models; its details say
 * whether this instance is the active updater or a standby (both are UP: a standby is healthy and ready to take over).
 */
@Singleton
@Requires(property = "updater.kafka.enabled", notEquals = "false")
public class KafkaLoopHealth implements HealthIndicator {
    private final UpdaterKafkaLoop loop;

    public KafkaLoopHealth(UpdaterKafkaLoop loop) {
        this.loop = loop;
    }

    @Override
    public Publisher<HealthResult> getResult() {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("running", loop.running());
        details.put("restored", loop.restored());
        details.put("restarts", loop.failures());
        details.put("role", loop.active() ? "active" : "standby");
        details.put("takeovers", loop.takeovers());
        boolean up = loop.running() && loop.restored();
        return Publishers.just(HealthResult.builder("kafka-loop", up ? HealthStatus.UP : HealthStatus.DOWN)
                .details(details).build());
    }
}
