package io.edgedistill.edge.core;

import static io.edgedistill.deploy.StackClients.avroProducer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.ByteBuffer;
import java.security.KeyPair;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.edgedistill.core.model.ModelFormat;
import io.edgedistill.core.signing.Ed25519Keys;
import io.edgedistill.deploy.LocalStack;
import io.edgedistill.deploy.LocalStackExtension;
import io.edgedistill.schemas.DeadLetter;
import io.edgedistill.schemas.ModelUpdate;
import io.edgedistill.schemas.Topics;
import io.edgedistill.schemas.client.KafkaClientSettings;
import io.edgedistill.schemas.serde.AvroSerdes;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Model integrity on the real broker and registry (issue 5 item 4): an edge runs only updates signed by a
 * trusted key, with a matching checksum and a version higher than any it accepted. Every tampered variant of a
 * legitimate update (weights, checksum, signature, key, algorithm, version; a replay and a downgrade) is
 * refused, the edge keeps running its model, and each refusal is reported as a dead letter with the reason.
 */
@Tag("integration")
@ExtendWith(LocalStackExtension.class)
@Timeout(value = 180, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ModelIntegrityTest {

    @Test
    void everyTamperedReplayedOrDowngradedUpdateIsRefusedAndReported(LocalStack stack) throws Exception {
        EdgeFixtures fx = new EdgeFixtures(5, 1500);
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        String task = "integrity-" + suffix;
        String edgeId = "edge-integrity-" + suffix;
        KeyPair rogue = Ed25519Keys.generate();
        EdgeRuntime edge = EdgeRuntime.create(new EdgeSettings(edgeId, task, "", true, 0.0, 0.6f, 0.5, 50, true),
                fx.data, new ModelVerifier(Map.of(fx.keyId, fx.key.getPublic())),
                new EdgeRuntime.Settings(KafkaClientSettings.of(stack.bootstrapServers(), stack.registryUrl()), null, false, 256,
                        Duration.ofHours(1)));
        edge.start();
        try (edge; KafkaProducer<String, SpecificRecord> producer = avroProducer(stack,
                Map.of(ProducerConfig.ACKS_CONFIG, "all"))) {
            ModelUpdate v1 = fx.update(task, 1, fx.randomModel(1));
            ModelUpdate v2 = fx.update(task, 2, fx.randomModel(2));
            send(producer, v2);
            await().atMost(Duration.ofSeconds(60)).until(() -> edge.node().slot().live() != null
                    && edge.node().slot().live().version() == 2);

            // (expected reason, update) in the order they are published
            List<Map.Entry<String, ModelUpdate>> variants = new ArrayList<>();
            ModelUpdate flipped = copy(fx.update(task, 3, fx.randomModel(3)));
            byte[] w = bytes(flipped.getWeights());
            w[w.length / 2] ^= 0x01;
            flipped.setWeights(ByteBuffer.wrap(w));
            variants.add(Map.entry("BAD_CHECKSUM", flipped)); // weights changed after signing
            ModelUpdate resummed = copy(flipped);
            resummed.setSha256(ModelFormat.sha256Hex(w));
            variants.add(Map.entry("BAD_SIGNATURE", resummed)); // weights and checksum changed, signature not
            ModelUpdate bumped = copy(fx.update(task, 3, fx.randomModel(3)));
            bumped.setVersion(9); // version raised after signing
            variants.add(Map.entry("BAD_SIGNATURE", bumped));
            variants.add(Map.entry("UNTRUSTED_KEY", fx.update(task, 4, fx.randomModel(4), rogue, Ed25519Keys.keyId(rogue.getPublic()))));
            variants.add(Map.entry("BAD_SIGNATURE", fx.update(task, 5, fx.randomModel(5), rogue, fx.keyId))); // claims the trusted key
            ModelUpdate algorithm = copy(fx.update(task, 6, fx.randomModel(6)));
            algorithm.setSignatureAlgorithm("none");
            variants.add(Map.entry("UNSUPPORTED_ALGORITHM", algorithm));
            variants.add(Map.entry("REPLAY_OR_DOWNGRADE", v2)); // the live update, published again
            variants.add(Map.entry("REPLAY_OR_DOWNGRADE", v1)); // an older, validly signed version
            for (Map.Entry<String, ModelUpdate> v : variants) {
                send(producer, v.getValue());
            }
            ModelUpdate v3 = fx.update(task, 3, fx.randomModel(33));
            send(producer, v3); // a legitimate update after all of them still goes through
            await().atMost(Duration.ofSeconds(60)).until(() -> edge.node().slot().live().version() == 3);
            assertThat(edge.node().slot().live().sha256()).isEqualTo(v3.getSha256());

            List<DeadLetter> letters = new ArrayList<>();
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                letters.clear();
                letters.addAll(deadLetters(stack, "edge-" + edgeId));
                return letters.size() >= variants.size();
            });
            assertThat(letters).extracting(DeadLetter::getErrorClass).containsExactlyElementsOf(
                    variants.stream().map(v -> EdgeRuntime.MODEL_REJECTED + v.getKey()).toList());
            assertThat(letters).allSatisfy(l -> {
                assertThat(l.getSourceTopic()).isEqualTo(Topics.MODEL_UPDATES);
                assertThat(l.getErrorMessage()).isNotBlank();
                assertThat(l.getValue()).as("the refused record's bytes are kept").isNotNull();
            });
            Map<String, Long> rejected = edge.node().slot().rejectedCounts();
            assertThat(rejected.get("BAD_CHECKSUM")).isEqualTo(1);
            assertThat(rejected.get("BAD_SIGNATURE")).isEqualTo(3);
            assertThat(rejected.get("UNTRUSTED_KEY")).isEqualTo(1);
            assertThat(rejected.get("UNSUPPORTED_ALGORITHM")).isEqualTo(1);
            assertThat(rejected.get("REPLAY_OR_DOWNGRADE")).isEqualTo(2);
            assertThat(edge.node().slot().swaps()).as("v2 then v3, nothing else").isEqualTo(2);
        }
    }

    private static void send(KafkaProducer<String, SpecificRecord> producer, ModelUpdate u) throws Exception {
        producer.send(new ProducerRecord<>(Topics.MODEL_UPDATES, u.getModelId(), u)).get();
    }

    private static ModelUpdate copy(ModelUpdate u) {
        return ModelUpdate.newBuilder(u).build();
    }

    private static byte[] bytes(ByteBuffer b) {
        ByteBuffer d = b.duplicate();
        byte[] out = new byte[d.remaining()];
        d.get(out);
        return out;
    }

    /** The dead letters of models.updates written by one service, in order. */
    private static List<DeadLetter> deadLetters(LocalStack stack, String service) {
        String dlq = Topics.deadLetterTopic(Topics.MODEL_UPDATES);
        List<DeadLetter> out = new ArrayList<>();
        Map<String, Object> cfg = new HashMap<>();
        cfg.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers());
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(cfg, new ByteArrayDeserializer(), new ByteArrayDeserializer());
             Deserializer<DeadLetter> d = AvroSerdes.deserializer(stack.registryUrl(), false)) {
            List<TopicPartition> parts = c.partitionsFor(dlq).stream().map(p -> new TopicPartition(dlq, p.partition())).toList();
            c.assign(parts);
            c.seekToBeginning(parts);
            Map<TopicPartition, Long> end = c.endOffsets(parts);
            while (parts.stream().anyMatch(tp -> c.position(tp) < end.get(tp))) {
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200))) {
                    DeadLetter l = d.deserialize(dlq, r.headers(), r.value());
                    if (l.getService().equals(service)) {
                        out.add(l);
                    }
                }
            }
        }
        out.sort(java.util.Comparator.comparingLong(DeadLetter::getSourceOffset));
        return out;
    }
}
