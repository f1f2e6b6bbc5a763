package io.edgedistill.schemas;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.apache.avro.specific.SpecificRecord;

/**
 * One well-formed example record of every contract, deterministic by seed. Used by the demo's contract
 * check and by tests; values are plausible but carry no meaning.
 */
public final class ContractSamples {

    public static final List<String> CLASSES = List.of("Benign", "UDPFlood", "HTTPFlood", "SlowrateDoS",
            "TCPConnectScan", "SYNScan", "UDPScan", "SYNFlood", "ICMPFlood");

    private ContractSamples() {
    }

    /** topic -> example value, in data-flow order. */
    public static Map<String, SpecificRecord> all(long seed) {
        Map<String, SpecificRecord> m = new LinkedHashMap<>();
        m.put(Topics.ROUNDS, roundSpec(seed));
        m.put(Topics.SUMMARIES, edgeSummary(seed, "edge-001", 4, 8));
        m.put(Topics.TRAFFIC, trafficFlow(seed, "edge-001"));
        m.put(Topics.KNOWLEDGE, edgeKnowledge(seed, "edge-001", 4, 8));
        m.put(Topics.SYNTHETIC_SETS, syntheticSet(seed, 2, 6));
        m.put(Topics.MODEL_UPDATES, modelUpdate(seed));
        m.put(Topics.ALERTS, attackAlert(seed));
        m.put(Topics.STATUS, edgeStatus(seed, "edge-001"));
        m.put(Topics.TRUST, keyTrustList(seed));
        return m;
    }

    /** A well-formed record; its signature is random bytes (a real list is signed by the operator's root key). */
    public static KeyTrustList keyTrustList(long seed) {
        byte[] sig = new byte[64];
        new Random(seed).nextBytes(sig);
        return KeyTrustList.newBuilder().setPayload("{\"sequence\":" + (seed + 1) + "}").setRootKeyId("ed25519:0000000000000000")
                .setSignature(ByteBuffer.wrap(sig)).build();
    }

    public static EdgeStatus edgeStatus(long seed, String edgeId) {
        return EdgeStatus.newBuilder().setEdgeId(edgeId).setTaskId("5g-nidd-attacks").setModelId("5g-nidd-attacks")
                .setModelVersion(3).setSyntheticSetVersion(5).setAcceptedAt(java.time.Instant.ofEpochMilli(1_700_000_000_000L + seed))
                .setModelSwaps(3).setLatestRound(2).setRoundsAnswered(2).setLocalMacroF1(0.9).setFlowsScored(1000 + seed)
                .setAlertsSent(12).setSentAt(java.time.Instant.ofEpochMilli(1_700_000_060_000L + seed)).build();
    }

    public static RoundSpec roundSpec(long seed) {
        return RoundSpec.newBuilder()
                .setTaskId("5g-nidd-attacks").setRoundId(1).setSeed(seed)
                .setNetwork(NetworkSpec.newBuilder().setCount(4).setInputDim(6).setHiddenDim(16).setEmbedDim(8).build())
                .setFeatureNames(List.of("Dur", "TotPkts", "TotBytes", "Rate", "Proto=udp", "Proto=tcp"))
                .setPreprocessing(PreprocessingSpec.newBuilder().setJson("{\"version\":1}").setSha256("").build())
                .setClasses(CLASSES)
                .setPrivacy(PrivacySettings.newBuilder().build())
                .setCreatedAt(Instant.ofEpochMilli(1_700_000_000_000L))
                .build();
    }

    public static EdgeSummary edgeSummary(long seed, String edgeId, int k, int h) {
        Random rnd = new Random(seed);
        List<ClassSummary> classes = new ArrayList<>();
        for (int c = 0; c < 3; c++) {
            classes.add(ClassSummary.newBuilder().setClassIndex(c).setCount(10 + c).setMeans(floats(rnd, k * h)).build());
        }
        return EdgeSummary.newBuilder().setEdgeId(edgeId).setTaskId("5g-nidd-attacks").setRoundId(1)
                .setWindowStart(Instant.ofEpochMilli(1_700_000_000_000L)).setWindowEnd(Instant.ofEpochMilli(1_700_000_060_000L))
                .setNumNetworks(k).setEmbedDim(h).setClasses(classes)
                .setProducedAt(Instant.ofEpochMilli(1_700_000_061_000L)).build();
    }

