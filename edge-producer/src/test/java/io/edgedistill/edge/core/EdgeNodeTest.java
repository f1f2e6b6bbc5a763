package io.edgedistill.edge.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.security.KeyPair;
import java.util.List;

import io.edgedistill.core.data.FiveGNiddSchema;
import io.edgedistill.core.model.MlpModel;
import io.edgedistill.core.model.ModelFormat;
import io.edgedistill.core.personal.HardSampleKnowledge;
import io.edgedistill.core.signing.Ed25519Keys;
import io.edgedistill.schemas.ClassSummary;
import io.edgedistill.schemas.EdgeKnowledge;
import io.edgedistill.schemas.EdgeSummary;
import io.edgedistill.schemas.KnowledgeClass;
import io.edgedistill.schemas.ModelUpdate;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Edge logic without Kafka. */
class EdgeNodeTest {
    private static EdgeFixtures fx;
    private final EdgeFixtures.Captured out = new EdgeFixtures.Captured();

    @BeforeAll
    static void data() {
        fx = new EdgeFixtures(5, 3000);
    }

    private EdgeNode node(EdgeSettings s) {
        return fx.node(s, out);
    }

    private EdgeNode node() {
        return node(EdgeSettings.defaults("edge-1", EdgeFixtures.TASK));
    }

    @Test
    void answersARoundWithASummaryOfTheRightShape() {
        EdgeNode n = node();
        EdgeSummary s = n.onRound(fx.round(EdgeFixtures.TASK, 1, true, false)).orElseThrow();
        int k = 4;
        int e = 16;
        assertThat(s.getEdgeId()).isEqualTo("edge-1");
        assertThat(s.getRoundId()).isEqualTo(1);
        assertThat(s.getNumNetworks()).isEqualTo(k);
        assertThat(s.getEmbedDim()).isEqualTo(e);
        assertThat(s.getPrivacy()).isNull();
        assertThat(s.getClasses()).isNotEmpty();
        long total = 0;
        for (ClassSummary c : s.getClasses()) {
            assertThat(c.getClassIndex()).isBetween(0, FiveGNiddSchema.CLASSES.size() - 1);
            assertThat(c.getCount()).isPositive();
            assertThat(c.getMeans()).hasSize(k * e).allMatch(Float::isFinite);
            assertThat(c.getSecondMoments()).hasSize(k * e);
            assertThat(c.getInputMean()).hasSize(fx.spec.dim());
            assertThat(c.getInputVar()).hasSize(fx.spec.dim()).allMatch(v -> v >= 0);
            total += c.getCount();
        }
        assertThat(total).isEqualTo(fx.data.size());
        assertThat(out.summaries).containsExactly(s);
        // the same round again, an older one, or another task's round: not answered
        assertThat(n.onRound(fx.round(EdgeFixtures.TASK, 1, true, false))).isEmpty();
        assertThat(n.onRound(fx.round("other-task", 2, true, false))).isEmpty();
        assertThat(n.roundsAnswered()).isEqualTo(1);

        // a DP round: noise, a privacy report, no input moments, no second moments when not asked
        EdgeSummary dp = n.onRound(fx.round(EdgeFixtures.TASK, 2, false, true)).orElseThrow();
        assertThat(dp.getPrivacy()).isNotNull();
        assertThat(dp.getPrivacy().getEpsilon()).isEqualTo(4.0);
        assertThat(dp.getClasses()).allSatisfy(c -> {
            assertThat(c.getInputMean()).isNull();
            assertThat(c.getSecondMoments()).isNull();
            assertThat(c.getMeans()).hasSize(k * e);
        });
    }

