package io.edgedistill.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.edgedistill.schemas.AttackAlert;
import io.edgedistill.schemas.ContractSamples;
import io.edgedistill.schemas.DeadLetter;
import io.edgedistill.schemas.EdgeSummary;
import io.edgedistill.schemas.Topics;
import io.edgedistill.schemas.TrafficFlow;
import io.edgedistill.schemas.dlq.KafkaDeadLetterSink;
import io.edgedistill.schemas.dlq.SafeDecoder;
import io.edgedistill.schemas.serde.AvroSerdes;
import io.edgedistill.schemas.serde.WireFormat;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Everything that needs the real broker and the real registry, sharing one stack per test run. */
@Tag("integration")
@ExtendWith(LocalStackExtension.class)
class StackIntegrationTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void topicsFollowThePlanAndReapplyingItChangesNothing(LocalStack stack) throws Exception {
        try (Admin admin = stack.admin()) {
            Set<String> names = admin.listTopics().names().get();
            for (TopicPlan.Topic t : stack.topicPlan().topics()) {
                assertThat(names).contains(t.name());
            }
            ConfigResource rounds = new ConfigResource(ConfigResource.Type.TOPIC, Topics.ROUNDS);
            ConfigResource traffic = new ConfigResource(ConfigResource.Type.TOPIC, Topics.TRAFFIC);
            Map<ConfigResource, Config> cfg = admin.describeConfigs(List.of(rounds, traffic)).all().get();
            assertThat(cfg.get(rounds).get("cleanup.policy").value()).isEqualTo("compact");
            assertThat(cfg.get(traffic).get("cleanup.policy").value()).isEqualTo("delete");
            for (String compacted : List.of(Topics.ROUNDS, Topics.SYNTHETIC_SETS, Topics.MODEL_UPDATES)) {
                assertThat(stack.topicPlan().topic(compacted).compacted()).as(compacted).isTrue();
            }
            assertThat(admin.describeTopics(List.of(Topics.TRAFFIC)).allTopicNames().get().get(Topics.TRAFFIC).partitions()).hasSize(6);
            TopicPlan.Result again = stack.topicPlan().apply(admin);
            assertThat(again.created()).isEmpty();
            assertThat(again.updated()).isEmpty();
            assertThat(again.unchanged()).hasSize(stack.topicPlan().topics().size());
        }
    }

    @Test
    void registryEnforcesBackwardCompatibility(LocalStack stack) throws Exception {
        assertThat(stack.registry().globalRule("COMPATIBILITY")).isEqualTo("BACKWARD");
        String subject = "compat-probe-" + UUID.randomUUID() + "-value";
        String v1 = "{\"type\":\"record\",\"name\":\"Probe\",\"fields\":[{\"name\":\"a\",\"type\":\"string\"}]}";
        String v2ok = "{\"type\":\"record\",\"name\":\"Probe\",\"fields\":[{\"name\":\"a\",\"type\":\"string\"},"
                + "{\"name\":\"b\",\"type\":\"int\",\"default\":0}]}";
        String v3bad = "{\"type\":\"record\",\"name\":\"Probe\",\"fields\":[{\"name\":\"a\",\"type\":\"string\"},"
                + "{\"name\":\"b\",\"type\":\"int\",\"default\":0},{\"name\":\"c\",\"type\":\"string\"}]}";
        assertThat(registerConfluent(stack, subject, v1).statusCode()).isEqualTo(200);
        assertThat(registerConfluent(stack, subject, v2ok).statusCode()).isEqualTo(200);
        HttpResponse<String> refused = registerConfluent(stack, subject, v3bad);
        assertThat(refused.statusCode()).as(refused.body()).isEqualTo(409);
    }

    @Test
    void everyContractRoundTripsThroughTheRegistryInConfluentWireFormat(LocalStack stack) throws Exception {
        Map<String, SpecificRecord> samples = ContractSamples.all(7);
        Map<String, RecordMetadata> written = new HashMap<>();
        try (KafkaProducer<String, SpecificRecord> producer = avroProducer(stack)) {
            for (var e : samples.entrySet()) {
                written.put(e.getKey(), producer.send(new ProducerRecord<>(e.getKey(), "k", e.getValue())).get());
            }
        }
        try (KafkaConsumer<byte[], byte[]> consumer = rawConsumer(stack);
             var decoder = AvroSerdes.<SpecificRecord>deserializer(stack.registryUrl(), false)) {
            for (var e : samples.entrySet()) {
                ConsumerRecord<byte[], byte[]> raw = readAt(consumer, written.get(e.getKey()));
                assertThat(raw.value()[0]).as("magic byte").isEqualTo(WireFormat.MAGIC);
                assertThat(raw.headers().toArray()).as("no registry headers needed").isEmpty();
                int id = WireFormat.schemaId(raw.value()).orElseThrow();
                // the id in the payload is the one Confluent clients get for subject <topic>-value
                JsonNode latest = JSON.readTree(get(stack.confluentRegistryUrl() + "/subjects/" + e.getKey() + "-value/versions/latest"));
                assertThat(latest.path("id").asInt()).isEqualTo(id);
                assertThat(decoder.deserialize(e.getKey(), raw.headers(), raw.value())).isEqualTo(e.getValue());
            }
        }
    }

    @Test
    void malformedAndInvalidRecordsLandInTheDeadLetterTopicWithTheirReason(LocalStack stack) throws Exception {
        EdgeSummary good = ContractSamples.edgeSummary(3, "edge-ok", 4, 8);
        byte[] goodBytes;
        try (var ser = AvroSerdes.<EdgeSummary>serializer(stack.registryUrl(), false)) {
            goodBytes = ser.serialize(Topics.SUMMARIES, good);
        }
        byte[] unknownId = goodBytes.clone();
        ByteBuffer.wrap(unknownId).putInt(1, 987_654);
        byte[] wrongMagic = goodBytes.clone();
        wrongMagic[0] = 7;
        byte[] random = new byte[64];
        new Random(1).nextBytes(random);
        random[0] = 0; // framed like the wire format, but the body is noise
        byte[] oversized = new byte[300_000];
        Map<String, byte[]> bad = new java.util.LinkedHashMap<>();
        bad.put("unknown-schema-id", unknownId);
        bad.put("wrong-magic", wrongMagic);
        bad.put("random-bytes", random);
        bad.put("oversized", oversized);
        bad.put("invalid-dimensions", goodBytes); // decodes, but the validator refuses it

        String service = "dlq-test-" + UUID.randomUUID();
        Map<String, Long> offsets = new HashMap<>();
        try (KafkaProducer<byte[], byte[]> producer = rawProducer(stack)) {
            for (var e : bad.entrySet()) {
                RecordMetadata md = producer.send(new ProducerRecord<>(Topics.SUMMARIES, 0, e.getKey().getBytes(), e.getValue())).get();
                offsets.put(e.getKey(), md.offset());
            }
        }
        List<String> violations = List.of("means has 32 floats, expected numNetworks*embedDim = 64");
        try (KafkaConsumer<byte[], byte[]> consumer = rawConsumer(stack);
             KafkaDeadLetterSink sink = new KafkaDeadLetterSink(stack.bootstrapServers(), stack.registryUrl(), Map.of())) {
            SafeDecoder<EdgeSummary> decoder = new SafeDecoder<>(AvroSerdes.deserializer(stack.registryUrl(), false),
                    s -> s.getEdgeId().equals("edge-ok") ? violations : List.of(), sink, service, 256 * 1024);
            for (var e : bad.entrySet()) {
                ConsumerRecord<byte[], byte[]> raw = readAt(consumer, Topics.SUMMARIES, 0, offsets.get(e.getKey()));
                assertThat(decoder.decode(raw)).as(e.getKey()).isEmpty();
            }
            assertThat(decoder.deadLetterCount()).isEqualTo(bad.size());
        }
        Map<String, DeadLetter> letters = new HashMap<>();
        try (KafkaConsumer<byte[], byte[]> consumer = rawConsumer(stack);
             var decoder = AvroSerdes.<DeadLetter>deserializer(stack.registryUrl(), false)) {
            String dlq = Topics.deadLetterTopic(Topics.SUMMARIES);
            consumer.assign(consumer.partitionsFor(dlq).stream().map(p -> new TopicPartition(dlq, p.partition())).toList());
            consumer.seekToBeginning(consumer.assignment());
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(300))) {
                    DeadLetter l = decoder.deserialize(dlq, r.headers(), r.value());
                    if (l.getService().equals(service)) {
                        letters.put(new String(bytes(l.getKey()), StandardCharsets.UTF_8), l);
                    }
                }
                return letters.size() == bad.size();
            });
        }
        assertThat(letters.get("unknown-schema-id").getErrorMessage()).containsIgnoringCase("987654");
        assertThat(letters.get("wrong-magic").getErrorClass()).isEqualTo(SafeDecoder.NOT_WIRE_FORMAT);
        assertThat(letters.get("random-bytes").getErrorClass()).isNotBlank();
        assertThat(letters.get("oversized").getErrorClass()).isEqualTo(SafeDecoder.OVERSIZED);
        assertThat(letters.get("oversized").getValueTruncated()).isFalse();
        assertThat(letters.get("oversized").getOriginalValueSize()).isEqualTo(300_000);
        assertThat(letters.get("invalid-dimensions").getErrorClass()).isEqualTo(SafeDecoder.INVALID);
        assertThat(letters.get("invalid-dimensions").getErrorMessage()).isEqualTo(violations.get(0));
        for (var e : bad.entrySet()) {
            DeadLetter l = letters.get(e.getKey());
            assertThat(l.getSourceTopic()).isEqualTo(Topics.SUMMARIES);
            assertThat(l.getSourceOffset()).isEqualTo(offsets.get(e.getKey()));
            assertThat(bytes(l.getValue())).as("original bytes kept for %s", e.getKey()).isEqualTo(e.getValue());
        }
    }

    @Test
    void aNodeConfluentClientAndTheJavaServicesReadEachOthersRecords(LocalStack stack) throws Exception {
        // Java registers the schemas first (as the services do on their first write)
        try (KafkaProducer<String, SpecificRecord> producer = avroProducer(stack)) {
            producer.send(new ProducerRecord<>(Topics.TRAFFIC, "edge-java", ContractSamples.trafficFlow(1, "edge-java"))).get();
        }
        // Node -> Java: a TrafficFlow produced by kafkajs + @confluentinc/schemaregistry
        String flowId = "node-flow-" + UUID.randomUUID();
        String valueJson = "{\"edgeId\":\"edge-node\",\"flowId\":\"" + flowId + "\",\"observedAt\":1700000000123,"
                + "\"numeric\":{\"Dur\":1.5,\"TotPkts\":42.0},\"categorical\":{\"Proto\":\"udp\"},\"label\":\"UDPFlood\"}";
        NodeInterop.Result produced = NodeInterop.node("produce", Map.of("BOOTSTRAP", stack.bootstrapServers(),
                "REGISTRY", stack.confluentRegistryUrl(), "TOPIC", Topics.TRAFFIC, "VALUE_JSON", valueJson, "KEY", "edge-node", "KAFKAJS_LOG", "info"));
        assertThat(produced.exit()).as(produced.output()).isZero();
        JsonNode md = JSON.readTree(produced.result());
        assertThat(md.path("magic").asInt()).isZero();
        try (KafkaConsumer<byte[], byte[]> consumer = rawConsumer(stack);
             var decoder = AvroSerdes.<TrafficFlow>deserializer(stack.registryUrl(), false)) {
            ConsumerRecord<byte[], byte[]> raw = readAt(consumer, Topics.TRAFFIC, md.path("partition").asInt(), md.path("offset").asLong());
            TrafficFlow flow = decoder.deserialize(Topics.TRAFFIC, raw.headers(), raw.value());
            assertThat(flow.getFlowId()).isEqualTo(flowId);
            assertThat(flow.getEdgeId()).isEqualTo("edge-node");
            assertThat(flow.getObservedAt()).isEqualTo(Instant.ofEpochMilli(1_700_000_000_123L));
            assertThat(flow.getNumeric()).containsEntry("Dur", 1.5).containsEntry("TotPkts", 42.0);
            assertThat(flow.getCategorical()).containsEntry("Proto", "udp");
            assertThat(flow.getLabel()).isEqualTo("UDPFlood");
            assertThat(WireFormat.schemaId(raw.value()).orElseThrow()).isEqualTo(md.path("schemaId").asInt());
        }
        // Java -> Node: an AttackAlert produced by the Java serde, decoded by Confluent's client
        AttackAlert alert = ContractSamples.attackAlert(99);
        alert.setAlertId("java-alert-" + UUID.randomUUID());
        RecordMetadata alertAt;
        try (KafkaProducer<String, SpecificRecord> producer = avroProducer(stack)) {
            alertAt = producer.send(new ProducerRecord<>(Topics.ALERTS, alert.getEdgeId(), alert)).get();
        }
        NodeInterop.Result consumed = NodeInterop.node("consume", Map.of("BOOTSTRAP", stack.bootstrapServers(),
                "REGISTRY", stack.confluentRegistryUrl(), "TOPIC", Topics.ALERTS, "PARTITION", String.valueOf(alertAt.partition()),
                "OFFSET", String.valueOf(alertAt.offset()), "KAFKAJS_LOG", "info"));
        assertThat(consumed.exit()).as(consumed.output()).isZero();
        JsonNode rec = JSON.readTree(consumed.result()).path("record");
        assertThat(rec.path("alertId").asText()).isEqualTo(alert.getAlertId());
        assertThat(rec.path("attackClass").asText()).isEqualTo("UDPFlood");
        assertThat(rec.path("kind").asText()).isEqualTo("NETWORK_ATTACK");
        assertThat(rec.path("score").asDouble()).isEqualTo(0.97);
        assertThat(rec.path("edgeId").asText()).isEqualTo("edge-001");
    }

    // ---- helpers ----

    private HttpResponse<String> registerConfluent(LocalStack stack, String subject, String schema) throws Exception {
        String body = JSON.writeValueAsString(Map.of("schema", schema));
        return http.send(HttpRequest.newBuilder(URI.create(stack.confluentRegistryUrl() + "/subjects/" + subject + "/versions"))
                .header("Content-Type", "application/vnd.schemaregistry.v1+json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private String get(String url) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url)).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(url + " -> " + r.body()).isEqualTo(200);
        return r.body();
    }

    static KafkaProducer<String, SpecificRecord> avroProducer(LocalStack stack) {
        return StackClients.avroProducer(stack, Map.of(ProducerConfig.ACKS_CONFIG, "all"));
    }

    static KafkaProducer<byte[], byte[]> rawProducer(LocalStack stack) {
        Map<String, Object> cfg = new HashMap<>();
        cfg.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers());
        cfg.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        cfg.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        cfg.put(ProducerConfig.ACKS_CONFIG, "all");
        return new KafkaProducer<>(cfg);
    }

    static KafkaConsumer<byte[], byte[]> rawConsumer(LocalStack stack) {
        Map<String, Object> cfg = new HashMap<>();
        cfg.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers());
        cfg.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        cfg.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        cfg.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        return new KafkaConsumer<>(cfg);
    }

    static ConsumerRecord<byte[], byte[]> readAt(KafkaConsumer<byte[], byte[]> consumer, RecordMetadata md) {
        return readAt(consumer, md.topic(), md.partition(), md.offset());
    }

    static ConsumerRecord<byte[], byte[]> readAt(KafkaConsumer<byte[], byte[]> consumer, String topic, int partition, long offset) {
        TopicPartition tp = new TopicPartition(topic, partition);
        consumer.assign(List.of(tp));
        consumer.seek(tp, offset);
        List<ConsumerRecord<byte[], byte[]>> found = new ArrayList<>();
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                if (r.offset() == offset) {
                    found.add(r);
                }
            }
            return !found.isEmpty();
        });
        return found.get(0);
    }

    static byte[] bytes(ByteBuffer buffer) {
        ByteBuffer b = buffer.duplicate();
        byte[] out = new byte[b.remaining()];
        b.get(out);
        return out;
    }
}
