package io.edgedistill.processor;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import io.edgedistill.core.data.FeatureSpec;
import io.edgedistill.core.model.MlpModel;
import io.edgedistill.core.model.ModelFormat;
import io.edgedistill.processor.config.ProcessorConfig;
import io.edgedistill.processor.topology.ProcessorTopology;
import io.edgedistill.schemas.AttackAlert;
import io.edgedistill.schemas.ClassSummary;
import io.edgedistill.schemas.DeadLetter;
import io.edgedistill.schemas.EdgeKnowledge;
import io.edgedistill.schemas.EdgeSummary;
import io.edgedistill.schemas.KnowledgeClass;
import io.edgedistill.schemas.ModelUpdate;
import io.edgedistill.schemas.NetworkSpec;
import io.edgedistill.schemas.PreprocessingSpec;
import io.edgedistill.schemas.PrivacySettings;
import io.edgedistill.schemas.RoundSpec;
import io.edgedistill.schemas.SyntheticSet;
import io.edgedistill.schemas.TrafficFlow;
import io.edgedistill.schemas.ValidationMetrics;
import io.edgedistill.schemas.client.KafkaClientSettings;
import io.edgedistill.schemas.serde.PlainAvroSerde;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;

/** Shared test data: registry-free serdes, a small round, Gaussian edge summaries, a tiny scoring model. */
public final class Fixtures {
    public static final String TASK = "test-task";
    public static final List<String> CLASSES = List.of("Benign", "UDPFlood", "SYNScan");
    public static final int K = 2;
    public static final int HIDDEN = 16;
    public static final int E = 8;
    public static final int D_IN = 4;

    private Fixtures() {
    }

    public static ProcessorTopology.TopicSerdes plainSerdes() {
        return new ProcessorTopology.TopicSerdes(PlainAvroSerde.of(RoundSpec.class, 11),
                PlainAvroSerde.of(EdgeSummary.class, 12), PlainAvroSerde.of(EdgeKnowledge.class, 13),
                PlainAvroSerde.of(TrafficFlow.class, 14), PlainAvroSerde.of(ModelUpdate.class, 15),
                PlainAvroSerde.of(AttackAlert.class, 16), PlainAvroSerde.of(DeadLetter.class, 17),
                PlainAvroSerde.of(SyntheticSet.class, 18), PlainAvroSerde.of(io.edgedistill.schemas.KeyTrustList.class, 19));
    }