    @Test
    void itsStatusSaysWhatItRunsAndWhatItRefused() {
        EdgeNode n = node(EdgeSettings.defaults("edge-s", EdgeFixtures.TASK));
        n.sendStatus();
        assertThat(out.statuses).singleElement().satisfies(s -> {
            assertThat(s.getEdgeId()).isEqualTo("edge-s");
            assertThat(s.getModelId()).isNull();
            assertThat(s.getModelVersion()).isZero();
        });
        MlpModel m1 = fx.randomModel(1);
        n.onModelUpdate(fx.update(EdgeFixtures.TASK, 1, m1));
        n.onModelUpdate(fx.update(EdgeFixtures.TASK, 1, m1)); // a replay, refused
        io.edgedistill.schemas.EdgeStatus s = n.statusRecord();
        assertThat(s.getModelId()).isEqualTo(EdgeFixtures.TASK);
        assertThat(s.getModelVersion()).isEqualTo(1);
        assertThat(s.getAcceptedAt()).isNotNull();
        assertThat(s.getModelSwaps()).isEqualTo(1);
        assertThat(s.getRejectedUpdates()).isEqualTo(1);
        assertThat(s.getTaskId()).isEqualTo(EdgeFixtures.TASK);
    }

    @Test
    void verifiesUpdatesAndRejectsForgeriesReplaysAndDowngrades() {
        EdgeNode n = node();
        ModelSlot slot = n.slot();
        MlpModel m1 = fx.randomModel(1);
        assertThat(n.onModelUpdate(fx.update(EdgeFixtures.TASK, 1, m1)).swapped()).isTrue();
        assertThat(n.runningVersion()).isEqualTo("5g-nidd v1");

        // replay and downgrade
        assertThat(n.onModelUpdate(fx.update(EdgeFixtures.TASK, 1, m1)).reason()).isEqualTo(ModelVerifier.Reason.REPLAY_OR_DOWNGRADE);
        assertThat(n.onModelUpdate(fx.update(EdgeFixtures.TASK, 0, m1)).reason()).isEqualTo(ModelVerifier.Reason.REPLAY_OR_DOWNGRADE);
        // signed by an untrusted key that claims the trusted key's id
        KeyPair evil = Ed25519Keys.generate();
        assertThat(n.onModelUpdate(fx.update(EdgeFixtures.TASK, 2, m1, evil, fx.keyId)).reason())
                .isEqualTo(ModelVerifier.Reason.BAD_SIGNATURE);
        // signed by an unknown key under its own id
        assertThat(n.onModelUpdate(fx.update(EdgeFixtures.TASK, 2, m1, evil, Ed25519Keys.keyId(evil.getPublic()))).reason())
                .isEqualTo(ModelVerifier.Reason.UNTRUSTED_KEY);
        // weights tampered after signing, checksum left as is
        ModelUpdate tampered = fx.update(EdgeFixtures.TASK, 2, fx.randomModel(2));
        byte[] w = bytes(tampered.getWeights());
        w[w.length / 2] ^= 1;
        tampered.setWeights(ByteBuffer.wrap(w));
        assertThat(n.onModelUpdate(tampered).reason()).isEqualTo(ModelVerifier.Reason.BAD_CHECKSUM);
        // ... and with the checksum recomputed: the signature no longer covers it
        tampered.setSha256(ModelFormat.sha256Hex(w));
        assertThat(n.onModelUpdate(tampered).reason()).isEqualTo(ModelVerifier.Reason.BAD_SIGNATURE);
        // a version bump by the attacker breaks the signature too
        ModelUpdate bumped = fx.update(EdgeFixtures.TASK, 2, m1);
        bumped.setVersion(99);
        assertThat(n.onModelUpdate(bumped).reason()).isEqualTo(ModelVerifier.Reason.BAD_SIGNATURE);
        // another edge's personalised model is not for us
        assertThat(n.onModelUpdate(fx.update(EdgeFixtures.TASK + "/edge-2", 1, m1)).reason())
                .isEqualTo(ModelVerifier.Reason.NOT_FOR_THIS_EDGE);
        assertThat(n.runningVersion()).isEqualTo("5g-nidd v1");
        assertThat(slot.rejectedCount(ModelVerifier.Reason.REPLAY_OR_DOWNGRADE)).isEqualTo(2);
        assertThat(slot.rejectedCount(ModelVerifier.Reason.BAD_SIGNATURE)).isEqualTo(3);
        assertThat(slot.rejectedCount(ModelVerifier.Reason.BAD_CHECKSUM)).isEqualTo(1);
        assertThat(slot.rejectedCount(ModelVerifier.Reason.UNTRUSTED_KEY)).isEqualTo(1);

        // a good v2 swaps in atomically and keeps v1 for rollback
        DeployedModel before = slot.live();
        assertThat(n.onModelUpdate(fx.update(EdgeFixtures.TASK, 2, fx.randomModel(2))).swapped()).isTrue();
        assertThat(slot.live().version()).isEqualTo(2);
        assertThat(slot.previous()).isSameAs(before);
        assertThat(slot.rollback()).get().extracting(DeployedModel::version).isEqualTo(1L);
        assertThat(n.runningVersion()).isEqualTo("5g-nidd v1");
        assertThat(slot.rollback()).isEmpty();
        // after a rollback the rolled-back version cannot be replayed in
        assertThat(n.onModelUpdate(fx.update(EdgeFixtures.TASK, 2, fx.randomModel(2))).reason())
                .isEqualTo(ModelVerifier.Reason.REPLAY_OR_DOWNGRADE);

        // a personalised model for this edge's cohort (better on the local hold-out) wins over later global models
        assertThat(n.onModelUpdate(fx.update(EdgeFixtures.TASK + "/edge-1", 1, fx.trainedModel(3, 8))).swapped()).isTrue();
        ModelSlot.Decision global3 = n.onModelUpdate(fx.update(EdgeFixtures.TASK, 3, fx.randomModel(4)));
        assertThat(global3.accepted()).isTrue();
        assertThat(global3.swapped()).isFalse();
        assertThat(n.runningVersion()).isEqualTo("5g-nidd/edge-1 v1");
        assertThat(n.status()).containsKeys("running", "rejectedUpdates", "alertsByClass");
    }

