package io.edgedistill.processor.runtime;

import java.time.Duration;
import java.util.List;

import io.edgedistill.processor.config.ProcessorConfig;
import io.edgedistill.processor.contributions.TargetsRegistry;
import io.edgedistill.processor.rounds.RoundService;
import io.edgedistill.processor.synthesis.OptimiserRunner;
import io.edgedistill.processor.synthesis.SyntheticSetState;
import io.edgedistill.processor.topology.ProcessorTopology;
import io.edgedistill.schemas.SyntheticSet;
import io.edgedistill.schemas.Topics;
import io.edgedistill.schemas.client.KafkaClientSettings;
import io.edgedistill.schemas.dlq.ContractChecks;
import io.edgedistill.schemas.serde.Priming;
import io.micronaut.context.event.StartupEvent;
import io.micronaut.runtime.event.annotation.EventListener;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Start-up order: recover the latest synthetic set per task from the compacted topic (monotonic versions,
 * warm starts across restarts), connect the optimiser to target changes, publish / learn the current round,
 * then start Kafka Streams.
 */
@Singleton
public class ProcessorLifecycle {
    private static final Logger LOG = LoggerFactory.getLogger(ProcessorLifecycle.class);

    private final ProcessorConfig.Streams config;
    private final KafkaClientSettings client;
    private final SyntheticSetState sets;
    private final TargetsRegistry targets;
    private final OptimiserRunner optimiser;
    private final RoundService rounds;
    private final StreamsRunner streams;
    private final ProcessorTopology.TopicSerdes serdes;
    private final KafkaPublisher publisher;
    private volatile String startupError;

    public ProcessorLifecycle(ProcessorConfig.Streams config, KafkaClientSettings client, SyntheticSetState sets, TargetsRegistry targets,
                              OptimiserRunner optimiser, RoundService rounds, StreamsRunner streams,
                              ProcessorTopology.TopicSerdes serdes, KafkaPublisher publisher) {
        this.config = config;
        this.client = client;
        this.sets = sets;
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
            for (SyntheticSet s : TopicReader.readAll(client, Topics.SYNTHETIC_SETS,
                    serdes.syntheticSets().deserializer(), Duration.ofSeconds(30))) {
                // the compacted topic may hold records this processor did not write: only valid sets are resumed from
                List<String> violations = ContractChecks.SYNTHETIC_SET.violations(s);
                if (violations.isEmpty()) {
                    sets.update(s);
                } else {
                    LOG.warn("not resuming from synthetic set v{} of task {}: {}", s.getVersion(), s.getTaskId(), violations);
                }
            }
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
