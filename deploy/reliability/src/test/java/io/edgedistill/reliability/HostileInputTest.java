package io.edgedistill.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import com.fasterxml.jackson.databind.JsonNode;
import io.edgedistill.deploy.LocalStack;
import io.edgedistill.deploy.LocalStackExtension;
import io.edgedistill.deploy.ServiceProcess;
import io.edgedistill.edge.core.EdgeRuntime;
import io.edgedistill.edge.core.EdgeSettings;
import io.edgedistill.edge.core.Flows;
import io.edgedistill.edge.core.LocalData;
import io.edgedistill.edge.core.ModelVerifier;
import io.edgedistill.edge.core.SummaryAnswerer;
import io.edgedistill.schemas.ClassSummary;
import io.edgedistill.schemas.ContractSamples;
import io.edgedistill.schemas.DeadLetter;
import io.edgedistill.schemas.EdgeKnowledge;
import io.edgedistill.schemas.EdgeSummary;
import io.edgedistill.schemas.KnowledgeClass;
import io.edgedistill.schemas.ModelUpdate;
import io.edgedistill.schemas.RoundSpec;
import io.edgedistill.schemas.SyntheticSample;
import io.edgedistill.schemas.SyntheticSet;
import io.edgedistill.schemas.Topics;
import io.edgedistill.schemas.TrafficFlow;
import io.edgedistill.schemas.client.KafkaClientSettings;
import io.edgedistill.schemas.serde.AvroSerdes;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.Serializer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hostile and broken input (issue 5 item 3): {@code fuzz.records} seeded malformed records spread over every input
 * topic (random bytes, wrong magic byte, unknown schema id, truncated bodies, empty and null values, oversized
 * values, wrong-dimension embeddings, NaN/Inf, negative counts, unknown rounds and classes, key/edge mismatches,
 * duplicate and out-of-order rounds, tampered, re-keyed, re-versioned and replayed model updates), interleaved
 * with good records, against the processor and the updater (their own JVMs, bounded heaps) and an edge. Every bad
 * record reaches the topic's dead-letter topic from the service that consumes it, every good record is used, and
 * every service is alive and healthy at the end.
 */
@Tag("integration")
@Order(Integer.MAX_VALUE) // last: it leaves undecodable records on the shared stack (junit-platform.properties)
@ExtendWith(LocalStackExtension.class)
class HostileInputTest {

    /** One record to send: where, what kind, whether it is good, key and value bytes. */
    private record Send(String topic, String kind, boolean good, String key, byte[] value) {
    }

    private final Random random = new Random(Long.getLong("soak.seed", 2026));