    @Test
    void aCanaryRunsOnlyOnTheEdgesItNamesAndItsAudienceIsSigned() {
        EdgeNode n = node(); // edge-1
        MlpModel m1 = fx.trainedModel(1, 8);
        assertThat(n.onModelUpdate(fx.update(EdgeFixtures.TASK, 1, m1)).swapped()).isTrue();
        // a canary for other edges: ignored, not counted as refused, and its version not burnt
        ModelSlot.Decision other = n.onModelUpdate(fx.update(EdgeFixtures.TASK, 2, fx.randomModel(2), List.of("edge-2", "edge-3")));
        assertThat(other.reason()).isEqualTo(ModelVerifier.Reason.NOT_FOR_THIS_EDGE);
        assertThat(n.slot().rejectedCounts().values().stream().mapToLong(Long::longValue).sum()).isZero();
        // the audience cannot be widened: the signature covers it
        ModelUpdate widened = fx.update(EdgeFixtures.TASK, 2, fx.randomModel(2), List.of("edge-2"));
        widened.setAudience(new java.util.ArrayList<>(List.of("edge-1", "edge-2")));
        assertThat(n.onModelUpdate(widened).reason()).isEqualTo(ModelVerifier.Reason.BAD_SIGNATURE);
        // a canary naming this edge swaps in, and the status reports its hold-out score under that version
        assertThat(n.onModelUpdate(fx.update(EdgeFixtures.TASK, 2, fx.trainedModel(2, 8), List.of("edge-1", "edge-9"))).swapped())
                .isTrue();
        io.edgedistill.schemas.EdgeStatus status = n.statusRecord();
        assertThat(status.getModelVersion()).isEqualTo(2);
        assertThat(status.getHoldOutMacroF1()).isNotNull().isBetween(0.0, 1.0);
    }