    /**
     * A TopologyTestDriver over the processor topology for {@code cfg}, with a unique application id and its state
     * under {@code stateDir}.
     */
    public static TopologyTestDriver driver(ProcessorConfig cfg, java.nio.file.Path stateDir,
                                            ProcessorTopology.TopicSerdes serdes, ProcessorTopology.Services services) {
        java.util.Properties props = ProcessorTopology.streamsConfig(cfg.streams(), KafkaClientSettings.of("dummy:9092", ""));
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "processor-test-" + java.util.UUID.randomUUID());
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        return new TopologyTestDriver(ProcessorTopology.build(cfg, serdes, services), props);
    }

    /** Everything waiting on a dead-letter output topic, decoded. */
    public static List<DeadLetter> deadLetters(ProcessorTopology.TopicSerdes serdes, TestOutputTopic<byte[], byte[]> topic) {
        List<DeadLetter> out = new ArrayList<>();
        while (!topic.isEmpty()) {
            out.add(serdes.deadLetters().deserializer().deserialize("dlq", topic.readValue()));
        }
        return out;
    }

    /** The settings of the small test task: {@link #K} tiny networks, few optimiser steps, small scoring batches. */
    public static ProcessorConfig config() {
        return config(Map.of());
    }

    /** {@link #config()} with further overrides ({@code "processor.scoring.traffic-master-key" -> ...}). */
    public static ProcessorConfig config(Map<String, ?> overrides) {
        Map<String, Object> p = new java.util.HashMap<>(Map.of(
                "processor.rounds.task-id", TASK,
                "processor.rounds.networks.count", K,
                "processor.rounds.networks.hidden-dim", HIDDEN,
                "processor.rounds.networks.embed-dim", E,
                "processor.rounds.samples-per-class", 2,
                "processor.synthesis.steps", 30,
                "processor.synthesis.warm-steps", 10,
                "processor.synthesis.debounce-ms", 50,
                "processor.scoring.batch-size", 100,
                "processor.scoring.batch-max-ms", 20));
        p.put("processor.scoring.model-id", TASK);
        p.putAll(overrides);
        return TestConfig.processor(p);
    }

    public static RoundSpec round(long roundId) {
        return round(TASK, roundId, CLASSES, D_IN, spec().toJson());
    }

    public static RoundSpec round(String task, long roundId, List<String> classes, int dIn, String json) {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < dIn; i++) {
            names.add("f" + i);
        }
        return RoundSpec.newBuilder().setTaskId(task).setRoundId(roundId).setSeed(1000 + roundId)
                .setNetwork(NetworkSpec.newBuilder().setCount(K).setInputDim(dIn).setHiddenDim(HIDDEN).setEmbedDim(E).build())
                .setFeatureNames(names)
                .setPreprocessing(PreprocessingSpec.newBuilder().setJson(json).setSha256("x").build())
                .setClasses(new ArrayList<>(classes)).setSamplesPerClass(2)
                .setPrivacy(PrivacySettings.newBuilder().build()).setCreatedAt(Instant.ofEpochMilli(1000)).build();
    }

    /** Class centres in embedding space, (C, K*E): well separated. */
    public static float[][] centres(int numClasses) {
        SplittableRandom r = new SplittableRandom(99);
        float[][] c = new float[numClasses][K * E];
        for (int i = 0; i < numClasses; i++) {
            for (int j = 0; j < K * E; j++) {
                c[i][j] = (float) (r.nextDouble() * 4 - 2);
            }
        }
        return c;
    }

    /** An honest edge summary: per class the centre plus sampling noise of a unit-variance class (std 1/√n). */
    public static EdgeSummary summary(String edge, long round, long[] counts, long seed) {
        return summary(edge, round, counts, seed, false);
    }

    public static EdgeSummary summary(String edge, long round, long[] counts, long seed, boolean flipFirstTwo) {
        float[][] centres = centres(counts.length);
        SplittableRandom r = new SplittableRandom(seed);
        List<ClassSummary> classes = new ArrayList<>();
        for (int c = 0; c < counts.length; c++) {
            if (counts[c] == 0) {
                continue;
            }
            int src = flipFirstTwo && c < 2 ? 1 - c : c;
            List<Float> means = new ArrayList<>();
            for (int j = 0; j < K * E; j++) {
                means.add((float) (centres[src][j] + gaussian(r) / Math.sqrt(counts[c])));
            }
            classes.add(ClassSummary.newBuilder().setClassIndex(c).setCount(counts[c]).setMeans(means).build());
        }
        return EdgeSummary.newBuilder().setEdgeId(edge).setTaskId(TASK).setRoundId(round)
                .setWindowStart(Instant.ofEpochMilli(0)).setWindowEnd(Instant.ofEpochMilli(1000))
                .setNumNetworks(K).setEmbedDim(E).setClasses(classes).setProducedAt(Instant.ofEpochMilli(1000)).build();
    }

    public static EdgeKnowledge knowledge(String edge, long round, int classIndex, long count) {
        List<Float> means = new ArrayList<>();
        float[][] centres = centres(CLASSES.size());
        for (int j = 0; j < K * E; j++) {
            means.add(centres[classIndex][j]);
        }
        return EdgeKnowledge.newBuilder().setEdgeId(edge).setTaskId(TASK).setRoundId(round).setModelId(TASK)
                .setModelVersion(1).setWindowStart(Instant.ofEpochMilli(0)).setWindowEnd(Instant.ofEpochMilli(1))
                .setNumNetworks(K).setEmbedDim(E)
                .setClasses(List.of(KnowledgeClass.newBuilder().setClassIndex(classIndex).setCount(count).setMeans(means).build()))
                .setLocalAccuracy(0.5).setLocalMacroF1(0.4).setProducedAt(Instant.ofEpochMilli(2)).build();
    }

    private static double gaussian(SplittableRandom r) {
        double u = Math.max(1e-12, r.nextDouble());
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * r.nextDouble());
    }

    /** Feature spec of the tiny scoring model: Dur, TotPkts (numeric), Proto one-hot (tcp, udp). */
    public static FeatureSpec spec() {
        return new FeatureSpec(List.of(
                FeatureSpec.ColumnSpec.dropped("Seq", "leaky"),
                FeatureSpec.ColumnSpec.numeric("Dur", false, 0, 0, 1, false),
                FeatureSpec.ColumnSpec.numeric("TotPkts", false, 0, 0, 1, false),
                FeatureSpec.ColumnSpec.categorical("Proto", List.of("tcp", "udp"))), CLASSES, 10, List.of(""));
    }

    /** Logits: Benign = 1; UDPFlood = 10·TotPkts; SYNScan = 10·Dur. */
    public static MlpModel model() {
        float[] w = new float[D_IN * 3];
        w[1 * 3 + 1] = 10f; // TotPkts -> UDPFlood
        w[0 * 3 + 2] = 10f; // Dur -> SYNScan
        return new MlpModel(new int[] {D_IN, 3}, new float[][] {w}, new float[][] {{1f, 0f, 0f}});
    }

    public static ModelUpdate modelUpdate(long version, boolean tampered) {
        byte[] weights = ModelFormat.write(model());
        String sha = ModelFormat.sha256Hex(weights);
        if (tampered) {
            weights = weights.clone();
            weights[weights.length - 40] ^= 0x01; // flip one weight bit after signing/hashing
        }
        return ModelUpdate.newBuilder().setModelId(TASK).setTaskId(TASK).setVersion(version)
                .setFormat("edgedistill-mlp-v1").setArchitecture("mlp 4-3").setWeights(ByteBuffer.wrap(weights))
                .setSha256(sha).setSigningKeyId("test").setSignature(ByteBuffer.wrap(new byte[64]))
                .setSyntheticSetVersion(1).setPreprocessing(spec().toJson()).setClasses(new ArrayList<>(CLASSES))
                .setMetrics(ValidationMetrics.newBuilder().setAccuracy(0.9).setMacroF1(0.9).setSamples(100).build())
                .setCreatedAt(Instant.ofEpochMilli(5)).build();
    }

    public static TrafficFlow flow(String edge, String flowId, double dur, double pkts, String proto) {
        return TrafficFlow.newBuilder().setEdgeId(edge).setFlowId(flowId).setObservedAt(Instant.ofEpochMilli(10_000))
                .setNumeric(Map.of("Dur", dur, "TotPkts", pkts, "Seq", 5.0)).setCategorical(Map.of("Proto", proto)).build();
    }
}
