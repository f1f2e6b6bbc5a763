package io.edgedistill.updater.kafka;

import static io.edgedistill.deploy.StackClients.avroConsumer;
import static io.edgedistill.deploy.StackClients.client;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import io.edgedistill.core.model.MlpModel;
import io.edgedistill.core.model.ModelFormat;
import io.edgedistill.deploy.LocalStack;
import io.edgedistill.deploy.LocalStackExtension;
import io.edgedistill.schemas.ModelUpdate;
import io.edgedistill.schemas.Topics;
import io.edgedistill.schemas.ValidationMetrics;
import io.edgedistill.updater.service.ModelUpdateService;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Two publishers of one updater group on the real broker: when the second becomes active, the first, which has not
 * noticed that it lost the group (a long pause), can no longer publish: the broker fences its producer. Only the
 * active instance's updates reach {@code models.updates}; a standby publishes nothing.
 */
@Tag("integration")
@ExtendWith(LocalStackExtension.class)
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class PublisherFencingIntegrationTest {

    @Test
    void theNewActiveInstanceFencesTheStaleOne(LocalStack stack) {
        String model = "fencing-" + UUID.randomUUID().toString().substring(0, 8);
        String transactionalId = "model-updater-" + model + "-publisher";
        try (KafkaModelPublisher stale = new KafkaModelPublisher(client(stack), "updater-a", transactionalId);
             KafkaModelPublisher next = new KafkaModelPublisher(client(stack), "updater-b", transactionalId)) {
            assertThatThrownBy(() -> next.publish(update(model, 1))).as("a standby publishes nothing")
                    .isInstanceOf(KafkaException.class).hasMessageContaining("not the active");
            stale.activate();
            stale.publish(update(model, 1));

            next.activate(); // the group gave the partitions to the other instance; the stale one has not noticed
            assertThatThrownBy(() -> stale.publish(update(model, 2))).isInstanceOf(KafkaException.class)
                    .hasMessageContaining("fenced");
            assertThat(stale.active()).isFalse();
            next.publish(update(model, 2));
        }
        assertThat(versionsOn(stack, model)).containsExactly(1L, 2L);
    }

    private static List<Long> versionsOn(LocalStack stack, String model) {
        List<Long> out = new ArrayList<>();
        try (KafkaConsumer<String, ModelUpdate> c = avroConsumer(stack, "fencing-reader-" + UUID.randomUUID())) {
            c.subscribe(List.of(Topics.MODEL_UPDATES));
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (out.size() < 2 && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, ModelUpdate> r : c.poll(Duration.ofMillis(300))) {
                    if (r.value() != null && r.value().getModelId().equals(model)) {
                        out.add(r.value().getVersion());
                    }
                }
            }
            // nothing else arrives (read uncommitted: a fenced producer's records never reached the log)
            for (ConsumerRecord<String, ModelUpdate> r : c.poll(Duration.ofSeconds(1))) {
                if (r.value() != null && r.value().getModelId().equals(model)) {
                    out.add(r.value().getVersion());
                }
            }
        }
        return out;
    }

    private static ModelUpdate update(String modelId, long version) {
        MlpModel m = new MlpModel(new int[] {3, 2}, new float[][] {{1, 2, 3, 4, 5, 6}}, new float[][] {{0, 0}});
        byte[] w = ModelFormat.write(m);
        return ModelUpdate.newBuilder().setModelId(modelId).setTaskId(modelId).setCohort(null).setVersion(version)
                .setFormat(ModelUpdateService.FORMAT).setArchitecture("mlp 3-2").setWeights(ByteBuffer.wrap(w))
                .setSha256(ModelFormat.sha256Hex(w)).setSigningKeyId("k").setSignature(ByteBuffer.wrap(new byte[64]))
                .setSyntheticSetVersion(version).setClasses(List.of("a", "b"))
                .setMetrics(ValidationMetrics.newBuilder().setAccuracy(1).setMacroF1(1).setSamples(1).build())
                .setCreatedAt(Instant.now()).build();
    }
}