    public static TrafficFlow trafficFlow(long seed, String edgeId) {
        Random rnd = new Random(seed);
        Map<String, Double> numeric = new LinkedHashMap<>();
        numeric.put("Dur", rnd.nextDouble() * 10);
        numeric.put("TotPkts", (double) rnd.nextInt(1000));
        numeric.put("TotBytes", (double) rnd.nextInt(100_000));
        return TrafficFlow.newBuilder().setEdgeId(edgeId).setFlowId(edgeId + "-" + seed)
                .setObservedAt(Instant.ofEpochMilli(1_700_000_000_000L)).setNumeric(numeric)
                .setCategorical(Map.of("Proto", "udp", "State", "INT")).setLabel("UDPFlood").build();
    }

    public static EdgeKnowledge edgeKnowledge(long seed, String edgeId, int k, int h) {
        Random rnd = new Random(seed + 1);
        return EdgeKnowledge.newBuilder().setEdgeId(edgeId).setTaskId("5g-nidd-attacks").setRoundId(1)
                .setModelId("5g-nidd-attacks").setModelVersion(3)
                .setWindowStart(Instant.ofEpochMilli(1_700_000_000_000L)).setWindowEnd(Instant.ofEpochMilli(1_700_000_060_000L))
                .setNumNetworks(k).setEmbedDim(h)
                .setClasses(List.of(KnowledgeClass.newBuilder().setClassIndex(2).setCount(7).setMisclassified(5).setTotal(40)
                        .setMeans(floats(rnd, k * h)).build()))
                .setLocalAccuracy(0.82).setLocalMacroF1(0.71)
                .setProducedAt(Instant.ofEpochMilli(1_700_000_061_000L)).build();
    }

    public static SyntheticSet syntheticSet(long seed, int ipc, int dim) {
        Random rnd = new Random(seed + 2);
        List<SyntheticSample> samples = new ArrayList<>();
        for (int c = 0; c < 3; c++) {
            for (int i = 0; i < ipc; i++) {
                samples.add(SyntheticSample.newBuilder().setLabel(c).setFeatures(floats(rnd, dim)).build());
            }
        }
        return SyntheticSet.newBuilder().setTaskId("5g-nidd-attacks").setVersion(1).setRoundId(1).setSamplesPerClass(ipc)
                .setFeatureDim(dim).setClasses(CLASSES.subList(0, 3)).setSamples(samples).setMatchingLoss(0.125)
                .setProvenance(Provenance.newBuilder()
                        .setContributions(List.of(Contribution.newBuilder().setEdgeId("edge-001").setRoundId(1).setSamples(33).build()))
                        .setExclusions(List.of(Exclusion.newBuilder().setEdgeId("edge-007").setRoundId(1)
                                .setReason("class 1: distance 9.1 > 3.5 (MAD units)").setScore(9.1).setThreshold(3.5).build()))
                        .build())
                .setCreatedAt(Instant.ofEpochMilli(1_700_000_100_000L)).build();
    }

    public static ModelUpdate modelUpdate(long seed) {
        byte[] weights = new byte[64];
        new Random(seed + 3).nextBytes(weights);
        return ModelUpdate.newBuilder().setModelId("5g-nidd-attacks").setTaskId("5g-nidd-attacks").setVersion(1)
                .setFormat("edgedistill-mlp-v1").setArchitecture("mlp 6-16-9").setWeights(ByteBuffer.wrap(weights))
                .setSha256("00").setSigningKeyId("dev").setSignature(ByteBuffer.wrap(new byte[64])).setSyntheticSetVersion(1)
                .setClasses(CLASSES)
                .setMetrics(ValidationMetrics.newBuilder().setAccuracy(0.9).setMacroF1(0.85).setSamples(1000).build())
                .setCreatedAt(Instant.ofEpochMilli(1_700_000_200_000L)).build();
    }

    public static AttackAlert attackAlert(long seed) {
        return AttackAlert.newBuilder().setAlertId("alert-" + seed).setKind(AlertKind.NETWORK_ATTACK)
                .setSource(AlertSource.PROCESSOR).setEdgeId("edge-001").setFlowId("edge-001-42").setAttackClass("UDPFlood")
                .setScore(0.97).setModelId("5g-nidd-attacks").setModelVersion(1L)
                .setObservedAt(Instant.ofEpochMilli(1_700_000_000_000L)).setDetectedAt(Instant.ofEpochMilli(1_700_000_000_500L))
                .build();
    }

    private static List<Float> floats(Random rnd, int n) {
        List<Float> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add((float) rnd.nextGaussian());
        }
        return out;
    }
}