    @Test
    void aPersonalisedModelReplacesTheRunningOneOnlyIfItDoesBetterOnTheLocalHoldOut() {
        EdgeNode n = node();
        ModelSlot slot = n.slot();
        assertThat(n.onModelUpdate(fx.update(EdgeFixtures.TASK, 1, fx.trainedModel(1, 8))).swapped()).isTrue();

        // an untrained cohort model: verified, but worse on the edge's own labelled hold-out, so declined
        ModelSlot.Decision d = n.onModelUpdate(fx.update(EdgeFixtures.TASK + "/edge-1", 1, fx.randomModel(5)));
        assertThat(d.accepted()).isTrue();
        assertThat(d.swapped()).isFalse();
        assertThat(d.reason()).as("not bad input: nothing to dead-letter").isNull();
        assertThat(d.detail()).contains("declined locally").contains("held-out local rows");
        assertThat(n.runningVersion()).isEqualTo("5g-nidd v1");
        assertThat(slot.declinedCount()).isEqualTo(1);
        assertThat(n.status()).containsEntry("personalisedDeclined", 1L);
        assertThat(slot.lastDeclined().model()).isEqualTo("5g-nidd/edge-1 v1");
        // its version is burnt all the same
        assertThat(n.onModelUpdate(fx.update(EdgeFixtures.TASK + "/edge-1", 1, fx.trainedModel(2, 8))).reason())
                .isEqualTo(ModelVerifier.Reason.REPLAY_OR_DOWNGRADE);

        // global models are not judged locally (the cloud validated them): a poor v2 replaces v1 ...
        assertThat(n.onModelUpdate(fx.update(EdgeFixtures.TASK, 2, fx.randomModel(6))).swapped()).isTrue();
        // ... and a cohort model that beats it on the hold-out is taken
        assertThat(n.onModelUpdate(fx.update(EdgeFixtures.TASK + "/edge-1", 2, fx.trainedModel(2, 8))).swapped()).isTrue();
        assertThat(n.runningVersion()).isEqualTo("5g-nidd/edge-1 v2");
        assertThat(slot.declinedCount()).isEqualTo(1);

        // an edge configured to take whatever the cloud validated (min gain -1) takes even the untrained one
        EdgeNode lenient = node(new EdgeSettings("edge-2", EdgeFixtures.TASK, "", true, 0.85, 0.6f, 0.5, 200, true, -1.0));
        lenient.onModelUpdate(fx.update(EdgeFixtures.TASK, 1, fx.trainedModel(1, 8)));
        assertThat(lenient.onModelUpdate(fx.update(EdgeFixtures.TASK + "/edge-2", 1, fx.randomModel(5))).swapped()).isTrue();
    }

    @Test
    void knowledgeLeavesTheHoldOutRowsOut() {
        EdgeNode n = node();
        n.onRound(fx.round(EdgeFixtures.TASK, 1, true, false));
        MlpModel m = fx.randomModel(7);
        n.onModelUpdate(fx.update(EdgeFixtures.TASK, 1, m));
        EdgeKnowledge k = n.maybeSendKnowledge().orElseThrow();
        long hard = k.getClasses().stream().mapToLong(KnowledgeClass::getCount).sum();
        // what the edge would select from every row, and how many of those rows are held out
        LabelledRows all = LabelledRows.of(n.slot().live(), fx.data);
        float[] proba = m.predictProba(all.x(), all.n());
        int c = m.numClasses();
        int[] pred = new int[all.n()];
        float[] conf = new float[all.n()];
        for (int i = 0; i < all.n(); i++) {
            pred[i] = ClassProbabilities.argmax(proba, i, c);
            conf[i] = proba[i * c + pred[i]];
        }
        int[] selected = HardSampleKnowledge.hardRows(all.y(), pred, conf, 0.6f);
        long heldOut = java.util.Arrays.stream(selected).filter(i -> LabelledRows.heldOut(all.rows()[i])).count();
        assertThat(heldOut).isPositive();
        assertThat(hard).isEqualTo(selected.length - heldOut);
    }

