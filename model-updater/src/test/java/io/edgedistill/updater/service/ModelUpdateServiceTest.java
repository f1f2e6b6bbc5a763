package io.edgedistill.updater.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.edgedistill.core.model.MlpModel;
import io.edgedistill.core.model.ModelFormat;
import io.edgedistill.core.signing.SignedPayload;
import io.edgedistill.schemas.EdgeKnowledge;
import io.edgedistill.schemas.KnowledgeClass;
import io.edgedistill.schemas.ModelUpdate;
import io.edgedistill.schemas.SyntheticSet;
import io.edgedistill.updater.service.HistoryEntry.Status;
import io.edgedistill.updater.config.UpdaterConfig.Training;
import io.edgedistill.updater.signing.UpdateSigner;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The updater's logic without Kafka: train → validate → publish or refuse; signatures; personalisation. */
class ModelUpdateServiceTest {
    private static Fixtures fx;

    private final List<ModelUpdate> published = new ArrayList<>();
    private final UpdateSigner signer = UpdateSigner.fromConfig("", "", "test-key");

    @BeforeAll
    static void data() {
        fx = new Fixtures(42, 8000);
    }

    static Training fast() {
        return new Training(new int[] {64}, new int[] {32}, 100, 30, 4f, 0.7f, 4, 0.2f, 0, 0.5f, 0.0, 0.02, 1, 0.1,
                new Training.Generated(200, 20, 5, 5, 0, 0, 0), Training.Cohort.defaults(),
                Training.Novelty.defaults());
    }

    private ModelUpdateService service(Map<String, String> cohorts) {
        ModelUpdateService s = new ModelUpdateService(ValidationSource.generated(9001, 3000, 80), signer,
                published::add, fast(), cohorts);
        s.registerPreprocessing(fx.specJson, fx.specSha);
        return s;
    }

    @Test
    void aSetCarryingTheFleetsMixtureTrainsOnGeneratedRowsAndBeatsTheCompactSetAlone() {
        double compactOnly = service(Map.of()).onSyntheticSet(fx.set(1, 10, false)).get(0).macroF1();
        List<HistoryEntry> out = service(Map.of()).onSyntheticSet(fx.withMixture(fx.set(1, 10, false), 8));

        assertThat(out).singleElement().satisfies(e -> {
            assertThat(e.status()).isEqualTo(Status.PUBLISHED);
            assertThat(e.macroF1()).isGreaterThan(compactOnly);
        });
    }

    @Test
    void aRefinedModelFollowsTheFirstInTheBackgroundAndOnlyForTheNewestSet() {
        Training t = fast();
        Training refining = new Training(t.teacherHidden(), t.studentHidden(), t.teacherEpochs(), t.studentEpochs(),
                t.temperature(), t.alpha(), t.transferCopies(), t.transferNoise(), t.knowledgeSamplesPerClass(),
                t.knowledgeSpread(), -1.0, t.personalisedTolerance(), t.maxPersonalisationsPerSet(), t.firstModelMargin(),
                new Training.Generated(100, 20, 3, 3, 400, 6, 6), t.cohort(), t.novelty());
        try (ModelUpdateService s = new ModelUpdateService(ValidationSource.generated(9001, 3000, 80), signer,
                published::add, refining, Map.of())) {
            s.registerPreprocessing(fx.specJson, fx.specSha);
            s.onSyntheticSet(fx.withMixture(fx.set(1, 10, false), 8));
            s.onSyntheticSet(fx.withMixture(fx.set(2, 10, false), 8));

            await().atMost(Duration.ofSeconds(60)).until(() -> s.history().stream()
                    .anyMatch(e -> e.trigger().equals("synthetic-set v2, refined")));
            assertThat(s.history()).filteredOn(e -> e.trigger().endsWith("refined"))
                    .allSatisfy(e -> assertThat(e.syntheticSetVersion()).isEqualTo(2))
                    .allSatisfy(e -> assertThat(e.status()).isEqualTo(Status.PUBLISHED));
        }
    }

