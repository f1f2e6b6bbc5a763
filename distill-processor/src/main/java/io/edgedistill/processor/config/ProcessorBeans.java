package io.edgedistill.processor.config;

import java.util.Map;

import io.edgedistill.core.signing.Ed25519Keys;
import io.edgedistill.core.signing.UpdateVerifier;
import io.edgedistill.core.trust.KeyTrust;
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
import io.edgedistill.schemas.client.KafkaClientConfig;
import io.edgedistill.schemas.client.KafkaClientSettings;
import io.edgedistill.schemas.dlq.KafkaDeadLetterSink;
import io.edgedistill.schemas.serde.AvroSerdes;
import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.context.annotation.Bean;
import io.micronaut.context.annotation.Factory;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Wires the plain services, the Kafka clients and the topology for the Micronaut application. Each takes the
 * configuration groups it reads ({@link ProcessorConfig}); every Kafka client connects with the one
 * {@link KafkaClientSettings} of {@code edgedistill.kafka.*}.
 */
@Factory
public class ProcessorBeans {
    private static final Logger LOG = LoggerFactory.getLogger(ProcessorBeans.class);

    /** Where every Kafka client of the processor connects, and as whom (resolved once). */
    @Singleton
    KafkaClientSettings kafkaClient(KafkaClientConfig config) {
        KafkaClientSettings client = config.settings();
        LOG.info("Kafka clients: {}", client);
        return client;
    }

    @Singleton
    ProcessorMetrics metrics(MeterRegistry registry) {
        return new ProcessorMetrics(registry);
    }

    @Singleton
    TargetsRegistry targetsRegistry() {
        return new TargetsRegistry();
    }

    /** The signing keys: the configured ones, overlaid with the operator's trust lists (processor.trust.root-keys). */
    @Singleton
    KeyTrust keyTrust(ProcessorConfig config) {
        return ProcessorTopology.keyTrust(config);
    }

    @Singleton
    LiveModels liveModels(ProcessorMetrics metrics, ProcessorConfig config, KeyTrust trust) {
        if (!config.scoring().verifiesSignatures() && !config.trust().followsTrustLists()) {
            LOG.warn("processor.scoring.trusted-keys is empty: model updates are checked (SHA-256, format, spec) but "
                    + "their signatures are not; configure the updater's public key to score only signed models");
            return new LiveModels(metrics);
        }
        return new LiveModels(metrics, UpdateVerifier.signedBy(trust));
    }

    @Singleton
    SyntheticSetState syntheticSetState() {
        return new SyntheticSetState();
    }

    @Singleton
    ProcessorTopology.TopicSerdes topicSerdes(KafkaClientSettings client) {
        var url = client.registry();
        return new ProcessorTopology.TopicSerdes(AvroSerdes.serde(url, false), AvroSerdes.serde(url, false),
                AvroSerdes.serde(url, false), AvroSerdes.serde(url, false), AvroSerdes.serde(url, false),
                AvroSerdes.serde(url, false), AvroSerdes.serde(url, false), AvroSerdes.serde(url, false),
                AvroSerdes.serde(url, false));
    }

    @Singleton
    @Bean(preDestroy = "close")
    KafkaPublisher publisher(KafkaClientSettings client) {
        return new KafkaPublisher(client, AvroSerdes.serializer(client.registry(), false));
    }

    @Singleton
    @Bean(preDestroy = "close")
    OptimiserRunner optimiser(ProcessorConfig.Synthesis synthesis, ProcessorConfig.Contributions contributions,
                              KafkaPublisher publisher, SyntheticSetState state, ProcessorMetrics metrics,
                              TargetsRegistry targets) {
        return new OptimiserRunner(synthesis, publisher, state, metrics, contributions.edgeKeys().size(), targets::holds);
    }

    @Singleton
    RoundFactory roundFactory(ProcessorConfig.Rounds rounds) {
        return new RoundFactory(rounds);
    }

    @Singleton
    @Bean(preDestroy = "close")
    RoundService roundService(ProcessorConfig.Rounds rounds, KafkaClientSettings client, RoundFactory factory,
                              KafkaPublisher publisher, ProcessorTopology.TopicSerdes serdes, ProcessorMetrics metrics) {
        return new RoundService(rounds, client, factory, publisher, serdes.rounds().deserializer(), metrics);
    }

    /** Dead letters of the global topics (rounds, model updates, trust lists), written with a plain producer. */
    @Singleton
    @Bean(preDestroy = "close")
    KafkaDeadLetterSink globalDeadLetters(KafkaClientSettings client, ProcessorConfig.Streams streams) {
        return new KafkaDeadLetterSink(client, Map.of("client.id", streams.applicationId() + "-global-dlq"));
    }

    @Singleton
    @Bean(preDestroy = "close")
    StreamsRunner streamsRunner(ProcessorConfig cfg, KafkaClientSettings client, ProcessorTopology.TopicSerdes serdes,
                                TargetsRegistry targets, LiveModels models, ProcessorMetrics metrics,
                                KafkaDeadLetterSink deadLetters, KeyTrust trust, SyntheticSetState sets) {
        return new StreamsRunner(cfg, client, serdes, new ProcessorTopology.Services(targets, models, metrics, deadLetters, trust,
                sets));
    }
}