    @Test
    void knowledgeV2CarriesTheHardSamplesSubClustersAndTheConfusionMatrixWhenTheRoundAsksForSubClusters() {
        EdgeNode n = node();
        io.edgedistill.schemas.RoundSpec round = fx.round(EdgeFixtures.TASK, 1, true, false);
        round.setSubClusters(io.edgedistill.schemas.SubClusterSettings.newBuilder().setPerClass(8).setMinRows(10)
                .setSeed(5).build());
        n.onRound(round);
        n.onModelUpdate(fx.update(EdgeFixtures.TASK, 1, fx.randomModel(7)));

        EdgeKnowledge k = n.maybeSendKnowledge().orElseThrow();

        int c = round.getClasses().size();
        assertThat(k.getConfusion()).hasSize(c).allSatisfy(row -> assertThat(row).hasSize(c));
        long withSubClusters = 0;
        for (KnowledgeClass kc : k.getClasses()) {
            int t = kc.getClassIndex();
            List<Long> row = k.getConfusion().get(t);
            // the matrix covers the rows knowledge is selected from: its row sums to the class's total there
            assertThat(row.stream().mapToLong(Long::longValue).sum()).isEqualTo(kc.getTotal());
            assertThat(kc.getMisclassified()).isEqualTo(kc.getTotal() - row.get(t));
            if (kc.getSubClusters() != null) {
                withSubClusters++;
                assertThat(kc.getSubClusters().stream().mapToLong(h -> h.getCount()).sum()).isEqualTo(kc.getCount());
                assertThat(kc.getSubClusters()).allSatisfy(h -> {
                    assertThat(h.getCount()).isGreaterThanOrEqualTo(10);
                    assertThat(h.getMean()).hasSize(fx.spec.dim());
                });
            } else {
                assertThat(kc.getCount()).as("a class under the floor sends no sub-clusters").isLessThan(10);
            }
        }
        assertThat(withSubClusters).isPositive();
        // a round without sub-clusters (e.g. under differential privacy) gets knowledge v1 only
        EdgeNode v1 = node();
        v1.onRound(fx.round(EdgeFixtures.TASK, 1, true, false));
        v1.onModelUpdate(fx.update(EdgeFixtures.TASK, 1, fx.randomModel(7)));
        assertThat(v1.maybeSendKnowledge().orElseThrow().getClasses()).allSatisfy(kc -> assertThat(kc.getSubClusters()).isNull());
    }

    @Test
    void trustedKeysAreReadFromConfiguration() {
        String pub = Ed25519Keys.encodePublic(fx.key.getPublic());
        assertThat(ModelVerifier.fromConfig(java.util.List.of(pub)).trustedKeyIds()).containsExactly(fx.keyId);
        assertThat(ModelVerifier.fromConfig(java.util.List.of("prod-1=" + pub, " ")).trustedKeyIds()).containsExactly("prod-1");
    }

    @Test
    void sendsKnowledgeWhenTheModelUnderperformsLocallyAndScoresTraffic() {
        EdgeNode n = node();
        n.onRound(fx.round(EdgeFixtures.TASK, 1, true, false));
        n.onModelUpdate(fx.update(EdgeFixtures.TASK, 1, fx.randomModel(7))); // an untrained model: poor locally

        EdgeKnowledge k = n.maybeSendKnowledge().orElseThrow();
        assertThat(k.getEdgeId()).isEqualTo("edge-1");
        assertThat(k.getModelId()).isEqualTo(EdgeFixtures.TASK);
        assertThat(k.getModelVersion()).isEqualTo(1);
        assertThat(k.getRoundId()).isEqualTo(1);
        assertThat(k.getLocalMacroF1()).isLessThan(0.85);
        assertThat(k.getNumNetworks()).isEqualTo(4);
        assertThat(k.getClasses()).isNotEmpty();
        long hard = 0;
        for (KnowledgeClass c : k.getClasses()) {
            assertThat(c.getMeans()).hasSize(4 * 16);
            assertThat(c.getInputMean()).hasSize(fx.spec.dim());
            assertThat(c.getCount()).isBetween(1L, c.getTotal());
            assertThat(c.getMisclassified()).isLessThanOrEqualTo(c.getCount());
            hard += c.getCount();
        }
        assertThat(hard).isLessThanOrEqualTo(fx.data.size());
        assertThat(out.knowledge).containsExactly(k);
        // not again for the same model, data and round
        assertThat(n.maybeSendKnowledge()).isEmpty();
        // new data (drift): evaluated again
        n.replaceData(LocalData.generated(99, 1500, null));
        assertThat(n.maybeSendKnowledge()).isPresent();

        // local scoring raises alerts for predicted attacks, within the rate limit
        int[] rows = new int[300];
        String[] ids = new String[300];
        for (int i = 0; i < rows.length; i++) {
            rows[i] = i;
            ids[i] = "edge-1-" + i;
        }
        int raised = n.score(rows, ids, null);
        assertThat(raised).isEqualTo(out.alerts.size()).isLessThanOrEqualTo(2 * 200);
        assertThat(n.flowsScored()).isEqualTo(300);
        assertThat(out.alerts).allSatisfy(a -> {
            assertThat(a.getAttackClass()).isNotEqualTo("Benign");
            assertThat(a.getModelVersion()).isEqualTo(1L);
            assertThat(a.getSource().name()).isEqualTo("EDGE");
        });
    }

