package io.edgedistill.updater.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import io.edgedistill.schemas.client.KafkaClientSettings;
import io.micronaut.context.ApplicationContext;
import org.junit.jupiter.api.Test;

/** Binding only: Kafka is off in these contexts, so that no Kafka loop starts against an absent broker. */
class UpdaterConfigTest {
    private static final String KAFKA_ENABLED = "updater.kafka.enabled";

    @Test
    void withNothingElseConfiguredTheUpdaterUsesTheDeclaredDefaults() {
        try (ApplicationContext ctx = ApplicationContext.run(Map.of(KAFKA_ENABLED, "false"))) {
            UpdaterConfig c = ctx.getBean(UpdaterConfig.class);

            assertThat(c.kafka().groupId()).isEqualTo("model-updater");
            assertThat(c.signing().privateKey()).isEmpty();
            assertThat(c.validation().source()).isEqualTo("generated");
            assertThat(c.validation().seed()).isEqualTo(9001L);
            assertThat(c.validation().rows()).isEqualTo(6000);
            assertThat(c.validation().minPerClass()).isEqualTo(150);
            assertThat(c.preprocessing().specPath()).isEmpty();
            assertThat(c.training().teacherHidden()).containsExactly(128, 64);
            assertThat(c.training().studentHidden()).containsExactly(32);
            assertThat(c.training().teacherEpochs()).isEqualTo(200);
            assertThat(c.training().temperature()).isEqualTo(4f);
            assertThat(c.training().alpha()).isEqualTo(0.7f);
            assertThat(c.training().transferNoise()).isEqualTo(0.2f);
            assertThat(c.training().personalisedTolerance()).isEqualTo(0.05);
            assertThat(c.training().maxPersonalisationsPerSet()).isEqualTo(3);
            assertThat(c.training().cohort()).isEqualTo(UpdaterConfig.Training.Cohort.defaults());
            assertThat(c.cohorts()).isEmpty();
        }
    }

    @Test
    void updaterKeysOverrideTheirGroupAndLeaveTheOtherDefaults() {
        try (ApplicationContext ctx = ApplicationContext.run(Map.of(KAFKA_ENABLED, "false",
                "updater.kafka.group-id", "model-updater-test",
                "updater.validation.rows", "2000",
                "updater.training.student-hidden", "64,32",
                "updater.training.personalised-tolerance", "1.0",
                "updater.training.cohort.epochs", "4"))) {
            UpdaterConfig c = ctx.getBean(UpdaterConfig.class);

            assertThat(c.kafka().groupId()).isEqualTo("model-updater-test");
            assertThat(c.kafka().enabled()).isFalse();
            assertThat(c.validation().rows()).isEqualTo(2000);
            assertThat(c.validation().seed()).isEqualTo(9001L);
            assertThat(c.training().studentHidden()).containsExactly(64, 32);
            assertThat(c.training().teacherHidden()).containsExactly(128, 64);
            assertThat(c.training().personalisedTolerance()).isEqualTo(1.0);
            assertThat(c.training().cohort().epochs()).isEqualTo(4);
            assertThat(c.training().cohort().rowsPerClass()).isEqualTo(UpdaterConfig.Training.Cohort.defaults().rowsPerClass());
        }
    }

    @Test
    void theUpdatersKafkaClientsConnectWithTheSharedEdgedistillKafkaKeys() {
        try (ApplicationContext ctx = ApplicationContext.run(Map.of(KAFKA_ENABLED, "false",
                "edgedistill.kafka.bootstrap-servers", "broker:9094",
                "edgedistill.kafka.sasl-username", "model-updater",
                "edgedistill.kafka.sasl-password", "s3cret"))) {
            KafkaClientSettings client = ctx.getBean(KafkaClientSettings.class);

            assertThat(client.common()).containsEntry("bootstrap.servers", "broker:9094")
                    .containsEntry("security.protocol", "SASL_PLAINTEXT");
            assertThat(client.reliableAvroProducer("model-updater")).containsEntry("acks", "all")
                    .containsEntry("enable.idempotence", true);
        }
    }

    @Test
    void withoutTheEdgesKeysKnowledgeCannotCorroborateANovelty() {
        try (ApplicationContext ctx = ApplicationContext.run(Map.of(KAFKA_ENABLED, "false"))) {
            assertThat(ctx.getBean(io.edgedistill.updater.service.ModelUpdateService.class).noveltyCorroboratingEdges())
                    .as("knowledge is not authenticated: approval only").isZero();
        }
        String key = io.edgedistill.core.signing.Ed25519Keys.encodePublic(
                io.edgedistill.core.signing.Ed25519Keys.generate().getPublic());
        try (ApplicationContext ctx = ApplicationContext.run(Map.of(KAFKA_ENABLED, "false",
                "updater.rollout.edge-keys", "edge-1=" + key))) {
            assertThat(ctx.getBean(io.edgedistill.updater.service.ModelUpdateService.class).noveltyCorroboratingEdges())
                    .isEqualTo(3);
        }
    }

    @Test
    void cohortsMapEdgeIdsToTheirCohort() {
        try (ApplicationContext ctx = ApplicationContext.run(Map.of(KAFKA_ENABLED, "false",
                "updater.cohorts.edge-1", "north",
                "updater.cohorts.edge-2", "north"))) {
            UpdaterConfig c = ctx.getBean(UpdaterConfig.class);

            assertThat(c.cohorts()).containsExactlyInAnyOrderEntriesOf(Map.of("edge-1", "north", "edge-2", "north"));
        }
    }
}