    @Test
    void publishesASignedVerifiableUpdateAndTamperingIsDetected() throws Exception {
        ModelUpdateService s = service(Map.of());
        List<HistoryEntry> out = s.onSyntheticSet(fx.set(1, 10, false));

        assertThat(out).singleElement().satisfies(e -> {
            assertThat(e.status()).isEqualTo(Status.PUBLISHED);
            assertThat(e.version()).isEqualTo(1);
            assertThat(e.macroF1()).isGreaterThan(0.4);
        });
        assertThat(published).hasSize(1);
        ModelUpdate u = published.get(0);
        assertThat(u.getModelId()).isEqualTo(Fixtures.TASK);
        assertThat(u.getCohort()).isNull();
        assertThat(u.getFormat()).isEqualTo(ModelUpdateService.FORMAT);
        assertThat(u.getSigningKeyId()).isEqualTo("test-key");
        assertThat(u.getMetrics().getPreviousMacroF1()).isNull();
        assertThat(u.getPreprocessing()).isEqualTo(fx.specJson);
        byte[] weights = bytes(u.getWeights());
        assertThat(ModelFormat.sha256Hex(weights)).isEqualTo(u.getSha256());
        MlpModel model = ModelFormat.read(weights);
        assertThat(model.inputDim()).isEqualTo(fx.spec.dim());
        assertThat(model.numClasses()).isEqualTo(9);

        SignedPayload payload = new SignedPayload(u.getModelId(), u.getVersion(), u.getFormat(), u.getSha256(),
                u.getSyntheticSetVersion());
        assertThat(payload.verify(signer.publicKey(), bytes(u.getSignature()))).isTrue();

        // tampered weights: the checksum no longer matches, and a re-computed checksum breaks the signature
        weights[weights.length / 2] ^= 0x5a;
        String tamperedSha = ModelFormat.sha256Hex(weights);
        assertThat(tamperedSha).isNotEqualTo(u.getSha256());
        assertThat(new SignedPayload(u.getModelId(), u.getVersion(), u.getFormat(), tamperedSha,
                u.getSyntheticSetVersion()).verify(signer.publicKey(), bytes(u.getSignature()))).isFalse();
        // a replayed signature on another version does not verify
        assertThat(new SignedPayload(u.getModelId(), 2, u.getFormat(), u.getSha256(), u.getSyntheticSetVersion())
                .verify(signer.publicKey(), bytes(u.getSignature()))).isFalse();
    }

    @Test
    void refusesAModelWorseThanTheLiveOneAndRecordsWhy() {
        ModelUpdateService s = service(Map.of());
        s.onSyntheticSet(fx.set(1, 10, false));
        List<HistoryEntry> out = s.onSyntheticSet(fx.set(2, 10, true)); // labels scrambled

        assertThat(out).singleElement().satisfies(e -> {
            assertThat(e.status()).isEqualTo(Status.REFUSED);
            assertThat(e.reason()).contains("below live 5g-nidd v1");
            assertThat(e.previousMacroF1()).isGreaterThan(e.macroF1());
        });
        assertThat(published).hasSize(1);
        assertThat(s.live(Fixtures.TASK)).get().extracting(l -> l.update().getVersion()).isEqualTo(1L);
        assertThat(s.history()).extracting(HistoryEntry::status).containsExactly(Status.PUBLISHED, Status.REFUSED);
        assertThat(s.count(Status.REFUSED)).isEqualTo(1);

        // old or repeated versions are ignored
        assertThat(s.onSyntheticSet(fx.set(2, 10, false))).isEmpty();
    }

    @Test
    void aStandbyThatTakesOverDoesNotTrainASetWhoseModelTheActiveInstanceAlreadyPublished() {
        ModelUpdateService active = service(Map.of());
        active.onSyntheticSet(fx.set(1, 10, false));
        ModelUpdate byActive = published.get(0);

        // the standby followed models.updates; the active instance died before committing set v1's offset
        List<ModelUpdate> fromStandby = new ArrayList<>();
        ModelUpdateService standby = new ModelUpdateService(ValidationSource.generated(9001, 3000, 80), signer,
                fromStandby::add, fast(), Map.of());
        standby.registerPreprocessing(fx.specJson, fx.specSha);
        standby.restoreLive(byActive);

        assertThat(standby.onSyntheticSet(fx.set(1, 10, false))).isEmpty();
        assertThat(fromStandby).isEmpty();
        // the next set is trained, numbered after the active instance's version
        assertThat(standby.onSyntheticSet(fx.set(2, 10, false))).singleElement().satisfies(e -> {
            assertThat(e.status()).isIn(Status.PUBLISHED, Status.REFUSED);
            assertThat(e.version()).isEqualTo(byActive.getVersion() + 1);
        });
        assertThat(fromStandby).hasSizeLessThanOrEqualTo(1)
                .allSatisfy(u -> assertThat(u.getVersion()).isEqualTo(byActive.getVersion() + 1));
    }