    @Test
    void theEdgeSendsKnowledgeWhenItsTrafficDriftsUnderTheSameModel() {
        // no absolute floor: only a fall from the model's first reading on this edge sends knowledge
        EdgeNode n = node(new EdgeSettings("edge-1", EdgeFixtures.TASK, "", true, 0.0, 0.6f, 0.5, 10, true, 0.01,
                io.edgedistill.core.personal.DriftRule.Trigger.DEFAULT));
        n.onRound(fx.round(EdgeFixtures.TASK, 1, false, false));
        n.onModelUpdate(fx.update(EdgeFixtures.TASK, 1, fx.trainedModel(3, 20)));
        assertThat(n.maybeSendKnowledge()).as("the model's first reading is its reference").isEmpty();
        io.edgedistill.core.personal.DriftRule.Reading ref = n.driftReference().orElseThrow();
        n.onRound(fx.round(EdgeFixtures.TASK, 2, false, false));
        assertThat(n.maybeSendKnowledge()).as("the same traffic in a later round").isEmpty();

        // new tools for two attack types (longer flows, more payload): the model that fitted the old traffic falls
        io.edgedistill.core.data.FiveGNiddGenerator.Config shifted = io.edgedistill.core.data.FiveGNiddGenerator.Config.defaults();
        shifted.variants = java.util.Set.of("UDPFlood", "HTTPFlood");
        shifted.classMix = new double[FiveGNiddSchema.CLASSES.size()];
        java.util.Arrays.fill(shifted.classMix, 1.0);
        n.replaceData(LocalData.generated(11, 3000, shifted, "shifted"));
        EdgeKnowledge k = n.maybeSendKnowledge().orElseThrow();
        assertThat(n.lastDrift().orElseThrow().reason()).contains("fell from");
        assertThat(n.lastDrift().orElseThrow().reading().macroF1()).isEqualTo(k.getLocalMacroF1());
        assertThat(n.driftReference()).as("the reference stays the first reading").contains(ref);
        assertThat(k.getLocalMacroF1()).isLessThan(ref.macroF1());
        assertThat(out.knowledge).containsExactly(k);
    }

    @Test
    void aWellPerformingModelSendsNoKnowledge() {
        EdgeNode n = node(new EdgeSettings("edge-1", EdgeFixtures.TASK, "", true, -1.0, 0.6f, 0.5, 10, true));
        n.onRound(fx.round(EdgeFixtures.TASK, 1, false, false));
        n.onModelUpdate(fx.update(EdgeFixtures.TASK, 1, fx.randomModel(7)));
        assertThat(n.maybeSendKnowledge()).isEmpty();
        assertThat(n.lastEvaluation()).isPresent();
        assertThat(out.knowledge).isEmpty();
    }

    @Test
    void invalidRoundsAreRefusedWithReasons() {
        assertThat(Validators.ROUND.violations(fx.round(EdgeFixtures.TASK, 1, true, true))).isEmpty();
        var bad = fx.round(EdgeFixtures.TASK, 1, true, true);
        bad.getPrivacy().setEpsilon(0);
        bad.getNetwork().setCount(0);
        bad.getNetwork().setActivation("swish");
        assertThat(Validators.ROUND.violations(bad)).hasSize(3);
    }

    static byte[] bytes(ByteBuffer b) {
        ByteBuffer d = b.duplicate();
        byte[] o = new byte[d.remaining()];
        d.get(o);
        return o;
    }
}
