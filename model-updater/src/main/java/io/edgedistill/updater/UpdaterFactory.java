package io.edgedistill.updater;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.edgedistill.schemas.ModelUpdate;
import io.edgedistill.schemas.security.KafkaClientSecurity;
import io.edgedistill.updater.kafka.KafkaModelPublisher;
import io.edgedistill.updater.kafka.UpdaterKafkaLoop;
import io.edgedistill.updater.service.HistoryEntry;
import io.edgedistill.updater.service.ModelPublisher;
import io.edgedistill.updater.service.ModelUpdateService;
import io.edgedistill.updater.service.TrainingSettings;
import io.edgedistill.updater.service.ValidationSource;
import io.edgedistill.updater.signing.UpdateSigner;
import io.micronaut.context.annotation.Bean;
import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Requires;
import io.micronaut.context.annotation.Value;
import io.micronaut.context.env.Environment;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Wires the updater from configuration (keys under {@code updater.*}, see application.yml). */
@Factory
public class UpdaterFactory {
    private static final Logger LOG = LoggerFactory.getLogger(UpdaterFactory.class);

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
    UpdateSigner signer(@Value("${updater.signing.private-key:}") String privateKey,
                        @Value("${updater.signing.public-key:}") String publicKey,
                        @Value("${updater.signing.key-id:}") String keyId) {
        return UpdateSigner.fromConfig(privateKey, publicKey, keyId);
    }

    @Singleton
    ValidationSource validationSource(@Value("${updater.validation.source:generated}") String source,
                                      @Value("${updater.validation.seed:9001}") long seed,
                                      @Value("${updater.validation.rows:6000}") int rows,
                                      @Value("${updater.validation.min-per-class:150}") int minPerClass,
                                      @Value("${updater.validation.csv-path:}") String csvPath) {
        return switch (source) {
            case "generated" -> ValidationSource.generated(seed, rows, minPerClass);
            case "csv" -> {
                if (csvPath.isBlank()) {
                    throw new IllegalArgumentException("updater.validation.source=csv needs updater.validation.csv-path");
                }
                yield ValidationSource.csv(Path.of(csvPath), rows);
            }
            default -> throw new IllegalArgumentException("updater.validation.source must be generated or csv, not " + source);
        };
    }

    @Singleton
    TrainingSettings trainingSettings(Environment env,
                                      @Value("${updater.training.teacher-hidden:128,64}") String teacherHidden,
                                      @Value("${updater.training.student-hidden:32}") String studentHidden,
                                      @Value("${updater.training.teacher-epochs:200}") int teacherEpochs,
                                      @Value("${updater.training.student-epochs:100}") int studentEpochs,
                                      @Value("${updater.training.temperature:4}") float temperature,
                                      @Value("${updater.training.alpha:0.7}") float alpha,
                                      @Value("${updater.training.transfer-copies:10}") int copies,
                                      @Value("${updater.training.transfer-noise:0.2}") float noise,
                                      @Value("${updater.training.knowledge-samples-per-class:0}") int knowledgePerClass,
                                      @Value("${updater.training.knowledge-spread:0.5}") float knowledgeSpread,
                                      @Value("${updater.training.min-improvement:0.0}") double minImprovement,
                                      @Value("${updater.training.personalised-tolerance:0.05}") double tolerance,
                                      @Value("${updater.training.max-personalisations-per-set:3}") int maxPersonalisations) {
        Map<String, String> cohorts = new LinkedHashMap<>();
        env.getProperties("updater.cohorts").forEach((k, v) -> cohorts.put(k, String.valueOf(v)));
        return new TrainingSettings(ints(teacherHidden), ints(studentHidden), teacherEpochs, studentEpochs, temperature,
                alpha, copies, noise, knowledgePerClass, knowledgeSpread, minImprovement, tolerance, maxPersonalisations,
                Map.copyOf(cohorts));
    }

    private static int[] ints(String csv) {
        return Arrays.stream(csv.split(",")).map(String::trim).filter(s -> !s.isEmpty()).mapToInt(Integer::parseInt)
                .toArray();
    }

    /** How every Kafka client of the updater authenticates ({@code updater.kafka.*}; plaintext when blank). */
    @Singleton
    KafkaClientSecurity kafkaSecurity(@Value("${updater.kafka.client-properties:}") String clientProperties,
                                      @Value("${updater.kafka.security-protocol:}") String protocol,
                                      @Value("${updater.kafka.sasl-mechanism:}") String mechanism,
                                      @Value("${updater.kafka.sasl-username:}") String username,
                                      @Value("${updater.kafka.sasl-password:}") String password) {
        return KafkaClientSecurity.resolve(clientProperties, protocol, mechanism, username, password);
    }

    @Singleton
    @Requires(property = "updater.kafka.enabled", notEquals = "false")
    @Bean(preDestroy = "close")
    KafkaModelPublisher kafkaPublisher(@Value("${updater.kafka.bootstrap-servers:127.0.0.1:9092}") String bootstrap,
                                       @Value("${updater.kafka.registry-url:`http://127.0.0.1:8081/apis/registry/v3`}") String registry,
                                       KafkaClientSecurity security) {
        return new KafkaModelPublisher(bootstrap, registry, "model-updater", security);
    }

    @Singleton
    @Requires(property = "updater.kafka.enabled", value = "false")
    InMemoryPublisher inMemoryPublisher() {
        return new InMemoryPublisher();
    }

    @Singleton
    ModelUpdateService service(ValidationSource validation, UpdateSigner signer, ModelPublisher publisher,
                               TrainingSettings settings, MeterRegistry meters,
                               @Value("${updater.preprocessing.spec-path:}") String specPath) {
        ModelUpdateService s = new ModelUpdateService(validation, signer, publisher, settings);
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
        return s;
    }

    @Context
    @Requires(property = "updater.kafka.enabled", notEquals = "false")
    @Bean(preDestroy = "close")
    UpdaterKafkaLoop kafkaLoop(ModelUpdateService service,
                               @Value("${updater.kafka.bootstrap-servers:127.0.0.1:9092}") String bootstrap,
                               @Value("${updater.kafka.registry-url:`http://127.0.0.1:8081/apis/registry/v3`}") String registry,
                               @Value("${updater.kafka.group-id:model-updater}") String groupId,
                               KafkaClientSecurity security) {
        Thread warmUp = new Thread(() -> {
            try {
                service.warmUp();
            } catch (RuntimeException e) {
                LOG.warn("warm-up failed (the first synthetic set will load what it needs): {}", e.toString());
            }
        }, "updater-warm-up");
        warmUp.setDaemon(true);
        warmUp.start();
        UpdaterKafkaLoop loop = new UpdaterKafkaLoop(service, bootstrap, registry, groupId, security);
        loop.start();
        LOG.info("model-updater Kafka loop started against {} / {} as {}", bootstrap, registry, security);
        return loop;
    }
}
