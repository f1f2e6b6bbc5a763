package io.edgedistill.processor.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/** The processor's Micrometer counters (exported on /prometheus as edgedistill_processor_*). */
public final class ProcessorMetrics {
    private final MeterRegistry registry;
    public final Counter summariesAccepted;
    public final Counter knowledgeAccepted;
    public final Counter contributionsQuarantined;
    public final Counter summariesDeadLettered;
    public final Counter knowledgeDeadLettered;
    public final Counter trafficDeadLettered;
    public final Counter roundsDeadLettered;
    public final Counter modelsDeadLettered;
    public final Counter flowsScored;
    public final Counter flowsUnscored;
    public final Counter attackAlerts;
    public final Counter poisonAlerts;
    public final Counter optimiserRuns;
    public final Counter syntheticSetsPublished;
    public final Counter modelsLoaded;
    public final Counter modelsRejected;
    public final Counter roundsPublished;
    /** From a round's creation to each synthetic set of it being published (the processor's share of the round). */
    public final io.micrometer.core.instrument.Timer setAfterRound;
    /** One optimiser run (warm or fresh), including the publication decision. */
    public final io.micrometer.core.instrument.Timer optimiserRun;

    public ProcessorMetrics(MeterRegistry registry) {
        this.registry = registry;
        summariesAccepted = c("summaries.accepted", "kind", "summary");
        knowledgeAccepted = c("summaries.accepted", "kind", "knowledge");
        contributionsQuarantined = c("summaries.quarantined");
        summariesDeadLettered = c("records.deadlettered", "topic", "edge.summaries");
        knowledgeDeadLettered = c("records.deadlettered", "topic", "edge.knowledge");
        trafficDeadLettered = c("records.deadlettered", "topic", "edge.traffic");
        roundsDeadLettered = c("records.deadlettered", "topic", "distill.rounds");
        modelsDeadLettered = c("records.deadlettered", "topic", "models.updates");
        flowsScored = c("flows.scored");
        flowsUnscored = c("flows.unscored");
        attackAlerts = c("alerts", "kind", "NETWORK_ATTACK");
        poisonAlerts = c("alerts", "kind", "POISONED_CONTRIBUTION");
        optimiserRuns = c("optimiser.runs");
        syntheticSetsPublished = c("synthetic.sets.published");
        modelsLoaded = c("models.loaded");
        modelsRejected = c("models.rejected");
        roundsPublished = c("rounds.published");
        setAfterRound = io.micrometer.core.instrument.Timer.builder("edgedistill.processor.round.set.after.open")
                .description("round opened -> a synthetic set of it published").register(registry);
        optimiserRun = io.micrometer.core.instrument.Timer.builder("edgedistill.processor.optimiser.run")
                .description("one optimiser run").register(registry);
    }

    /** Metrics on a private in-memory registry (tests, benchmarks). */
    public static ProcessorMetrics inMemory() {
        return new ProcessorMetrics(new SimpleMeterRegistry());
    }

    public MeterRegistry registry() {
        return registry;
    }

    private Counter c(String name, String... tags) {
        return Counter.builder("edgedistill.processor." + name).tags(tags).register(registry);
    }
}