    @Test
    void aSetWaitsForItsPreprocessingSpec() {
        ModelUpdateService s = new ModelUpdateService(ValidationSource.generated(9001, 3000, 80), signer,
                published::add, fast(), Map.of());
        assertThat(s.onSyntheticSet(fx.set(1, 5, false))).isEmpty();
        assertThat(published).isEmpty();
        List<HistoryEntry> out = s.registerPreprocessing(fx.specJson, fx.specSha);
        assertThat(out).extracting(HistoryEntry::status).containsExactly(Status.PUBLISHED);
        assertThat(published).hasSize(1);
    }

    @Test
    void knowledgeFromAnEdgeProducesAPersonalisedModelForItsCohort() {
        ModelUpdateService s = service(Map.of("edge-7", "north"));
        s.onSyntheticSet(fx.set(1, 10, false));
        EdgeKnowledge k = knowledge("edge-7", new int[] {3, 6});

        Optional<HistoryEntry> e = s.onKnowledge(k);
        assertThat(e).get().satisfies(h -> {
            assertThat(h.modelId()).isEqualTo("5g-nidd/north");
            assertThat(h.cohort()).isEqualTo("north");
            assertThat(h.status()).isIn(Status.PUBLISHED, Status.REFUSED);
            assertThat(h.previousMacroF1()).isNotNull(); // compared with the global live model
        });
        if (e.get().status() == Status.PUBLISHED) {
            ModelUpdate u = published.get(published.size() - 1);
            assertThat(u.getModelId()).isEqualTo("5g-nidd/north");
            assertThat(u.getCohort()).isEqualTo("north");
            assertThat(u.getVersion()).isEqualTo(1);
            assertThat(new SignedPayload(u.getModelId(), u.getVersion(), u.getFormat(), u.getSha256(),
                    u.getSyntheticSetVersion()).verify(signer.publicKey(), bytes(u.getSignature()))).isTrue();
        }
        // the same knowledge again is not re-trained
        assertThat(s.onKnowledge(k)).isEmpty();
        // knowledge about the personalised model on the same set: over the per-set budget (1 here)
        EdgeKnowledge again = knowledge("edge-7", new int[] {4});
        again.setModelId("5g-nidd/north");
        assertThat(s.onKnowledge(again)).get().satisfies(h -> {
            assertThat(h.status()).isEqualTo(Status.SKIPPED);
            assertThat(h.reason()).contains("already personalised 1 times");
        });
        EdgeKnowledge merged = CohortPersonalisation.merge(k, again);
        assertThat(merged.getClasses()).extracting(c -> c.getClassIndex()).containsExactly(3, 6, 4);
        // knowledge without input moments (sent under DP) cannot be personalised on: skipped with the reason
        EdgeKnowledge dp = knowledge("edge-8", new int[] {2});
        dp.getClasses().forEach(c -> {
            c.setInputMean(null);
            c.setInputVar(null);
        });
        assertThat(s.onKnowledge(dp)).get().satisfies(h -> {
            assertThat(h.modelId()).isEqualTo("5g-nidd/edge-8");
            assertThat(h.status()).isEqualTo(Status.SKIPPED);
            assertThat(h.reason()).contains("no usable input moments");
        });
        // a new synthetic set refreshes the cohort too
        List<HistoryEntry> refresh = s.onSyntheticSet(fx.set(2, 10, false));
        assertThat(refresh).extracting(HistoryEntry::modelId).containsExactly("5g-nidd", "5g-nidd/north");
    }

