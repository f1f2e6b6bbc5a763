package io.edgedistill.processor.config;

import io.edgedistill.processor.runtime.KafkaPublisher;
import io.edgedistill.processor.runtime.RoundService;
import io.edgedistill.processor.runtime.StreamsRunner;
import io.edgedistill.processor.service.LiveModels;
import io.edgedistill.processor.service.OptimiserRunner;
import io.edgedistill.processor.service.ProcessorMetrics;
import io.edgedistill.processor.service.RoundFactory;
import io.edgedistill.processor.service.SyntheticSetState;
import io.edgedistill.processor.service.TargetsRegistry;
import io.edgedistill.processor.topology.ProcessorTopology;
import io.edgedistill.schemas.serde.AvroSerdes;
import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.context.annotation.Bean;
import io.micronaut.context.annotation.Factory;
import jakarta.inject.Singleton;

/** Wires the plain services, the Kafka clients and the topology for the Micronaut application. */
@Factory
public class ProcessorBeans {

    @Singleton
    ProcessorMetrics metrics(MeterRegistry registry) {
        return new ProcessorMetrics(registry);
    }

    @Singleton
    TargetsRegistry targetsRegistry() {
        return new TargetsRegistry();
    }

    @Singleton
    LiveModels liveModels(ProcessorMetrics metrics) {
        return new LiveModels(metrics);
    }

    @Singleton
    SyntheticSetState syntheticSetState() {
        return new SyntheticSetState();
    }

    @Singleton
    ProcessorTopology.AvroSerdes avroSerdes(ProcessorConfig cfg) {
        String url = cfg.getRegistryUrl();
        return new ProcessorTopology.AvroSerdes(AvroSerdes.serde(url, false), AvroSerdes.serde(url, false),
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
                              ProcessorTopology.AvroSerdes serdes, ProcessorMetrics metrics) {
        return new RoundService(cfg, factory, publisher, serdes.rounds().deserializer(), metrics);
    }

    @Singleton
    @Bean(preDestroy = "close")
    StreamsRunner streamsRunner(ProcessorConfig cfg, ProcessorTopology.AvroSerdes serdes, TargetsRegistry targets,
                                LiveModels models, ProcessorMetrics metrics) {
        return new StreamsRunner(cfg, serdes, new ProcessorTopology.Services(targets, models, metrics));
    }
}
