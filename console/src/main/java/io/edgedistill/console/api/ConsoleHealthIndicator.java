package io.edgedistill.console.api;

import java.util.Map;

import io.edgedistill.console.ConsoleRuntime;
import io.micronaut.health.HealthStatus;
import io.micronaut.management.health.indicator.AbstractHealthIndicator;
import jakarta.inject.Singleton;

/** /health: UP while the topic feed runs, DOWN once it stopped (the page would no longer change). */
@Singleton
public class ConsoleHealthIndicator extends AbstractHealthIndicator<Map<String, Object>> {
    private final ConsoleRuntime runtime;

    public ConsoleHealthIndicator(ConsoleRuntime runtime) {
        this.runtime = runtime;
    }

    @Override
    protected Map<String, Object> getHealthInformation() {
        healthStatus = runtime.feedRunning() ? HealthStatus.UP : HealthStatus.DOWN;
        return Map.of("feed", runtime.feedRunning() ? "running" : "stopped", "version", runtime.version(),
                "recordsSkipped", runtime.recordsSkipped());
    }

    @Override
    protected String getName() {
        return "consoleFeed";
    }
}