    @Test
    void aPersonalisedModelIsJudgedOnItsCohortsTrafficMix() {
        ModelUpdateService s = service(Map.of());
        s.onSyntheticSet(fx.set(1, 10, false));
        EdgeKnowledge k = knowledge("edge-9", new int[] {3, 6});
        int classes = fx.set(1, 10, false).getClasses().size();
        List<Long> totals = new ArrayList<>();
        for (int c = 0; c < classes; c++) {
            totals.add(c == 3 || c == 6 ? 500L : 5L); // the edge sees mostly classes 3 and 6
        }
        k.setClassTotals(totals);
        HistoryEntry h = s.onKnowledge(k).orElseThrow();
        assertThat(h.modelId()).isEqualTo("5g-nidd/edge-9");
        // the baseline is the global model on the cohort's mix, not on the validation set as it is
        double globalAsIs = s.liveModels().stream().filter(l -> l.update().getModelId().equals("5g-nidd")).findFirst()
                .orElseThrow().update().getMetrics().getMacroF1();
        assertThat(h.previousMacroF1()).isNotNull().isNotEqualTo(globalAsIs);
        if (h.status() == Status.REFUSED) {
            assertThat(h.reason()).containsAnyOf("cohort's traffic mix", "tolerance");
        } else {
            assertThat(h.status()).isEqualTo(Status.PUBLISHED);
            assertThat(h.macroF1()).as("published on the mix, within the tolerance of the global model there")
                    .isGreaterThanOrEqualTo(h.previousMacroF1() - 0.05);
        }
        assertThat(CohortPersonalisation.merge(k, knowledge("edge-9", new int[] {4})).getClassTotals())
                .as("a report without totals keeps the earlier ones").isEqualTo(totals);
    }

    @Test
    void knowledgeV2TeachesTheCohortsModelAClassTheFleetNeverSentAndLeavesTheGlobalModelAlone() {
        int novel = 6;
        ModelUpdateService s = service(Map.of());
        SyntheticSet set = fleetSetWithout(1, novel);
        s.onSyntheticSet(set);
        MlpModel global = liveModel(s, Fixtures.TASK);
        float[] x = rowsOf(novel);
        int n = x.length / fx.train.dim();

        HistoryEntry h = s.onKnowledge(novelKnowledge("edge-7", novel, set)).orElseThrow();

        assertThat(h.trigger()).contains("knowledge v2");
        assertThat(h.status()).as(h.reason()).isEqualTo(Status.PUBLISHED);
        MlpModel cohort = liveModel(s, Fixtures.TASK + "/edge-7");
        assertThat(cohort.layerSizes()).containsExactly(global.layerSizes());
        assertThat(recall(cohort, x, n, novel)).isGreaterThan(0.5);
        assertThat(recall(global, x, n, novel)).isLessThan(0.2);
        assertThat(liveModel(s, Fixtures.TASK)).as("the global model is not changed by one edge's knowledge").isSameAs(global);
    }

    @Test
    void theGlobalModelAdoptsANoveltyOnceThreeEdgesReportIt() {
        int novel = 6;
        ModelUpdateService s = service(Map.of());
        SyntheticSet set = fleetSetWithout(1, novel);
        s.onSyntheticSet(set);
        MlpModel before = liveModel(s, Fixtures.TASK);
        s.onKnowledge(novelKnowledge("edge-7", novel, set));
        s.onKnowledge(novelKnowledge("edge-8", novel, set));
        assertThat(liveModel(s, Fixtures.TASK)).as("two edges are not enough").isSameAs(before);

        s.onKnowledge(novelKnowledge("edge-9", novel, set));

        HistoryEntry adopted = s.history().stream().filter(e -> e.trigger().startsWith("novelty adopted")).findFirst()
                .orElseThrow();
        assertThat(adopted.trigger()).contains(set.getClasses().get(novel)).contains("edge-7, edge-8, edge-9");
        assertThat(adopted.status()).as(adopted.reason()).isEqualTo(Status.PUBLISHED);
        MlpModel after = liveModel(s, Fixtures.TASK);
        float[] x = rowsOf(novel);
        int n = x.length / fx.train.dim();
        assertThat(recall(after, x, n, novel)).isGreaterThan(recall(before, x, n, novel) + 0.3);
        // the next set keeps it
        List<HistoryEntry> next = s.onSyntheticSet(fleetSetWithout(2, novel));
        assertThat(next.get(0).trigger()).contains("with adopted novelty");
    }

