package io.edgedistill.updater.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.edgedistill.core.signing.SignedPayload;
import io.edgedistill.schemas.AlertKind;
import io.edgedistill.schemas.AttackAlert;
import io.edgedistill.schemas.EdgeStatus;
import io.edgedistill.schemas.ModelUpdate;
import io.edgedistill.updater.config.UpdaterConfig.Training;
import io.edgedistill.updater.service.HistoryEntry.Status;
import io.edgedistill.updater.signing.UpdateSigner;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The staged rollout in the updater's service, without Kafka: a new global model goes to the canaries, is promoted when
 * their hold-out scores hold, rolled back (with an alert) when they drop or do not come; every step signed.
 */
class StagedRolloutTest {
    private static final String TASK = "5g-nidd";
    private static final List<String> FLEET = List.of("edge-1", "edge-2", "edge-3", "edge-4");
    private static Fixtures fx;

    private final List<ModelUpdate> published = new ArrayList<>();
    private final List<AttackAlert> alerts = new ArrayList<>();
    private final UpdateSigner signer = UpdateSigner.fromConfig("", "", "test-key");

    @BeforeAll
    static void data() {
        fx = new Fixtures(42, 8000);
    }

    /** Every candidate passes the gate (min improvement -1): the rollout alone decides what the fleet runs. */
    private ModelUpdateService service(Set<String> canaries, int percent) {
        Training t = ModelUpdateServiceTest.fast();
        Training any = new Training(t.teacherHidden(), t.studentHidden(), t.teacherEpochs(), t.studentEpochs(),
                t.temperature(), t.alpha(), t.transferCopies(), t.transferNoise(), t.knowledgeSamplesPerClass(),
                t.knowledgeSpread(), -1.0, t.personalisedTolerance(), t.maxPersonalisationsPerSet(), -1.0, t.generated(), t.cohort(), t.novelty());
        ModelUpdateService s = new ModelUpdateService(ValidationSource.generated(9001, 3000, 80), signer, published::add, any,
                Map.of(), new StagedRollout.Settings(canaries, percent, 0.02, Duration.ofSeconds(60)), alerts::add);
        s.registerPreprocessing(fx.specJson, fx.specSha);
        return s;
    }

    private static EdgeStatus status(String edge, long version, double holdOut) {
        return EdgeStatus.newBuilder().setEdgeId(edge).setTaskId(TASK).setModelId(TASK).setModelVersion(version)
                .setHoldOutMacroF1(holdOut).setSentAt(Instant.now()).build();
    }

    private void fleetReports(ModelUpdateService s, long version, double holdOut) {
        FLEET.forEach(e -> s.onStatus(status(e, version, holdOut)));
    }

    private boolean verifies(ModelUpdate u) {
        return new SignedPayload(u.getModelId(), u.getVersion(), u.getFormat(), u.getSha256(), u.getSyntheticSetVersion(),
                u.getAudience()).verify(signer.publicKey(), u.getSignature().array());
    }

