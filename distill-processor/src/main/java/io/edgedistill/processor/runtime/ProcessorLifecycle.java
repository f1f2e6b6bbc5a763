package io.edgedistill.processor.runtime;


import io.edgedistill.processor.config.ProcessorConfig;
import io.edgedistill.processor.contributions.TargetsRegistry;
import io.edgedistill.processor.rounds.RoundService;
import io.edgedistill.processor.synthesis.OptimiserRunner;
import io.edgedistill.processor.topology.ProcessorTopology;
import io.edgedistill.schemas.Topics;
import io.edgedistill.schemas.serde.Priming;
import io.micronaut.context.event.StartupEvent;
import io.micronaut.runtime.event.annotation.EventListener;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Start-up order: connect the optimiser to target changes, publish / learn the current round, then start Kafka
 * Streams (whose global stores resume the published synthetic sets before any contribution is aggregated).
 */
@Singleton
public class ProcessorLifecycle {
    private static final Logger LOG = LoggerFactory.getLogger(ProcessorLifecycle.class);

    private final ProcessorConfig.Streams config;
    private final TargetsRegistry targets;
    private final OptimiserRunner optimiser;
    private final RoundService rounds;
    private final StreamsRunner streams;
    private final ProcessorTopology.TopicSerdes serdes;
    private final KafkaPublisher publisher;
    private volatile String startupError;

    public ProcessorLifecycle(ProcessorConfig.Streams config, TargetsRegistry targets,
                              OptimiserRunner optimiser, RoundService rounds, StreamsRunner streams,
                              ProcessorTopology.TopicSerdes serdes, KafkaPublisher publisher) {
        this.config = config;
        this.targets = targets;
        this.optimiser = optimiser;
        this.rounds = rounds;
        this.streams = streams;
        this.serdes = serdes;
        this.publisher = publisher;
    }

    @EventListener
    void onStartup(StartupEvent event) {
        if (!config.start()) {
            LOG.info("processor.streams.start=false: not connecting to Kafka");
            return;
        }
        optimiser.warmUp();
        try {
            // the published sets are resumed from by the sets global store (SyntheticSetsGlobalProcessor), which Kafka
            // Streams restores before any contribution is aggregated
            targets.addListener(optimiser::onTargets);
            publisher.prime();
            Priming.prime(null, serdes.alerts().serializer(), Topics.ALERTS);
            rounds.start();
            streams.start();
        } catch (Exception e) {
            startupError = e.toString();
            LOG.error("processor start-up failed", e);
        }
    }

    public String startupError() {
        return startupError;
    }
}
