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
