package io.edgedistill.updater;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import io.edgedistill.schemas.ModelUpdate;
import io.edgedistill.schemas.client.KafkaClientConfig;
import io.edgedistill.schemas.client.KafkaClientSettings;
import io.edgedistill.core.data.DataDescription;
import io.edgedistill.updater.config.UpdaterConfig;
import io.edgedistill.updater.kafka.KafkaModelPublisher;
import io.edgedistill.updater.kafka.UpdaterKafkaLoop;
import io.edgedistill.updater.service.HistoryEntry;
import io.edgedistill.updater.kafka.KafkaAlertPublisher;
import io.edgedistill.updater.service.AlertPublisher;
import io.edgedistill.updater.service.ModelPublisher;
import io.edgedistill.updater.service.ModelUpdateService;
import io.edgedistill.updater.service.ValidationSource;
import io.edgedistill.updater.signing.UpdateSigner;
import io.micronaut.context.annotation.Bean;
import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Requires;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Wires the updater from its configuration: {@link UpdaterConfig} ({@code updater.*}) and the shared Kafka client
 * group {@link KafkaClientConfig} ({@code edgedistill.kafka.*}). Each component gets only the group it uses.
 */
@Factory
public class UpdaterFactory {
    private static final Logger LOG = LoggerFactory.getLogger(UpdaterFactory.class);
    /** Client id of the updater's producers. */
    private static final String CLIENT_ID = "model-updater";

    /** Publisher used when Kafka is switched off (tests, dry runs): keeps the updates in memory. */
    public static final class InMemoryPublisher implements ModelPublisher {
        private final List<ModelUpdate> published = new ArrayList<>();

        @Override
        public synchronized void publish(ModelUpdate update) {
            published.add(update);
        }

        public synchronized List<ModelUpdate> published() {
            return List.copyOf(published);
        }
    }

    @Singleton
    UpdateSigner signer(UpdaterConfig config) {
        UpdaterConfig.Signing signing = config.signing();
        return UpdateSigner.fromConfig(signing.privateKey(), signing.publicKey(), signing.keyId());
    }

    @Singleton
    ValidationSource validationSource(UpdaterConfig config) {
        UpdaterConfig.Validation v = config.validation();
        return switch (v.source()) {
            case "generated" -> ValidationSource.generated(v.seed(), v.rows(), v.minPerClass());
            case "csv" -> {
                if (v.csvPath().isBlank()) {
                    throw new IllegalArgumentException("updater.validation.source=csv needs updater.validation.csv-path");
                }
                yield ValidationSource.csv(Path.of(v.csvPath()), v.rows(), DataDescription.resolve(v.format()));
            }
            default -> throw new IllegalArgumentException("updater.validation.source must be generated or csv, not "
                    + v.source());
        };
    }

    /** Where every Kafka client of the updater connects and as whom ({@code edgedistill.kafka.*}). */
    @Singleton
    KafkaClientSettings kafkaClient(KafkaClientConfig kafka) {
        return kafka.settings();
    }

    @Singleton
    @Requires(property = "updater.kafka.enabled", notEquals = "false")
    @Bean(preDestroy = "close")
    KafkaModelPublisher kafkaPublisher(KafkaClientSettings client, UpdaterConfig config) {
        // one transactional id per updater group: the active instance's producer fences any earlier one
        return new KafkaModelPublisher(client, CLIENT_ID, config.kafka().groupId() + "-publisher");
    }

    @Singleton
    @Requires(property = "updater.kafka.enabled", value = "false")
    InMemoryPublisher inMemoryPublisher() {
        return new InMemoryPublisher();
    }

    @Singleton
    @Requires(property = "updater.kafka.enabled", notEquals = "false")
    @Bean(preDestroy = "close")
    KafkaAlertPublisher kafkaAlerts(KafkaClientSettings client) {
        return new KafkaAlertPublisher(client, CLIENT_ID + "-alerts");
    }

    @Singleton
    @Requires(property = "updater.kafka.enabled", value = "false")
    AlertPublisher noAlerts() {
        return AlertPublisher.none();
    }

    @Singleton
    @Bean(preDestroy = "close")
    ModelUpdateService service(ValidationSource validation, UpdateSigner signer, ModelPublisher publisher,
                               AlertPublisher alerts, UpdaterConfig config, MeterRegistry meters) {
        UpdaterConfig.Training training = config.training();
        if (training.novelty().corroboratingEdges() > 0 && config.rollout().edgeKeys().isEmpty()) {
            LOG.warn("updater.training.novelty.corroborating-edges is {} but updater.rollout.edge-keys is empty: knowledge "
                    + "is not authenticated, so one writer could pose as several edges; novelty is adopted only by "
                    + "approval (updater.training.novelty.approved-classes)", training.novelty().corroboratingEdges());
            training = training.withoutCorroboration();
        }
        ModelUpdateService s = new ModelUpdateService(validation, signer, publisher, training,
                config.cohorts(), config.rollout().settings(), alerts);
        String specPath = config.preprocessing().specPath();
        if (!specPath.isBlank()) {
            try {
                s.registerPreprocessing(Files.readString(Path.of(specPath)), "");
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read updater.preprocessing.spec-path " + specPath, e);
            }
        }
        for (HistoryEntry.Status status : HistoryEntry.Status.values()) {
            Gauge.builder("updater.decisions", s, svc -> svc.count(status)).tag("status", status.name())
                    .description("model-updater decisions by outcome").register(meters);
        }
        Gauge.builder("updater.live.models", s, svc -> svc.liveModels().size()).register(meters);
        // the updater's share of a round's timeline: training and validation of each candidate, by outcome
        s.onDecision(e -> io.micrometer.core.instrument.Timer.builder("updater.candidate.training")
                .description("training and validation of a candidate model (a round's updater time)")
                .tag("status", e.status().name()).tag("model", e.cohort() == null || e.cohort().isEmpty() ? "global" : "cohort")
                .register(meters).record(java.time.Duration.ofMillis(e.trainMillis())));
        return s;
    }

    @Context
    @Requires(property = "updater.kafka.enabled", notEquals = "false")
    @Bean(preDestroy = "close")
    UpdaterKafkaLoop kafkaLoop(ModelUpdateService service, KafkaClientSettings client, UpdaterConfig config,
                               MeterRegistry meters, KafkaModelPublisher publisher) {
        Thread warmUp = new Thread(() -> {
            try {
                service.warmUp();
            } catch (RuntimeException e) {
                LOG.warn("warm-up failed (the first synthetic set will load what it needs): {}", e.toString());
            }
        }, "updater-warm-up");
        warmUp.setDaemon(true);
        warmUp.start();
        UpdaterKafkaLoop loop = new UpdaterKafkaLoop(service, client, config.kafka(),
                io.edgedistill.core.signing.ContributionSignature.parseEdgeKeys(config.rollout().edgeKeys()),
                new UpdaterKafkaLoop.Role() {
                    @Override
                    public void becameActive() {
                        publisher.activate();
                    }

                    @Override
                    public void becameStandby() {
                        publisher.deactivate();
                    }
                });
        Gauge.builder("updater.active", loop, l -> l.active() ? 1 : 0)
                .description("1 while this instance is the active updater of its group (the others are standbys)")
                .register(meters);
        loop.start();
        LOG.info("model-updater Kafka loop started against {}", client);
        return loop;
    }
}