    @Test
    void aWorseCanaryIsRolledBackWithAnAlertAndABetterOneIsPromoted() {
        ModelUpdateService s = service(Set.of("edge-1", "edge-2"), 0);
        Instant t0 = Instant.now();
        // the first model goes to every edge at once: there is nothing to compare it with
        assertThat(s.onSyntheticSet(fx.set(1, 10, false))).extracting(HistoryEntry::status).containsExactly(Status.PUBLISHED);
        assertThat(published.get(0).getAudience()).isEmpty();
        fleetReports(s, 1, 0.80);

        // v2 goes to the canaries only; the fleet's model stays v1
        assertThat(s.onSyntheticSet(fx.set(2, 10, false))).extracting(HistoryEntry::status).containsExactly(Status.CANARY);
        ModelUpdate canary = published.get(1);
        assertThat(canary.getVersion()).isEqualTo(2);
        assertThat(canary.getAudience()).containsExactly("edge-1", "edge-2");
        assertThat(verifies(canary)).isTrue();
        assertThat(s.live(TASK).orElseThrow().update().getVersion()).isEqualTo(1);
        assertThat(s.tick(t0)).as("no report yet, wait not over").isEmpty();

        // the canaries do worse on their hold-outs: rolled back, the canaries get v1's weights as v3, an alert
        s.onStatus(status("edge-1", 2, 0.70));
        assertThat(s.tick(t0)).as("one canary of two reported").isEmpty();
        s.onStatus(status("edge-2", 2, 0.72));
        List<HistoryEntry> decided = s.tick(t0);
        assertThat(decided).singleElement().satisfies(e -> {
            assertThat(e.status()).isEqualTo(Status.ROLLED_BACK);
            assertThat(e.reason()).contains("0.7100 under v2 against 0.8000 under v1");
        });
        ModelUpdate back = published.get(2);
        assertThat(back.getVersion()).isEqualTo(3);
        assertThat(back.getAudience()).containsExactly("edge-1", "edge-2");
        assertThat(back.getSha256()).isEqualTo(published.get(0).getSha256());
        assertThat(verifies(back)).isTrue();
        assertThat(alerts).singleElement().satisfies(a -> {
            assertThat(a.getKind()).isEqualTo(AlertKind.MODEL_ROLLED_BACK);
            assertThat(a.getModelVersion()).isEqualTo(2);
            assertThat(a.getEdgeId()).isEqualTo("edge-1,edge-2");
        });
        assertThat(s.live(TASK).orElseThrow().update().getVersion()).isEqualTo(1);
        FLEET.forEach(e -> s.onStatus(status(e, e.equals("edge-1") || e.equals("edge-2") ? 3 : 1, 0.80)));

        // v4 does as well on the canaries (within the tolerance): promoted to every edge as v5, the same weights
        assertThat(s.onSyntheticSet(fx.set(3, 10, false))).extracting(HistoryEntry::status).containsExactly(Status.CANARY);
        ModelUpdate v4 = published.get(3);
        assertThat(v4.getVersion()).isEqualTo(4);
        s.onStatus(status("edge-1", 4, 0.79));
        s.onStatus(status("edge-2", 4, 0.80));
        assertThat(s.tick(t0)).extracting(HistoryEntry::status).containsExactly(Status.PROMOTED);
        ModelUpdate promoted = published.get(4);
        assertThat(promoted.getVersion()).isEqualTo(5);
        assertThat(promoted.getAudience()).isEmpty();
        assertThat(promoted.getSha256()).isEqualTo(v4.getSha256());
        assertThat(verifies(promoted)).isTrue();
        assertThat(s.live(TASK).orElseThrow().update().getVersion()).isEqualTo(5);
        assertThat(alerts).hasSize(1);
    }

    @Test
    void canariesThatDoNotReportWithinTheWaitAreRolledBack() {
        ModelUpdateService s = service(Set.of("edge-1"), 0);
        Instant t0 = Instant.now();
        s.onSyntheticSet(fx.set(1, 10, false));
        fleetReports(s, 1, 0.8);
        assertThat(s.onSyntheticSet(fx.set(2, 10, false))).extracting(HistoryEntry::status).containsExactly(Status.CANARY);
        assertThat(s.tick(t0.plusSeconds(30))).isEmpty();
        assertThat(s.tick(t0.plusSeconds(90))).singleElement().satisfies(e -> {
            assertThat(e.status()).isEqualTo(Status.ROLLED_BACK);
            assertThat(e.reason()).contains("nothing shows it is safe");
        });
        assertThat(alerts).hasSize(1);
    }

    @Test
    void afterARollbackTheCanariesAreComparedWithTheFleetsWeightsUnderTheirNewVersion() {
        StagedRollout r = new StagedRollout(new StagedRollout.Settings(Set.of("edge-1"), 0, 0.02, Duration.ofSeconds(60)));
        LiveModel fleet = model(1);
        r.fleetModel(TASK, 1);
        r.fleetWeightsAgain(TASK, 3); // v2 was rolled back: the canary runs the fleet's weights as v3
        r.onStatus(status("edge-1", 3, 0.80)); // its score under v1 is long gone
        r.started(model(4), fleet, Set.of("edge-1"), Instant.now());
        r.onStatus(status("edge-1", 4, 0.79));
        assertThat(r.due(Instant.now())).singleElement().satisfies(d -> {
            assertThat(d.promote()).isTrue();
            assertThat(d.oldMacroF1()).isEqualTo(0.80);
            assertThat(d.compared()).containsExactly("edge-1");
        });
    }

    private static LiveModel model(long version) {
        ModelUpdate u = io.edgedistill.schemas.ContractSamples.modelUpdate(version);
        u.setModelId(TASK);
        u.setVersion(version);
        return new LiveModel(u, io.edgedistill.core.model.MlpModel.random(new int[] {4, 3}, 0.3, version), null, "");
    }

