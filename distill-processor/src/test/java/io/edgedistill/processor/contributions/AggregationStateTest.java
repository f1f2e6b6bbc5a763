package io.edgedistill.processor.contributions;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

import io.edgedistill.core.aggregate.PoisonDetector;
import io.edgedistill.core.summary.SummaryKind;
import io.edgedistill.core.summary.SummaryStats;
import io.edgedistill.processor.Fixtures;
import io.edgedistill.schemas.EdgeSummary;
import org.junit.jupiter.api.Test;

class AggregationStateTest {

    private static AggregationState state() {
        return new AggregationState(Fixtures.TASK, 1, Fixtures.K, 3, Fixtures.E, Fixtures.D_IN, new PoisonDetector(), 1.0);
    }

    private static SummaryStats core(EdgeSummary s) {
        return ContributionAdapter.SUMMARIES.toCore(s, Fixtures.round(1));
    }

    @Test
    void aDistrustedEdgesPastContributionsLeaveTheTargetsExactlyAsIfNeverSent() {
        List<SummaryStats> honest = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            honest.add(core(Fixtures.summary("edge-" + i, 1, new long[] {300, 100 + 37 * i, 50 + i}, i)));
        }
        SummaryStats decommissioned = core(Fixtures.summary("edge-old", 1, new long[] {900, 20, 400}, 7));
        AggregationState never = state();
        honest.forEach(s -> never.submit(s, 0));
        // before the operator distrusts it, its summary is part of the targets
        AggregationState before = state();
        honest.forEach(s -> before.submit(s, 0));
        before.submit(decommissioned, 0);
        assertThat(before.accepted()).extracting(SummaryStats::edgeId).contains("edge-old");
        // the processor restarts with the edge distrusted and rebuilds the round from its stores
        AggregationState after = new AggregationState(Fixtures.TASK, 1, Fixtures.K, 3, Fixtures.E, Fixtures.D_IN,
                new PoisonDetector(), 1.0, java.util.Set.of("edge-old"));
        for (SummaryStats s : before.accepted()) {
            after.restore(s, null);
        }
        after.recompute(0);
        assertThat(after.accepted()).extracting(SummaryStats::edgeId).doesNotContain("edge-old").hasSize(5);
        assertThat(after.distrustedEntries(0)).singleElement().satisfies(e -> {
            assertThat(e.edgeId()).isEqualTo("edge-old");
            assertThat(e.reason()).contains("distrusted");
        });
        assertThat(after.quarantined()).isEmpty();
        var a = after.targets();
        var n = never.targets();
        // bit for bit: the count-weighted aggregation over the same summaries in the same order
        assertThat(java.util.Arrays.equals(a.classWeights(), n.classWeights())).isTrue();
        assertThat(java.util.Arrays.equals(a.means(), n.means())).isTrue();
        assertThat(java.util.Arrays.equals(a.secondMoments(), n.secondMoments())).isTrue();
        assertThat(java.util.Arrays.equals(a.inputMeans(), n.inputMeans())).isTrue();
        assertThat(java.util.Arrays.equals(a.inputSecondMoments(), n.inputSecondMoments())).isTrue();
        assertThat(a.contributors()).isEqualTo(n.contributors());
        assertThat(java.util.Arrays.equals(before.targets().classWeights(), n.classWeights())).isFalse();
    }

    @Test
    void poisoningDecisionDoesNotDependOnArrivalOrder() {
        List<SummaryStats> all = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            all.add(core(Fixtures.summary("edge-" + i, 1, new long[] {300, 100 + 20 * i, 50}, i)));
        }
        all.add(core(Fixtures.summary("edge-evil", 1, new long[] {300, 300, 50}, 9, true)));
        for (long seed = 0; seed < 5; seed++) {
            List<SummaryStats> order = new ArrayList<>(all);
            Collections.shuffle(order, new Random(seed));
            AggregationState st = state();
            List<QuarantineEntry> alerts = new ArrayList<>();
            for (SummaryStats s : order) {
                alerts.addAll(st.submit(s, 0).newlyQuarantined());
            }
            assertThat(st.quarantined()).extracting(QuarantineEntry::edgeId).containsExactly("edge-evil");
            assertThat(alerts).extracting(QuarantineEntry::edgeId).contains("edge-evil");
            assertThat(st.accepted()).hasSize(6);
        }
    }

    @Test
    void honestResendAfterQuarantineReleasesTheEdge() {
        AggregationState st = state();
        for (int i = 0; i < 4; i++) {
            st.submit(core(Fixtures.summary("edge-" + i, 1, new long[] {300, 200, 50}, i)), 0);
        }
        AggregationState.Change bad = st.submit(core(Fixtures.summary("edge-x", 1, new long[] {300, 300, 50}, 8, true)), 0);
        assertThat(bad.newlyQuarantined()).extracting(QuarantineEntry::edgeId).containsExactly("edge-x");
        AggregationState.Change good = st.submit(core(Fixtures.summary("edge-x", 1, new long[] {300, 300, 50}, 8)), 0);
        assertThat(good.replaced()).isTrue();
        assertThat(good.released()).extracting(QuarantineEntry::edgeId).containsExactly("edge-x");
        assertThat(st.quarantined()).isEmpty();
        assertThat(st.accepted()).hasSize(5);
        assertThat(st.targets().classWeights()[0]).isEqualTo(1500.0);
    }

    @Test
    void coreSummaryCodecRoundTrips() {
        SummaryStats s = core(Fixtures.summary("edge-a", 1, new long[] {3, 0, 5}, 1));
        assertThat(CoreSummaryCodec.decode(CoreSummaryCodec.encode(s))).isEqualTo(s);
    }

    @Test
    void quarantineEntryRoundTrips() {
        QuarantineEntry q = new QuarantineEntry("t|x", 3, "edge\t1", SummaryKind.KNOWLEDGE,
                2, 12.5, 8, 1.1, "reason: with\ttabs", 42);
        assertThat(QuarantineEntry.decode(q.encode())).isEqualTo(q);
    }
}
