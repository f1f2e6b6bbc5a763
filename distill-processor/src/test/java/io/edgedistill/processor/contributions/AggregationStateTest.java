package io.edgedistill.processor.contributions;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

import io.edgedistill.core.aggregate.BackdoorScreen;
import io.edgedistill.core.aggregate.PoisonDetector;
import io.edgedistill.core.mixture.ClassSubClusters;
import io.edgedistill.core.mixture.SubCluster;
import io.edgedistill.core.mixture.SubClusterSummary;
import java.util.SplittableRandom;
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

    // ---- the backdoor screen and the count bound on the mixture (issue 15)

    private static float[] centre(int c) {
        float[] m = new float[BD_DIM];
        for (int j = 0; j < BD_DIM; j++) {
            m[j] = (float) (3 * Math.sin(7 * c + 1.3 * j));
        }
        return m;
    }

    private static final int BD_DIM = 12;

    private static SubCluster cluster(long n, float[] centre, SplittableRandom r) {
        float[] m = new float[BD_DIM];
        float[] v = new float[BD_DIM];
        for (int j = 0; j < BD_DIM; j++) {
            m[j] = (float) (centre[j] + 0.05 * r.nextGaussian());
            v[j] = 0.05f;
        }
        return new SubCluster(n, m, v);
    }

    /** An edge's summary (3 classes, 12 input columns) with sub-clusters; {@code triggered} benign rows sit on class 1. */
    private static SummaryStats clustered(String edge, long[] counts, int triggered, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        List<ClassSubClusters> classes = new ArrayList<>();
        for (int c = 0; c < 3; c++) {
            long rest = counts[c] - (c == 0 ? triggered : 0);
            List<SubCluster> ks = new ArrayList<>(List.of(cluster(rest / 2, centre(c), r),
                    cluster(rest - rest / 2, centre(c), r)));
            if (c == 0 && triggered > 0) {
                ks.add(cluster(triggered, centre(1), r));
            }
            classes.add(new ClassSubClusters(c, counts[c], ks));
        }
        SummaryStats v1 = ContributionAdapter.SUMMARIES.toCore(Fixtures.summary(edge, 1, counts, seed), Fixtures.round(1));
        SummaryStats withInputs = new SummaryStats(v1.edgeId(), v1.roundId(), v1.kind(), v1.k(), v1.numClasses(),
                v1.embedDim(), BD_DIM, v1.counts(), v1.means(), v1.secondMoments(), null, null, v1.privacy());
        return withInputs.withSubClusters(new SubClusterSummary(edge, 3, BD_DIM, 10, classes));
    }

    private static AggregationState screened() {
        return screened(BackdoorScreen.Config.DEFAULT_QUARANTINE_MARGIN);
    }

    private static AggregationState screened(double quarantineMargin) {
        BackdoorScreen screen = new BackdoorScreen(new BackdoorScreen.Config(BackdoorScreen.Config.DEFAULT_MARGIN,
                BackdoorScreen.Config.DEFAULT_DIMENSION_CAP, BackdoorScreen.Config.DEFAULT_VARIANCE_FLOOR,
                BackdoorScreen.Config.DEFAULT_TYPICAL_QUANTILE, BackdoorScreen.Config.DEFAULT_MIN_PEERS,
                BackdoorScreen.Config.DEFAULT_MIN_LOOKALIKE_PEERS, 0, quarantineMargin, 0));
        return new AggregationState(Fixtures.TASK, 1, Fixtures.K, 3, Fixtures.E, BD_DIM, new PoisonDetector(), screen,
                Fixtures.CLASSES, 1.0, java.util.Set::of);
    }

    @Test
    void anEdgeWhoseBenignSubClusterTheFleetExplainsAsAnAttackIsQuarantinedWithTheReason() {
        AggregationState st = screened();
        List<QuarantineEntry> added = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            added.addAll(st.submit(clustered("edge-" + i, new long[] {300, 100, 50}, i == 5 ? 20 : 0, i), 0)
                    .newlyQuarantined());
        }
        assertThat(added).singleElement().satisfies(q -> {
            assertThat(q.edgeId()).isEqualTo("edge-5");
            assertThat(q.kind()).isEqualTo(SummaryKind.DATA);
            assertThat(q.reason()).startsWith("backdoor suspected: sub-cluster 2 of class Benign (20 rows)")
                    .contains("explained by the other edges' class UDPFlood");
        });
        assertThat(st.accepted()).extracting(SummaryStats::edgeId).hasSize(5).doesNotContain("edge-5");
        assertThat(st.mixture()).extracting(SubClusterSummary::edgeId).hasSize(5).doesNotContain("edge-5");
        // order does not matter: the attacker first, its peers after
        AggregationState reversed = screened();
        for (int i = 5; i >= 0; i--) {
            reversed.submit(clustered("edge-" + i, new long[] {300, 100, 50}, i == 5 ? 20 : 0, i), 0);
        }
        assertThat(reversed.quarantined()).extracting(QuarantineEntry::edgeId).containsExactly("edge-5");
    }

    @Test
    void aFlagUnderTheQuarantineMarginLeavesOutOnlyTheFlaggedClassOfThatEdge() {
        AggregationState st = screened(1000);
        int alerts = 0;
        for (int i = 0; i < 6; i++) {
            st.submit(clustered("edge-" + i, new long[] {300, 100, 50}, i == 5 ? 20 : 0, i), 0);
            alerts += st.newlyLeftOut(0).size();
        }
        assertThat(alerts).as("alerted once, when it was first left out").isEqualTo(1);
        assertThat(st.quarantined()).isEmpty();
        assertThat(st.accepted()).extracting(SummaryStats::edgeId).contains("edge-5");
        assertThat(st.leftOutEntries(0)).singleElement().satisfies(q -> {
            assertThat(q.edgeId()).isEqualTo("edge-5");
            assertThat(q.reason()).startsWith("class left out of the mixture").contains("backdoor suspected");
        });
        SubClusterSummary five = st.mixture().stream().filter(m -> m.edgeId().equals("edge-5")).findFirst().orElseThrow();
        assertThat(five.classes().get(0).clusters()).isEmpty();
        assertThat(five.classes().get(0).count()).isZero();
        assertThat(five.classes().get(1).count()).isEqualTo(100);
    }

    @Test
    void anInflatedEdgeWeighsNoMoreInTheMixtureThanTheCountBoundAllows() {
        AggregationState st = screened();
        for (int i = 0; i < 5; i++) {
            st.submit(clustered("edge-" + i, new long[] {300, 100, 50}, 0, i), 0);
        }
        st.submit(clustered("edge-big", new long[] {30_000, 10_000, 5_000}, 0, 9), 0);
        double cap = PoisonDetector.DEFAULT_COUNT_CAP * 450;
        SubClusterSummary big = st.mixture().stream().filter(m -> m.edgeId().equals("edge-big")).findFirst().orElseThrow();
        for (ClassSubClusters c : big.classes()) {
            assertThat((double) c.count()).isLessThanOrEqualTo(cap + c.clusters().size());
            assertThat(c.clusters().stream().mapToLong(SubCluster::count).sum()).isEqualTo(c.count());
        }
        assertThat(big.classes().get(0).count()).isGreaterThan(300);
        // honest edges under the bound keep their counts exactly
        assertThat(st.mixture().get(0).classes().get(0).count()).isEqualTo(300);
    }
}
