package io.edgedistill.processor.api;

import java.util.LinkedHashMap;
import java.util.Map;

import io.edgedistill.processor.config.ProcessorConfig;
import io.edgedistill.processor.runtime.ProcessorLifecycle;
import io.edgedistill.processor.runtime.StreamsRunner;
import io.micronaut.health.HealthStatus;
import io.micronaut.management.health.indicator.AbstractHealthIndicator;
import jakarta.inject.Singleton;
import org.apache.kafka.streams.KafkaStreams;

/** /health: UP while Kafka Streams is RUNNING or REBALANCING; DOWN when it failed or start-up failed. */
@Singleton
public class ProcessorHealthIndicator extends AbstractHealthIndicator<Map<String, Object>> {
    private final StreamsRunner streams;
    private final ProcessorLifecycle lifecycle;
    private final ProcessorConfig.Streams config;

    public ProcessorHealthIndicator(StreamsRunner streams, ProcessorLifecycle lifecycle, ProcessorConfig.Streams config) {
        this.streams = streams;
        this.lifecycle = lifecycle;
        this.config = config;
    }

    @Override
    protected Map<String, Object> getHealthInformation() {
        Map<String, Object> info = new LinkedHashMap<>();
        KafkaStreams.State s = streams.state();
        info.put("streams", s.name());
        info.put("startupError", lifecycle.startupError());
        if (!config.start()) {
            healthStatus = HealthStatus.UP;
        } else if (lifecycle.startupError() != null || s == KafkaStreams.State.ERROR
                || s == KafkaStreams.State.PENDING_ERROR || s == KafkaStreams.State.NOT_RUNNING) {
            healthStatus = HealthStatus.DOWN;
        } else if (s == KafkaStreams.State.RUNNING || s == KafkaStreams.State.REBALANCING) {
            healthStatus = HealthStatus.UP;
        } else {
            healthStatus = HealthStatus.UNKNOWN;
        }
        return info;
    }

    @Override
    protected String getName() {
        return "kafkaStreams";
    }
}