    @Test
    void aShareOfTheReportingFleetIsChosenStablyAndTheFirstModelSkipsTheCanaries() {
        StagedRollout r = new StagedRollout(new StagedRollout.Settings(Set.of(), 25, 0.02, Duration.ofSeconds(60)));
        Instant now = Instant.now();
        assertThat(r.canariesFor(TASK, now)).as("no edge known yet").isEmpty();
        FLEET.forEach(e -> r.onStatus(status(e, 1, 0.8)));
        Set<String> first = r.canariesFor(TASK, now);
        assertThat(first).hasSize(1).isSubsetOf(FLEET);
        StagedRollout again = new StagedRollout(r.settings());
        List<String> reversed = new ArrayList<>(FLEET);
        java.util.Collections.reverse(reversed);
        reversed.forEach(e -> again.onStatus(status(e, 1, 0.8)));
        assertThat(again.canariesFor(TASK, now)).as("the same edge, whatever the order they reported in").isEqualTo(first);
        assertThat(new StagedRollout(StagedRollout.Settings.off()).canariesFor(TASK, now)).isEmpty();
    }

    @Test
    void onlyEdgesThatCanReportAreCanariesAndASupersededCanaryKeepsItsEdges() {
        StagedRollout r = new StagedRollout(new StagedRollout.Settings(Set.of("edge-1", "edge-2", "edge-3", "edge-other-task"),
                0, 0.02, Duration.ofSeconds(60)));
        Instant t0 = Instant.now();
        r.onStatus(status("edge-1", 1, 0.8), t0);
        r.onStatus(status("edge-2", 1, 0.8), t0.minus(StagedRollout.RECENT).minusSeconds(1)); // silent for too long
        r.onStatus(EdgeStatus.newBuilder(status("edge-3", 1, 0.8)).setModelId(TASK + "/edge-3").build(), t0); // personalised
        r.onStatus(EdgeStatus.newBuilder(status("edge-other-task", 1, 0.8)).setTaskId("other").setModelId("other").build(), t0);
        assertThat(r.canariesFor(TASK, t0)).containsExactly("edge-1");
        // a new version while v2 is pending on edge-1: edge-1 stays a canary of the new one whatever the choice now
        r.started(model(2), model(1), Set.of("edge-1"), t0);
        r.onStatus(EdgeStatus.newBuilder(status("edge-1", 2, 0.8)).setModelId("gone").build(), t0); // now not eligible
        r.onStatus(status("edge-2", 1, 0.8), t0);
        assertThat(r.canariesFor(TASK, t0)).containsExactlyInAnyOrder("edge-1", "edge-2");
    }

    @Test
    void theBaselineSurvivesTheCompactionOfOlderReports() {
        StagedRollout r = new StagedRollout(new StagedRollout.Settings(Set.of("edge-1"), 0, 0.02, Duration.ofSeconds(60)));
        r.fleetModel(TASK, 1);
        r.started(model(2), model(1), Set.of("edge-1"), Instant.now());
        // the only report left on the compacted topic: under v2, with its score under v1 before it
        r.onStatus(EdgeStatus.newBuilder(status("edge-1", 2, 0.60)).setPreviousModelVersion(1).setPreviousHoldOutMacroF1(0.80)
                .build());
        assertThat(r.due(Instant.now())).singleElement().satisfies(d -> {
            assertThat(d.promote()).isFalse();
            assertThat(d.oldMacroF1()).isEqualTo(0.80);
            assertThat(d.newMacroF1()).isEqualTo(0.60);
        });
    }

    @Test
    void aNewVersionIsHeldBackWhenNoEdgeCanBeACanary() {
        ModelUpdateService s = service(Set.of("edge-1"), 0);
        s.onSyntheticSet(fx.set(1, 10, false));
        // no report from edge-1: it cannot judge a canary, so v2 goes nowhere rather than to every edge
        assertThat(s.onSyntheticSet(fx.set(2, 10, false))).singleElement().satisfies(e -> {
            assertThat(e.status()).isEqualTo(Status.REFUSED);
            assertThat(e.reason()).contains("held back");
        });
        assertThat(published).hasSize(1);
        assertThat(s.live(TASK).orElseThrow().update().getVersion()).isEqualTo(1);
    }
}
