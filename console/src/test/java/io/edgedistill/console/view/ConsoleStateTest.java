package io.edgedistill.console.view;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import io.edgedistill.schemas.AlertKind;
import io.edgedistill.schemas.AlertSource;
import io.edgedistill.schemas.AttackAlert;
import io.edgedistill.schemas.ContractSamples;
import io.edgedistill.schemas.DeadLetter;
import io.edgedistill.schemas.EdgeStatus;
import io.edgedistill.schemas.ModelUpdate;
import io.edgedistill.schemas.RoundSpec;
import io.edgedistill.schemas.SyntheticSet;
import org.junit.jupiter.api.Test;

class ConsoleStateTest {

    private static final String TASK = "5g-nidd-attacks";
    private static final Instant OPENED = Instant.parse("2026-12-07T10:00:00Z");
    private static final Instant NOW = OPENED.plusSeconds(30);

    @Test
    void aRoundItsSetModelAndSwapsMakeOneRowWithItsTimelineAndTheFleetShowsWhatEachEdgeRuns() {
        ConsoleState s = new ConsoleState(TASK, Duration.ofSeconds(60), 0);
        s.round(ContractSamples.roundSpec(1), OPENED);
        s.learning(TASK, "edge-001", 1, true, 30_000, OPENED.plusMillis(1200));
        s.learning(TASK, "edge-002", 1, true, 34_000, OPENED.plusMillis(2500));
        s.learning(TASK, "edge-002", 1, false, 2_000, OPENED.plusMillis(9000));
        s.learning("another-task", "edge-009", 1, true, 99_000, OPENED.plusMillis(2500));
        SyntheticSet set = ContractSamples.syntheticSet(1, 2, 6); // version 1 of round 1, edge-007 excluded
        s.set(set, OPENED.plusMillis(3000));
        ModelUpdate model = ContractSamples.modelUpdate(1); // v1 from set v1, validation 0.85
        s.model(model, OPENED.plusMillis(6000));
        s.status(status("edge-001", 1, OPENED.plusMillis(6400)), OPENED.plusMillis(6500));
        s.status(status("edge-002", 1, OPENED.plusMillis(6900)), OPENED.plusMillis(7000));
        s.status(status("edge-002", 0, null), OPENED.plusMillis(100)); // an older report does not replace the newer
        s.status(noModelYet("edge-003"), OPENED.plusMillis(7100));

        Dashboard d = s.dashboard(new References(0.9, "pooled", Map.of("5g-nidd-attacks v1", 0.81)), NOW);

        assertThat(d.rounds()).singleElement().satisfies(r -> {
            assertThat(r.roundId()).isEqualTo(1);
            assertThat(r.summaries()).isEqualTo(2);
            assertThat(r.bytesPerEdge()).as("(30000 + 34000 + 2000) / 2 edges").isEqualTo(33_000);
            assertThat(r.models()).containsExactly("5g-nidd-attacks v1");
            assertThat(r.validationMacroF1()).isEqualTo(0.85);
            assertThat(r.heldOutMacroF1()).isEqualTo(0.81);
            assertThat(r.timeline()).extracting(Dashboard.Step::what).containsExactly("summaries", "set v1 (1 edges)",
                    "model v1 published", "edges on v1");
            assertThat(r.timeline().get(0).fromSeconds()).isEqualTo(1.2);
            assertThat(r.timeline().get(0).toSeconds()).isEqualTo(2.5);
            assertThat(r.timeline().get(3).fromSeconds()).isEqualTo(6.4);
            assertThat(r.timeline().get(3).toSeconds()).isEqualTo(6.9);
            assertThat(r.timeline().get(3).count()).isEqualTo(2);
        });
        assertThat(d.models()).singleElement().satisfies(m -> {
            assertThat(m.edgesRunning()).isEqualTo(2);
            assertThat(m.roundId()).isEqualTo(1);
            assertThat(m.signingKeyId()).isEqualTo("dev");
        });
        assertThat(d.fleet()).extracting(Dashboard.Edge::edgeId).containsExactly("edge-001", "edge-002", "edge-003");
        assertThat(d.fleet()).extracting(Dashboard.Edge::model).containsExactly("5g-nidd-attacks v1", "5g-nidd-attacks v1", null);
        assertThat(d.quarantines()).singleElement().satisfies(q -> {
            assertThat(q.edgeId()).isEqualTo("edge-007");
            assertThat(q.reason()).contains("MAD units");
            assertThat(q.setVersion()).isEqualTo(1);
        });
        assertThat(d.references().pooledMacroF1()).isEqualTo(0.9);
        assertThat(d.references().note()).contains("demo");
        assertThat(d.projection().setVersion()).isEqualTo(1);
        assertThat(d.projection().points()).hasSize(6).allSatisfy(p -> assertThat(p.kind()).isEqualTo("synthetic"));
    }

