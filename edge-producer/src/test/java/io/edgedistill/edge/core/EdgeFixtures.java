package io.edgedistill.edge.core;

import java.nio.ByteBuffer;
import java.security.KeyPair;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import io.edgedistill.core.data.Dataset;
import io.edgedistill.core.data.FeatureSpec;
import io.edgedistill.core.data.FiveGNiddSchema;
import io.edgedistill.core.data.Preprocessor;
import io.edgedistill.core.model.MlpModel;
import io.edgedistill.core.model.MlpTrainer;
import io.edgedistill.core.model.ModelFormat;
import io.edgedistill.core.model.TrainConfig;
import io.edgedistill.core.signing.Ed25519Keys;
import io.edgedistill.core.signing.SignedPayload;
import io.edgedistill.schemas.AttackAlert;
import io.edgedistill.schemas.EdgeKnowledge;
import io.edgedistill.schemas.EdgeSummary;
import io.edgedistill.schemas.ModelUpdate;
import io.edgedistill.schemas.NetworkSpec;
import io.edgedistill.schemas.PreprocessingSpec;
import io.edgedistill.schemas.PrivacySettings;
import io.edgedistill.schemas.RoundSpec;
import io.edgedistill.schemas.ValidationMetrics;

/** Shared test material: local data, a fitted spec, rounds, and signed (or broken) model updates. */
public final class EdgeFixtures {
    public static final String TASK = "5g-nidd";
    public final LocalData data;
    public final FeatureSpec spec;
    public final String specJson;
    public final KeyPair key = Ed25519Keys.generate();
    public final String keyId = Ed25519Keys.keyId(key.getPublic());

    public EdgeFixtures(long seed, int rows) {
        this.data = LocalData.generated(seed, rows, null);
        this.spec = Preprocessor.fit(data.raw());
        this.specJson = spec.toJson();
    }

    public RoundSpec round(String task, long roundId, boolean secondMoments, boolean dp) {
        return RoundSpec.newBuilder().setTaskId(task).setRoundId(roundId).setSeed(1234 + roundId)
                .setNetwork(NetworkSpec.newBuilder().setCount(4).setInputDim(spec.dim()).setHiddenDim(32).setEmbedDim(16)
                        .build())
                .setFeatureNames(new ArrayList<>(spec.featureNames()))
                .setPreprocessing(PreprocessingSpec.newBuilder().setJson(specJson)
                        .setSha256(ModelFormat.sha256Hex(specJson.getBytes(java.nio.charset.StandardCharsets.UTF_8)))
                        .build())
                .setClasses(new ArrayList<>(FiveGNiddSchema.CLASSES))
                .setSecondMoments(secondMoments)
                .setPrivacy(PrivacySettings.newBuilder().setEnabled(dp).setClipNorm(5f).setEpsilon(dp ? 4.0 : 0)
                        .setDelta(dp ? 1e-5 : 0).build())
                .setCreatedAt(Instant.now()).build();
    }

    /** An edge node on this fixture's data that trusts this fixture's signing key. */
    public EdgeNode node(EdgeSettings s, EdgeOutput out) {
        ModelVerifier v = new ModelVerifier(java.util.Map.of(keyId, key.getPublic()));
        return new EdgeNode(s, data, new ModelSlot(s.edgeId(), s.taskId(), s.cohortOrEdge(), s.preferPersonalised(), v),
                out);
    }

    /** An edge node that trusts this fixture's signing key and follows the trust lists {@code root} signs. */
    public EdgeNode node(EdgeSettings s, EdgeOutput out, KeyPair root) {
        ModelVerifier v = new ModelVerifier(io.edgedistill.core.trust.KeyTrust.ofUpdaterKeys(java.util.Map.of(keyId, key.getPublic())),
                java.util.Map.of(Ed25519Keys.keyId(root.getPublic()), root.getPublic()));
        return new EdgeNode(s, data, new ModelSlot(s.edgeId(), s.taskId(), s.cohortOrEdge(), s.preferPersonalised(), v),
                out);
    }

