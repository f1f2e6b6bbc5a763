package io.edgedistill.edge.app;

import java.util.LinkedHashMap;
import java.util.Map;

import io.edgedistill.edge.core.EdgeRuntime;
import io.micronaut.core.async.publisher.Publishers;
import io.micronaut.health.HealthStatus;
import io.micronaut.management.health.indicator.HealthIndicator;
import io.micronaut.management.health.indicator.HealthResult;
import jakarta.inject.Singleton;
import org.reactivestreams.Publisher;

/** {@code /health}: DOWN while the edge's Kafka consumer is not running; details name the running model. */
@Singleton
public class EdgeHealth implements HealthIndicator {
    private final EdgeRuntime runtime;

    public EdgeHealth(EdgeRuntime runtime) {
        this.runtime = runtime;
    }

    @Override
    public Publisher<HealthResult> getResult() {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("consuming", runtime.consuming());
        details.put("consumerRestarts", runtime.consumerFailures());
        details.put("runningModel", runtime.node().runningVersion());
        var s = runtime.streamer();
        if (s != null) {
            details.put("trafficQueueDepth", s.queueDepth());
        }
        return Publishers.just(HealthResult.builder("edge", runtime.consuming() ? HealthStatus.UP : HealthStatus.DOWN)
                .details(details).build());
    }
}