    private static float[] rowsOf(int c) {
        int[] idx = fx.train.indicesOf(c);
        int d = fx.train.dim();
        float[] x = new float[idx.length * d];
        for (int r = 0; r < idx.length; r++) {
            System.arraycopy(fx.train.x(), idx[r] * d, x, r * d, d);
        }
        return x;
    }

    /**
     * Knowledge v2 of an edge that sees every class as the fleet does, plus class {@code novel}, which the set's model
     * never learnt: all its rows are hard, summarised as sub-clusters.
     */
    private static EdgeKnowledge novelKnowledge(String edge, int novel, SyntheticSet set) {
        float[] x = rowsOf(novel);
        int n = x.length / fx.train.dim();
        int[] y = new int[n];
        java.util.Arrays.fill(y, novel);
        int c = set.getClasses().size();
        var hard = new io.edgedistill.core.mixture.SubClusterer(new io.edgedistill.core.mixture.SubClusterOptions(8, 10,
                edge.hashCode(), 25)).summarize(edge, x, y, c).classes().get(novel);
        EdgeKnowledge k = knowledge(edge, new int[] {novel});
        k.getClasses().get(0).setMisclassified(n);
        k.getClasses().get(0).setSubClusters(io.edgedistill.schemas.mapping.SubClusterMapping.hardToWire(hard));
        List<Long> totals = new ArrayList<>();
        for (int i = 0; i < c; i++) {
            totals.add((long) fx.train.indicesOf(i).length);
        }
        k.setClassTotals(totals);
        return k;
    }

    private static MlpModel liveModel(ModelUpdateService s, String modelId) {
        return s.liveModels().stream().filter(l -> l.update().getModelId().equals(modelId)).findFirst().orElseThrow().model();
    }

    private static double recall(MlpModel m, float[] x, int n, int c) {
        return java.util.Arrays.stream(m.predict(x, n)).filter(p -> p == c).count() / (double) n;
    }

    /** Set {@code version} with a mixture, as a fleet that never holds class {@code c} sends it. */
    private SyntheticSet fleetSetWithout(long version, int c) {
        return withoutClass(fx.withMixture(fx.set(version, 10, false), 8), c);
    }

    /** The set as a fleet without class c would send it: no samples and no mixture of it. */
    private static SyntheticSet withoutClass(SyntheticSet set, int c) {
        return SyntheticSet.newBuilder(set)
                .setSamples(set.getSamples().stream().filter(x -> x.getLabel() != c).toList())
                .setMixture(set.getMixture().stream().filter(m -> m.getClassIndex() != c).toList())
                .build();
    }

    /** Knowledge as an edge would send it: input moments of its rows of the given classes. */
    static EdgeKnowledge knowledge(String edge, int[] classes) {
        List<KnowledgeClass> kcs = new ArrayList<>();
        int d = fx.train.dim();
        for (int c : classes) {
            int[] idx = fx.train.indicesOf(c);
            double[] s = new double[d];
            double[] q = new double[d];
            for (int i : idx) {
                for (int j = 0; j < d; j++) {
                    double v = fx.train.get(i, j);
                    s[j] += v;
                    q[j] += v * v;
                }
            }
            List<Float> mean = new ArrayList<>();
            List<Float> var = new ArrayList<>();
            for (int j = 0; j < d; j++) {
                double m = s[j] / idx.length;
                mean.add((float) m);
                var.add((float) Math.max(0, q[j] / idx.length - m * m));
            }
            kcs.add(KnowledgeClass.newBuilder().setClassIndex(c).setCount(idx.length).setMisclassified(idx.length / 2)
                    .setTotal(idx.length).setMeans(List.of(0f)).setInputMean(mean).setInputVar(var).build());
        }
        return EdgeKnowledge.newBuilder().setEdgeId(edge).setTaskId(Fixtures.TASK).setRoundId(1)
                .setModelId(Fixtures.TASK).setModelVersion(1).setWindowStart(Instant.EPOCH).setWindowEnd(Instant.now())
                .setNumNetworks(1).setEmbedDim(1).setClasses(kcs).setLocalAccuracy(0.5).setLocalMacroF1(0.4)
                .setProducedAt(Instant.now()).build();
    }

    static byte[] bytes(ByteBuffer b) {
        ByteBuffer d = b.duplicate();
        byte[] out = new byte[d.remaining()];
        d.get(out);
        return out;
    }
}