    /** A random-weight MLP for this spec (verification does not need a trained model). */
    public MlpModel randomModel(long seed) {
        return MlpModel.random(new int[] {spec.dim(), 16, FiveGNiddSchema.CLASSES.size()}, 0.3, seed);
    }

    /** An MLP trained on this fixture's own local data (a model that does well on the edge's hold-out). */
    public MlpModel trainedModel(long seed, int epochs) {
        Dataset ds = data.preprocessed(specJson);
        return MlpTrainer.train(new int[] {16}, ds.x(), ds.size(), ds.y(), null,
                FiveGNiddSchema.CLASSES.size(), new TrainConfig(epochs, 128, 3e-3f, 1e-4f, 1f, 0f, seed));
    }

    public ModelUpdate update(String modelId, long version, MlpModel model) {
        return update(modelId, version, model, key, keyId);
    }

    public ModelUpdate update(String modelId, long version, MlpModel model, KeyPair signWith, String claimedKeyId) {
        return update(modelId, version, model, signWith, claimedKeyId, List.of());
    }

    /** An update for the edges of {@code audience} only (a canary), signed with it. */
    public ModelUpdate update(String modelId, long version, MlpModel model, List<String> audience) {
        return update(modelId, version, model, key, keyId, audience);
    }

    private ModelUpdate update(String modelId, long version, MlpModel model, KeyPair signWith, String claimedKeyId,
                               List<String> audience) {
        byte[] weights = ModelFormat.write(model);
        String sha = ModelFormat.sha256Hex(weights);
        String format = "edgedistill-mlp-v1";
        byte[] sig = new SignedPayload(modelId, version, format, sha, version, audience).sign(signWith.getPrivate());
        return ModelUpdate.newBuilder().setModelId(modelId).setTaskId(TASK)
                .setCohort(modelId.contains("/") ? modelId.substring(modelId.indexOf('/') + 1) : null)
                .setVersion(version).setFormat(format).setArchitecture("mlp").setWeights(ByteBuffer.wrap(weights))
                .setSha256(sha).setSigningKeyId(claimedKeyId).setSignature(ByteBuffer.wrap(sig))
                .setSyntheticSetVersion(version).setPreprocessing(specJson)
                .setClasses(new ArrayList<>(FiveGNiddSchema.CLASSES))
                .setMetrics(ValidationMetrics.newBuilder().setAccuracy(0.5).setMacroF1(0.5).setSamples(1).build())
                .setCreatedAt(Instant.now()).setAudience(new ArrayList<>(audience)).build();
    }

    /** Collects an edge's outputs. */
    public static final class Captured implements EdgeOutput {
        public final List<EdgeSummary> summaries = new java.util.concurrent.CopyOnWriteArrayList<>();
        public final List<EdgeKnowledge> knowledge = new java.util.concurrent.CopyOnWriteArrayList<>();
        public final List<AttackAlert> alerts = new java.util.concurrent.CopyOnWriteArrayList<>();
        public final List<io.edgedistill.schemas.EdgeStatus> statuses = new java.util.concurrent.CopyOnWriteArrayList<>();
        /** How many of the next summaries fail, as with an unreachable broker. */
        public final java.util.concurrent.atomic.AtomicInteger summaryFailures = new java.util.concurrent.atomic.AtomicInteger();

        @Override
        public void summary(EdgeSummary s) {
            if (summaryFailures.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                throw new org.apache.kafka.common.KafkaException("broker unreachable");
            }
            summaries.add(s);
        }

        @Override
        public void knowledge(EdgeKnowledge k) {
            knowledge.add(k);
        }

        @Override
        public void alert(AttackAlert a) {
            alerts.add(a);
        }

        @Override
        public void status(io.edgedistill.schemas.EdgeStatus s) {
            statuses.add(s);
        }
    }
}