    @Test
    void aMixtureThatCannotBeDrawnFromLeavesTheCompactRowsAndSaysWhy() {
        ConsoleState s = new ConsoleState(TASK, Duration.ofSeconds(60), 20);
        SyntheticSet set = ContractSamples.syntheticSet(1, 2, 6);
        set.setMixture(java.util.List.of(io.edgedistill.schemas.ClassMixture.newBuilder().setClassIndex(0).setCount(12)
                .setComponents(java.util.List.of(io.edgedistill.schemas.MixtureComponent.newBuilder().setCount(12)
                        .setMean(java.util.Collections.nCopies(6, 0.5f)).setVariance(java.util.Collections.nCopies(6, 1f)).build()))
                .build()));
        s.set(set, OPENED);
        Dashboard.SetPicture before = s.dashboard(References.NONE, NOW).projection();
        assertThat(before.points()).hasSize(6);
        assertThat(before.note()).contains("once the round's spec is read");

        s.round(ContractSamples.roundSpec(1), OPENED); // its preprocessing JSON is no feature spec: drawing fails
        Dashboard.SetPicture after = s.dashboard(References.NONE, NOW).projection();
        assertThat(after.points()).as("the compact rows, no view lost").hasSize(6);
        assertThat(after.note()).startsWith("no rows drawn from the mixture");
    }

    @Test
    void declinesAreMatchedToTheirExactVersion() {
        ConsoleState s = new ConsoleState(TASK, Duration.ofSeconds(60), 0);
        ModelUpdate v3 = ContractSamples.modelUpdate(1);
        v3.setVersion(3);
        ModelUpdate v30 = ContractSamples.modelUpdate(1);
        v30.setVersion(30);
        s.model(v3, OPENED);
        s.model(v30, OPENED);
        EdgeStatus declining = status("edge-001", 1, OPENED);
        declining.setLastDeclined("5g-nidd-attacks v30: macro-F1 0.80 on its hold-out is not 0.01 above 0.81");
        s.status(declining, OPENED);
        assertThat(s.dashboard(References.NONE, NOW).models()).extracting(Dashboard.Model::model, m -> m.declinedBy())
                .containsExactly(org.assertj.core.groups.Tuple.tuple("5g-nidd-attacks v3", java.util.List.of()),
                        org.assertj.core.groups.Tuple.tuple("5g-nidd-attacks v30", java.util.List.of("edge-001")));
    }

    @Test
    void summariesReadBeforeTheirRoundsSpecJoinItsRow() {
        ConsoleState s = new ConsoleState(TASK, Duration.ofSeconds(60), 0);
        s.learning(TASK, "edge-001", 1, true, 1_000, OPENED.plusMillis(700));
        assertThat(s.dashboard(References.NONE, NOW).rounds()).as("no spec yet: no row").isEmpty();
        s.round(ContractSamples.roundSpec(1), OPENED);
        s.round(ContractSamples.roundSpec(1), OPENED.plusSeconds(5)); // the compacted spec read again keeps its first time
        assertThat(s.dashboard(References.NONE, NOW).rounds()).singleElement().satisfies(r -> {
            assertThat(r.openedAt()).isEqualTo(OPENED.toString());
            assertThat(r.summaries()).isEqualTo(1);
            assertThat(r.timeline().get(0).fromSeconds()).isEqualTo(0.7);
        });
    }

