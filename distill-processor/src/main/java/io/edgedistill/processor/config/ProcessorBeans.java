package io.edgedistill.processor.config;

import java.util.List;
import java.util.Map;

import io.edgedistill.core.signing.Ed25519Keys;
import io.edgedistill.core.signing.UpdateVerifier;
import io.edgedistill.processor.contributions.TargetsRegistry;
import io.edgedistill.processor.metrics.ProcessorMetrics;
import io.edgedistill.processor.rounds.RoundFactory;
import io.edgedistill.processor.rounds.RoundService;
import io.edgedistill.processor.runtime.KafkaPublisher;
import io.edgedistill.processor.runtime.StreamsRunner;
import io.edgedistill.processor.scoring.LiveModels;
import io.edgedistill.processor.synthesis.OptimiserRunner;
import io.edgedistill.processor.synthesis.SyntheticSetState;
import io.edgedistill.processor.topology.ProcessorTopology;
import io.edgedistill.schemas.dlq.KafkaDeadLetterSink;
import io.edgedistill.schemas.serde.AvroSerdes;
import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.context.annotation.Bean;
import io.micronaut.context.annotation.Factory;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Wires the plain services, the Kafka clients and the topology for the Micronaut application. */
@Factory
public class ProcessorBeans {
    private static final Logger LOG = LoggerFactory.getLogger(ProcessorBeans.class);

    @Singleton
    ProcessorMetrics metrics(MeterRegistry registry) {
        return new ProcessorMetrics(registry);
    }

    @Singleton
    TargetsRegistry targetsRegistry() {
        return new TargetsRegistry();
    }

    @Singleton
    LiveModels liveModels(ProcessorMetrics metrics, ProcessorConfig cfg) {
        List<String> keys = cfg.getTrustedKeys();
        if (keys == null || keys.stream().allMatch(String::isBlank)) {
            LOG.warn("processor.trusted-keys is empty: model updates are checked (SHA-256, format, spec) but their "
                    + "signatures are not; configure the updater's public key to score only signed models");
            return new LiveModels(metrics);
        }
        return new LiveModels(metrics, UpdateVerifier.signedBy(Ed25519Keys.parseTrusted(keys)));
    }

    @Singleton
    SyntheticSetState syntheticSetState() {
        return new SyntheticSetState();
    }

    @Singleton
    ProcessorTopology.TopicSerdes topicSerdes(ProcessorConfig cfg) {
        String url = cfg.getRegistryUrl();
        return new ProcessorTopology.TopicSerdes(AvroSerdes.serde(url, false), AvroSerdes.serde(url, false),
                AvroSerdes.serde(url, false), AvroSerdes.serde(url, false), AvroSerdes.serde(url, false),
                AvroSerdes.serde(url, false), AvroSerdes.serde(url, false), AvroSerdes.serde(url, false));
    }

    @Singleton
    @Bean(preDestroy = "close")
    KafkaPublisher publisher(ProcessorConfig cfg) {
        return new KafkaPublisher(cfg.getBootstrapServers(), cfg.kafkaSecurity(), AvroSerdes.serializer(cfg.getRegistryUrl(), false));
    }

    @Singleton
    @Bean(preDestroy = "close")
    OptimiserRunner optimiser(ProcessorConfig cfg, KafkaPublisher publisher, SyntheticSetState state,
                              ProcessorMetrics metrics) {
        return new OptimiserRunner(cfg, publisher, state, metrics);
    }

    @Singleton
    RoundFactory roundFactory(ProcessorConfig cfg) {
        return new RoundFactory(cfg);
    }

    @Singleton
    @Bean(preDestroy = "close")
    RoundService roundService(ProcessorConfig cfg, RoundFactory factory, KafkaPublisher publisher,
                              ProcessorTopology.TopicSerdes serdes, ProcessorMetrics metrics) {
        return new RoundService(cfg, factory, publisher, serdes.rounds().deserializer(), metrics);
    }

    /** Dead letters of the global topics (rounds, model updates), written with a plain producer. */
    @Singleton
    @Bean(preDestroy = "close")
    KafkaDeadLetterSink globalDeadLetters(ProcessorConfig cfg) {
        return new KafkaDeadLetterSink(cfg.getBootstrapServers(), cfg.getRegistryUrl(), cfg.kafkaSecurity(),
                Map.of("client.id", cfg.getApplicationId() + "-global-dlq"));
    }

    @Singleton
    @Bean(preDestroy = "close")
    StreamsRunner streamsRunner(ProcessorConfig cfg, ProcessorTopology.TopicSerdes serdes, TargetsRegistry targets,
                                LiveModels models, ProcessorMetrics metrics, KafkaDeadLetterSink deadLetters) {
        return new StreamsRunner(cfg, serdes, new ProcessorTopology.Services(targets, models, metrics, deadLetters));
    }
}