    @Test
    @Timeout(value = 900, unit = TimeUnit.SECONDS)
    void everyBadRecordIsDeadLetteredEveryGoodOneIsUsedAndNoServiceDies(LocalStack stack, @TempDir Path dir) throws Exception {
        int perTopic = Math.max(60, Integer.getInteger("fuzz.records", 3000) / 6);
        String task = "fuzz-" + UUID.randomUUID().toString().substring(0, 8);
        String edgeId = "fuzz-edge";
        try (ServiceProcess updater = SystemFixture.startUpdater(stack, dir, Map.of())) {
            JsonNode keys = SystemFixture.getJson(updater, "/keys");
            String trusted = keys.path("keyId").asText() + "=" + keys.path("publicKey").asText();
            try (ServiceProcess processor = SystemFixture.startProcessor(SystemFixture.processorProps(stack, dir, task,
                    Map.of("processor.scoring.trusted-keys", trusted, "processor.synthesis.steps", "100")), dir);
                 Serializers ser = new Serializers(stack)) {
                RoundSpec round = SystemFixture.awaitRound(stack, task, 1);
                List<LocalData> shards = LocalData.generatedShards(31, 9000, 18, 0.5);
                EdgeRuntime edge = EdgeRuntime.create(new EdgeSettings(edgeId, task, "", true, 0.0, 0.6f, 0.5, 50, true),
                        shards.get(0), ModelVerifier.fromConfig(List.of(trusted)),
                        new EdgeRuntime.Settings(KafkaClientSettings.of(stack.bootstrapServers(), stack.registryUrl()), null,
                                false, 256, Duration.ofHours(1)));
                edge.start();
                try (edge; KafkaProducer<byte[], byte[]> producer = SystemFixture.rawProducer(stack)) {
                    // ---- phase 1: contributions, traffic, synthetic sets and rounds, good and bad interleaved
                    List<Send> sends = new ArrayList<>();
                    List<String> goodSummaries = new ArrayList<>();
                    for (int i = 1; i <= 12; i++) {
                        String id = "fuzz-good-" + i;
                        goodSummaries.add(id);
                        sends.add(new Send(Topics.SUMMARIES, "good", true, id,
                                ser.bytes(Topics.SUMMARIES, SummaryAnswerer.answer(id, shards.get(i), round))));
                    }
                    List<String> goodKnowledge = new ArrayList<>();
                    for (int i = 13; i <= 16; i++) {
                        String id = "fuzz-know-" + i;
                        goodKnowledge.add(id);
                        sends.add(new Send(Topics.KNOWLEDGE, "good", true, id,
                                ser.bytes(Topics.KNOWLEDGE, knowledge(SummaryAnswerer.answer(id, shards.get(i), round), task))));
                    }
                    Flows flows = new Flows("fuzz-traffic", shards.get(17));
                    int goodFlows = 600;
                    for (int i = 0; i < goodFlows; i++) {
                        sends.add(new Send(Topics.TRAFFIC, "good", true, "fuzz-traffic",
                                ser.bytes(Topics.TRAFFIC, flows.flow(i % flows.size(), i, Instant.now(), true))));
                    }
                    EdgeSummary base = SummaryAnswerer.answer("fuzz-bad", shards.get(1), round);
                    EdgeKnowledge baseK = knowledge(base, task);
                    sends.addAll(bad(Topics.SUMMARIES, perTopic, ser, 1 << 20, true, badSummaries(base, round)));
                    sends.addAll(bad(Topics.KNOWLEDGE, perTopic, ser, 1 << 20, true, badKnowledge(baseK, round)));
                    sends.addAll(bad(Topics.TRAFFIC, perTopic, ser, 64 << 10, true,
                            badFlows(flows.flow(0, 0, Instant.now(), true))));
                    SyntheticSet set = ContractSamples.syntheticSet(7, 2, round.getNetwork().getInputDim());
                    set.setTaskId(task);
                    sends.addAll(bad(Topics.SYNTHETIC_SETS, perTopic, ser, 0, true, badSets(set)));
                    sends.addAll(bad(Topics.ROUNDS, perTopic, ser, 0, false, badRounds(round, task)));
                    Collections.shuffle(sends, random);
                    Map<String, Map<Long, Send>> sent = send(producer, sends); // "topic/partition" -> offset -> send

                    // good contributions are aggregated (accepted or quarantined), good traffic is scored
                    Set<String> expected = new HashSet<>(goodSummaries);
                    expected.add(edgeId); // the edge answers round 1 itself
                    await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(1)).ignoreExceptions().until(() -> {
                        Set<String> seen = aggregated(processor, task);
                        return seen.containsAll(expected) && seen.containsAll(goodKnowledge);
                    });
                    await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofSeconds(1)).ignoreExceptions()
                            .until(() -> counter(processor, "edgedistill.processor.flows.scored")
                                    + counter(processor, "edgedistill.processor.flows.unscored") >= goodFlows);

                    // ---- phase 2: model updates. The updater publishes a model from the processor's good sets
                    await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(1)).until(() ->
                            edge.node().slot().live() != null);
                    ModelUpdate legit = SystemFixture.<ModelUpdate>readValues(stack, Topics.MODEL_UPDATES,
                            m -> m.getModelId().equals(task)).get(0);
                    List<Send> models = bad(Topics.MODEL_UPDATES, perTopic, ser, 0, false, badModels(legit));
                    Map<String, Map<Long, Send>> sentModels = send(producer, models);
                    sent.putAll(sentModels);

                    // ---- every bad record is dead-lettered by the service that consumes it
                    Map<String, List<String>> consumers = new LinkedHashMap<>();
                    consumers.put(Topics.SUMMARIES, List.of("distill-processor/summaries"));
                    consumers.put(Topics.KNOWLEDGE, List.of("distill-processor/knowledge"));
                    consumers.put(Topics.TRAFFIC, List.of("distill-processor/traffic-scoring"));
                    consumers.put(Topics.SYNTHETIC_SETS, List.of("model-updater"));
                    consumers.put(Topics.ROUNDS, List.of("edge-" + edgeId, "distill-processor/rounds"));
                    consumers.put(Topics.MODEL_UPDATES, List.of("edge-" + edgeId, "distill-processor/models"));
                    Map<String, String> figures = new LinkedHashMap<>();
                    int badTotal = 0;
                    for (var c : consumers.entrySet()) {
                        String topic = c.getKey();
                        Map<Integer, Set<Long>> badOffsets = offsets(sent, topic, false);
                        Map<Integer, Set<Long>> goodOffsets = offsets(sent, topic, true);
                        int nBad = badOffsets.values().stream().mapToInt(Set::size).sum();
                        badTotal += nBad;
                        for (String service : c.getValue()) {
                            await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofSeconds(1)).until(() ->
                                    covered(stack, topic, service, badOffsets));
                            // letters about this test's records only (other tests on the shared stack write to the same topics)
                            List<DeadLetter> letters = SystemFixture.deadLetters(stack, topic, service).stream()
                                    .filter(l -> badOffsets.getOrDefault(l.getSourcePartition(), Set.of()).contains(l.getSourceOffset())
                                            || goodOffsets.getOrDefault(l.getSourcePartition(), Set.of()).contains(l.getSourceOffset()))
                                    .toList();
                            for (DeadLetter l : letters) {
                                assertThat(goodOffsets.getOrDefault(l.getSourcePartition(), Set.of()))
                                        .as("%s dead-lettered a good record of %s: %s", service, topic, l.getErrorMessage())
                                        .doesNotContain(l.getSourceOffset());
                                assertThat(l.getErrorMessage()).as("a reason").isNotBlank();
                            }
                            Map<String, Integer> byClass = new TreeMap<>();
                            letters.forEach(l -> byClass.merge(l.getErrorClass().replaceAll("^.*\\.", ""), 1, Integer::sum));
                            figures.put(topic + " <- " + service, nBad + " bad sent, " + letters.size() + " dead letters "
                                    + byClass);
                        }
                    }