    @Test
    void alertsCountByClassSourceAndEdgeAndOtherTasksModelsAreLeftOut() {
        ConsoleState s = new ConsoleState(TASK, Duration.ofSeconds(60), 0);
        Instant t = OPENED;
        for (int i = 0; i < 30; i++) {
            s.alert(alert("edge-01", "UDPFlood", i % 3 == 0 ? AlertSource.PROCESSOR : AlertSource.EDGE, TASK, t.plusSeconds(i)));
        }
        s.alert(alert("edge-02", "SYNScan", AlertSource.EDGE, TASK + "/edge-02", t.plusSeconds(5)));
        s.alert(alert("edge-03", "UDPFlood", AlertSource.EDGE, "another-task", t.plusSeconds(5)));

        Dashboard.Attacks a = s.dashboard(References.NONE, NOW).attacks();

        assertThat(a.total()).isEqualTo(31);
        assertThat(a.byClass()).containsExactlyInAnyOrderEntriesOf(Map.of("UDPFlood", 30L, "SYNScan", 1L));
        assertThat(a.bySource()).containsExactlyInAnyOrderEntriesOf(Map.of("EDGE", 21L, "PROCESSOR", 10L));
        assertThat(a.topEdges().get(0)).isEqualTo(new Dashboard.Count("edge-01", 30));
        assertThat(a.deduplicatedCount()).as("edge-01 UDPFlood by edge and by processor, edge-02 SYNScan").isEqualTo(3);
        assertThat(a.buckets()).hasSize(3); // 30 s in 10 s buckets
        assertThat(s.dashboard(References.NONE, NOW).references().note()).contains("no such figure exists");
    }

    @Test
    void deadLettersCountPerTopicWithTheNewestReason() {
        ConsoleState s = new ConsoleState(TASK, Duration.ofSeconds(60), 0);
        s.deadLetter("edge.summaries.dlq", letter("bad signature"), OPENED);
        s.deadLetter("edge.summaries.dlq", letter("wrong dimension"), OPENED.plusSeconds(1));
        s.deadLetter("edge.traffic.dlq", null, OPENED.plusSeconds(2));
        s.lag(java.util.List.of(new Dashboard.Lag("distill-processor-x", "edge.traffic", 12)), null, OPENED);

        Dashboard.Health h = s.dashboard(References.NONE, NOW).health();

        assertThat(h.deadLetters()).extracting(Dashboard.DeadLetters::topic, Dashboard.DeadLetters::records)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("edge.summaries.dlq", 2L),
                        org.assertj.core.groups.Tuple.tuple("edge.traffic.dlq", 1L));
        assertThat(h.deadLetters().get(0).lastReason()).contains("wrong dimension");
        assertThat(h.lag()).singleElement().extracting(Dashboard.Lag::lag).isEqualTo(12L);
        assertThat(s.dashboard(References.NONE, NOW).refusals()).isEmpty();
        s.deadLetter("models.updates.dlq", letter("signature does not verify"), OPENED.plusSeconds(3));
        assertThat(s.dashboard(References.NONE, NOW).refusals()).singleElement()
                .satisfies(r -> assertThat(r.reason()).contains("signature does not verify"));
    }

    private static EdgeStatus status(String edge, long version, Instant acceptedAt) {
        EdgeStatus s = ContractSamples.edgeStatus(0, edge);
        s.setModelVersion(version);
        s.setAcceptedAt(acceptedAt);
        s.setSentAt(acceptedAt == null ? Instant.EPOCH : acceptedAt.plusMillis(50));
        return s;
    }

    /** An edge that runs nothing yet: every optional field empty. */
    private static EdgeStatus noModelYet(String edge) {
        EdgeStatus s = ContractSamples.edgeStatus(0, edge);
        s.setModelId(null);
        s.setModelVersion(0);
        s.setAcceptedAt(null);
        s.setLocalMacroF1(null);
        s.setSentAt(OPENED.plusMillis(7000));
        return s;
    }

    private static AttackAlert alert(String edge, String cls, AlertSource source, String model, Instant at) {
        AttackAlert a = ContractSamples.attackAlert(1);
        a.setEdgeId(edge);
        a.setAttackClass(cls);
        a.setSource(source);
        a.setKind(AlertKind.NETWORK_ATTACK);
        a.setModelId(model);
        a.setDetectedAt(at);
        return a;
    }

    private static DeadLetter letter(String message) {
        return DeadLetter.newBuilder().setSourceTopic("edge.summaries").setSourcePartition(0).setSourceOffset(1)
                .setValueTruncated(false).setOriginalValueSize(10).setHeaders(Map.of()).setErrorClass("Refused")
                .setErrorMessage(message).setService("distill-processor").setFailedAt(OPENED).build();
    }
}