                    // ---- good model updates still work, nothing died, memory stayed bounded
                    assertThat(edge.node().slot().live().modelId()).isEqualTo(task);
                    long edgeVersion = edge.node().slot().live().version();
                    await().atMost(Duration.ofMinutes(1)).ignoreExceptions().until(() -> {
                        for (JsonNode m : SystemFixture.getJson(processor, "/models").path("live")) {
                            if (m.path("modelId").asText().equals(task)) {
                                return m.path("version").asLong() >= edgeVersion;
                            }
                        }
                        return false;
                    });
                    for (ServiceProcess s : List.of(processor, updater)) {
                        assertThat(s.isAlive()).isTrue();
                        assertThat(s.get("/health")).contains("UP");
                    }
                    assertThat(edge.consuming()).isTrue();
                    Report.write("hostile-input", String.format("%d bad records (%d per topic) and %d good ones; edge %s runs %s v%d; "
                                    + "processor peak RSS %s, updater peak RSS %s (heaps capped at 768 MiB)%n  %s",
                            badTotal, perTopic, sends.size() + models.size() - badTotal, edgeId, task, edgeVersion,
                            peakRss(processor), peakRss(updater), String.join("\n  ", figures.entrySet().stream()
                                    .map(e -> e.getKey() + ": " + e.getValue()).toList())));
                }
            }
        }
    }

    // ------------------------------------------------------------------ what is sent

    /** Avro serialisation through the registry (the same serde the services use). */
    private static final class Serializers implements AutoCloseable {
        private final Serializer<SpecificRecord> ser;

        Serializers(LocalStack stack) {
            ser = AvroSerdes.serializer(stack.registryUrl(), false);
        }

        byte[] bytes(String topic, SpecificRecord r) {
            return ser.serialize(topic, r);
        }

        @Override
        public void close() {
            ser.close();
        }
    }

    /** Semantic corruptions of one topic: kind -> (key, record). */
    private record Mutation(String kind, Function<Random, Map.Entry<String, SpecificRecord>> make) {
    }

    /**
     * {@code n} bad records for a topic: structural corruptions of a valid encoding (random bytes, wrong magic
     * byte, unknown schema id, truncated, empty, null, oversized above {@code serviceLimit} when the topic allows
     * it) and the topic's semantic mutations, drawn at random.
     */
    private List<Send> bad(String topic, int n, Serializers ser, int serviceLimit, boolean nullsAllowed, List<Mutation> semantic) {
        List<Send> out = new ArrayList<>();
        Map.Entry<String, SpecificRecord> sample = semantic.get(0).make().apply(random);
        byte[] valid = ser.bytes(topic, sample.getValue());
        String key = sample.getKey();
        List<String> structural = new ArrayList<>(List.of("random-bytes", "wrong-magic", "unknown-schema-id", "truncated", "empty"));
        if (nullsAllowed) {
            structural.add("null");
        }
        if (serviceLimit > 0) {
            structural.add("oversized");
        }
        for (int i = 0; i < n; i++) {
            boolean struct = random.nextInt(2) == 0;
            if (struct) {
                String kind = structural.get(random.nextInt(structural.size()));
                byte[] v = switch (kind) {
                    case "random-bytes" -> {
                        byte[] b = new byte[1 + random.nextInt(512)];
                        random.nextBytes(b);
                        yield b;
                    }
                    case "wrong-magic" -> {
                        byte[] b = valid.clone();
                        b[0] = (byte) (1 + random.nextInt(255));
                        yield b;
                    }
                    case "unknown-schema-id" -> {
                        byte[] b = valid.clone();
                        ByteBuffer.wrap(b).putInt(1, 5_000_000 + random.nextInt(1_000_000));
                        yield b;
                    }
                    case "truncated" -> java.util.Arrays.copyOf(valid, 5 + random.nextInt(valid.length - 6));
                    case "empty" -> new byte[0];
                    case "null" -> null;
                    case "oversized" -> {
                        byte[] b = new byte[serviceLimit + 1 + random.nextInt(serviceLimit / 2)];
                        random.nextBytes(b);
                        System.arraycopy(valid, 0, b, 0, 5);
                        yield b;
                    }
                    default -> throw new IllegalStateException(kind);
                };
                out.add(new Send(topic, kind, false, key, v));
            } else {
                Mutation m = semantic.get(random.nextInt(semantic.size()));
                Map.Entry<String, SpecificRecord> kv = m.make().apply(random);
                out.add(new Send(topic, m.kind(), false, kv.getKey(), ser.bytes(topic, kv.getValue())));
            }
        }
        return out;
    }

    private static List<Mutation> badSummaries(EdgeSummary base, RoundSpec round) {
        int classes = round.getClasses().size();
        return List.of(
                new Mutation("wrong-dimensions", r -> summary(base, s -> s.getClasses().get(0).getMeans().remove(0))),
                new Mutation("nan", r -> summary(base, s -> s.getClasses().get(0).getMeans().set(r.nextInt(8), Float.NaN))),
                new Mutation("infinity", r -> summary(base, s -> s.getClasses().get(0).getMeans().set(0, Float.NEGATIVE_INFINITY))),
                new Mutation("negative-count", r -> summary(base, s -> s.getClasses().get(0).setCount(-1 - r.nextInt(100)))),
                new Mutation("unknown-class", r -> summary(base, s -> s.getClasses().get(0).setClassIndex(classes + r.nextInt(50)))),
                new Mutation("unknown-round", r -> summary(base, s -> s.setRoundId(2 + r.nextInt(1000)))),
                new Mutation("stale-round", r -> summary(base, s -> s.setRoundId(0))),
                new Mutation("unknown-task", r -> summary(base, s -> s.setTaskId("no-such-task"))),
                new Mutation("no-classes", r -> summary(base, s -> s.getClasses().clear())),
                new Mutation("key-mismatch", r -> Map.entry("someone-else", copy(base))));
    }

    private static Map.Entry<String, SpecificRecord> summary(EdgeSummary base, java.util.function.Consumer<EdgeSummary> change) {
        EdgeSummary s = copy(base);
        change.accept(s);
        return Map.entry(s.getEdgeId(), s);
    }

    private static EdgeSummary copy(EdgeSummary s) {
        EdgeSummary c = EdgeSummary.newBuilder(s).build();
        List<ClassSummary> classes = new ArrayList<>();
        for (ClassSummary cs : s.getClasses()) {
            ClassSummary x = ClassSummary.newBuilder(cs).build();
            x.setMeans(new ArrayList<>(cs.getMeans()));
            classes.add(x);
        }
        c.setClasses(classes);
        return c;
    }

    /** Knowledge with the classes of a summary (valid for the round). */
    private static EdgeKnowledge knowledge(EdgeSummary s, String task) {
        List<KnowledgeClass> classes = new ArrayList<>();
        for (ClassSummary c : s.getClasses()) {
            classes.add(KnowledgeClass.newBuilder().setClassIndex(c.getClassIndex()).setCount(c.getCount())
                    .setMisclassified(c.getCount()).setTotal(c.getCount()).setMeans(new ArrayList<>(c.getMeans()))
                    .setSecondMoments(c.getSecondMoments()).setInputMean(c.getInputMean()).setInputVar(c.getInputVar()).build());
        }
        return EdgeKnowledge.newBuilder().setEdgeId(s.getEdgeId()).setTaskId(task).setRoundId(s.getRoundId())
                .setModelId(task).setModelVersion(1).setWindowStart(s.getWindowStart()).setWindowEnd(s.getWindowEnd())
                .setNumNetworks(s.getNumNetworks()).setEmbedDim(s.getEmbedDim()).setClasses(classes)
                .setLocalAccuracy(0.5).setLocalMacroF1(0.5).setProducedAt(Instant.now()).build();
    }

    private static List<Mutation> badKnowledge(EdgeKnowledge base, RoundSpec round) {
        int classes = round.getClasses().size();
        return List.of(
                new Mutation("wrong-dimensions", r -> know(base, k -> k.getClasses().get(0).getMeans().remove(0))),
                new Mutation("nan", r -> know(base, k -> k.getClasses().get(0).getMeans().set(r.nextInt(8), Float.NaN))),
                new Mutation("negative-count", r -> know(base, k -> k.getClasses().get(0).setCount(-5))),
                new Mutation("unknown-class", r -> know(base, k -> k.getClasses().get(0).setClassIndex(classes + r.nextInt(9)))),
                new Mutation("unknown-round", r -> know(base, k -> k.setRoundId(5 + r.nextInt(100)))),
                new Mutation("key-mismatch", r -> Map.entry("not-" + base.getEdgeId(), copy(base))));
    }

    private static Map.Entry<String, SpecificRecord> know(EdgeKnowledge base, java.util.function.Consumer<EdgeKnowledge> change) {
        EdgeKnowledge k = copy(base);
        change.accept(k);
        return Map.entry(k.getEdgeId(), k);
    }

    private static EdgeKnowledge copy(EdgeKnowledge k) {
        EdgeKnowledge c = EdgeKnowledge.newBuilder(k).build();
        List<KnowledgeClass> classes = new ArrayList<>();
        for (KnowledgeClass kc : k.getClasses()) {
            KnowledgeClass x = KnowledgeClass.newBuilder(kc).build();
            x.setMeans(new ArrayList<>(kc.getMeans()));
            classes.add(x);
        }
        c.setClasses(classes);
        return c;
    }

    private static List<Mutation> badFlows(TrafficFlow base) {
        return List.of(
                new Mutation("nan-feature", r -> flow(base, f -> f.getNumeric().put("Dur", Double.NaN))),
                new Mutation("infinite-feature", r -> flow(base, f -> f.getNumeric().put("TotPkts", Double.POSITIVE_INFINITY))),
                new Mutation("empty-flow-id", r -> flow(base, f -> f.setFlowId(""))));
    }

    private static Map.Entry<String, SpecificRecord> flow(TrafficFlow base, java.util.function.Consumer<TrafficFlow> change) {
        TrafficFlow f = TrafficFlow.newBuilder(base).build();
        f.setNumeric(new HashMap<>(base.getNumeric()));
        change.accept(f);
        return Map.entry(f.getEdgeId(), f);
    }

    private static List<Mutation> badSets(SyntheticSet base) {
        return List.of(
                new Mutation("label-out-of-range", r -> set(base, s -> s.getSamples().get(0).setLabel(99))),
                new Mutation("wrong-feature-count", r -> set(base, s -> s.getSamples().get(0).getFeatures().remove(0))),
                new Mutation("nan-feature", r -> set(base, s -> s.getSamples().get(0).getFeatures().set(0, Float.NaN))),
                new Mutation("no-samples", r -> set(base, s -> s.getSamples().clear())));
    }

    private static Map.Entry<String, SpecificRecord> set(SyntheticSet base, java.util.function.Consumer<SyntheticSet> change) {
        SyntheticSet s = SyntheticSet.newBuilder(base).build();
        List<SyntheticSample> samples = new ArrayList<>();
        for (var x : base.getSamples()) {
            var y = SyntheticSample.newBuilder(x).build();
            y.setFeatures(new ArrayList<>(x.getFeatures()));
            samples.add(y);
        }
        s.setSamples(samples);
        change.accept(s);
        return Map.entry(s.getTaskId(), s);
    }

    private static List<Mutation> badRounds(RoundSpec base, String task) {
        return List.of(
                new Mutation("no-networks", r -> round(base, s -> s.getNetwork().setCount(0))),
                new Mutation("no-classes", r -> round(base, s -> s.getClasses().clear())),
                new Mutation("no-preprocessing", r -> round(base, s -> s.getPreprocessing().setJson(""))),
                new Mutation("duplicate-round", r -> round(base, s -> { })),
                new Mutation("key-mismatch", r -> Map.entry(task + "-other", RoundSpec.newBuilder(base).build())));
    }

    private static Map.Entry<String, SpecificRecord> round(RoundSpec base, java.util.function.Consumer<RoundSpec> change) {
        RoundSpec s = RoundSpec.newBuilder(base).build();
        s.setClasses(new ArrayList<>(base.getClasses()));
        change.accept(s);
        return Map.entry(s.getTaskId(), s);
    }

    private static List<Mutation> badModels(ModelUpdate legit) {
        return List.of(
                new Mutation("tampered-weights", r -> model(legit, m -> {
                    byte[] w = bytes(m.getWeights());
                    w[r.nextInt(w.length)] ^= (byte) (1 + r.nextInt(255));
                    m.setWeights(ByteBuffer.wrap(w));
                })),
                new Mutation("tampered-signature", r -> model(legit, m -> {
                    byte[] s = bytes(m.getSignature());
                    s[r.nextInt(s.length)] ^= 0x10;
                    m.setSignature(ByteBuffer.wrap(s));
                })),
                new Mutation("untrusted-key", r -> model(legit, m -> m.setSigningKeyId("ed25519:rogue" + r.nextInt(100)))),
                new Mutation("raised-version", r -> model(legit, m -> m.setVersion(legit.getVersion() + 1 + r.nextInt(100)))),
                new Mutation("replay", r -> model(legit, m -> { })),
                new Mutation("no-weights", r -> model(legit, m -> m.setWeights(ByteBuffer.allocate(0)))));
    }

    private static Map.Entry<String, SpecificRecord> model(ModelUpdate legit, java.util.function.Consumer<ModelUpdate> change) {
        ModelUpdate m = ModelUpdate.newBuilder(legit).build();
        change.accept(m);
        return Map.entry(legit.getModelId(), m);
    }

    private static byte[] bytes(ByteBuffer b) {
        ByteBuffer d = b.duplicate();
        byte[] out = new byte[d.remaining()];
        d.get(out);
        return out;
    }

    /** Sends everything, acknowledged; returns topic -> partition/offset -> send. */
    private static Map<String, Map<Long, Send>> send(KafkaProducer<byte[], byte[]> producer, List<Send> sends) throws Exception {
        List<Future<RecordMetadata>> acks = new ArrayList<>();
        for (Send s : sends) {
            acks.add(producer.send(new ProducerRecord<>(s.topic(), s.key().getBytes(StandardCharsets.UTF_8), s.value())));
        }
        producer.flush();
        Map<String, Map<Long, Send>> out = new HashMap<>();
        for (int i = 0; i < sends.size(); i++) {
            RecordMetadata md = acks.get(i).get(60, TimeUnit.SECONDS);
            out.computeIfAbsent(md.topic() + "/" + md.partition(), k -> new HashMap<>()).put(md.offset(), sends.get(i));
        }
        return out;
    }

    private static Map<Integer, Set<Long>> offsets(Map<String, Map<Long, Send>> sent, String topic, boolean good) {
        Map<Integer, Set<Long>> out = new HashMap<>();
        for (var e : sent.entrySet()) {
            int slash = e.getKey().lastIndexOf('/');
            if (!e.getKey().substring(0, slash).equals(topic)) {
                continue;
            }
            int partition = Integer.parseInt(e.getKey().substring(slash + 1));
            for (var o : e.getValue().entrySet()) {
                if (o.getValue().good() == good) {
                    out.computeIfAbsent(partition, p -> new HashSet<>()).add(o.getKey());
                }
            }
        }
        return out;
    }

    private static boolean covered(LocalStack stack, String topic, String service, Map<Integer, Set<Long>> bad) {
        Map<Integer, Set<Long>> missing = new HashMap<>();
        bad.forEach((p, o) -> missing.put(p, new HashSet<>(o)));
        for (DeadLetter l : SystemFixture.deadLetters(stack, topic, service)) {
            Set<Long> m = missing.get(l.getSourcePartition());
            if (m != null) {
                m.remove(l.getSourceOffset());
            }
        }
        return missing.values().stream().allMatch(Set::isEmpty);
    }

    /** Edges whose data or knowledge is in the task's aggregate, accepted or quarantined. */
    private static Set<String> aggregated(ServiceProcess processor, String task) {
        Set<String> out = new HashSet<>();
        for (JsonNode c : SystemFixture.getJson(processor, "/targets?taskId=" + task).path("contributions")) {
            out.add(c.path("edgeId").asText());
        }
        for (JsonNode q : SystemFixture.getJson(processor, "/quarantine").path("quarantined")) {
            if (q.path("taskId").asText().equals(task)) {
                out.add(q.path("edgeId").asText());
            }
        }
        return out;
    }

    private static double counter(ServiceProcess s, String name) {
        JsonNode m = SystemFixture.getJson(s, "/metrics/" + name);
        for (JsonNode x : m.path("measurements")) {
            if (x.path("statistic").asText().equals("COUNT")) {
                return x.path("value").asDouble();
            }
        }
        return 0;
    }

    /** Peak resident set size of a service's JVM (Linux /proc), for the report. */
    private static String peakRss(ServiceProcess s) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(s.pid()), "status"))) {
                if (line.startsWith("VmHWM:")) {
                    return line.substring(6).trim();
                }
            }
        } catch (java.io.IOException e) {
            return "n/a";
        }
        return "n/a";
    }
}
