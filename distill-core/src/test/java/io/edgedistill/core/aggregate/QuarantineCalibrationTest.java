package io.edgedistill.core.aggregate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.edgedistill.core.summary.SummaryKind;
import io.edgedistill.core.summary.SummaryStats;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The defences against false quarantines and inflated counts (issue 15): the peer-count-aware threshold, the judged
 * count, the count-weighted variance trace, and the count bound in the screen and the targets. One class, one
 * network, one embedding coordinate, so that every z is known in closed form.
 */
class QuarantineCalibrationTest {
    private static final PoisonDetector.Config FLAT = new PoisonDetector.Config(8.0, 1.5, 2, 2);

    /** One-class summary: count n, embedding mean m and within-class variance var (no input moments). */
    private static SummaryStats one(String edge, long n, double m, double var) {
        return new SummaryStats(edge, 1, SummaryKind.DATA, 1, 1, 1, 1, new long[]{n}, new float[]{(float) m},
                new float[]{(float) (var + m * m)}, null, null, null);
    }

    private static List<SummaryStats> peersAndJudged(int peers, double judgedMean) {
        List<SummaryStats> s = new ArrayList<>();
        for (int i = 0; i < peers; i++) {
            s.add(one("peer-" + i, 100, 0, 1));
        }
        s.add(one("judged", 100, judgedMean, 1));
        return s;
    }

    private static PoisonDetector.Config withSlack(double slack) {
        return new PoisonDetector.Config(8.0, 1.5, 2, 2, slack, 0, false, 0);
    }

    @Test
    void aMarginalScoreAgainstTwoPeersIsNotQuarantinedWithPeerSlack() {
        // z = x² / (1·(1/100 + 1/200)) = 12: above 8, below 8·(1 + 2/2) = 16
        List<SummaryStats> s = peersAndJudged(2, Math.sqrt(12 * 0.015));
        assertThat(new PoisonDetector(withSlack(2)).screen(s).quarantined()).isEmpty();
        assertThat(new PoisonDetector(withSlack(0)).screen(s).quarantined())
                .extracting(Quarantine::edgeId).containsExactly("judged");
    }

    @Test
    void theSameScoreAgainstManyPeersIsStillQuarantined() {
        // z = 12 against 6 peers: threshold 8·(1 + 2/6) ≈ 10.7
        List<SummaryStats> s = peersAndJudged(6, Math.sqrt(12 * (0.01 + 1.0 / 600)));
        List<Quarantine> q = new PoisonDetector(withSlack(2)).screen(s).quarantined();
        assertThat(q).extracting(Quarantine::edgeId).containsExactly("judged");
        assertThat(q.get(0).threshold()).isCloseTo(8.0 * (1 + 2.0 / 6), within(1e-9));
        assertThat(q.get(0).reason()).contains("> 10.7");
    }

    @Test
    void thresholdGrowsAsPeersGetFewer() {
        PoisonDetector.Config c = withSlack(2);
        assertThat(c.threshold(1)).isEqualTo(24.0);
        assertThat(c.threshold(2)).isEqualTo(16.0);
        assertThat(c.threshold(8)).isEqualTo(10.0);
        assertThat(FLAT.threshold(2)).isEqualTo(8.0);
    }

    @Test
    void aHolderWithFewerRowsThanTheJudgedCountIsNotJudgedButStillServesAsPeer() {
        List<SummaryStats> s = peersAndJudged(3, 0);
        s.add(one("tiny", 3, 5, 1)); // z ≈ 74 on 3 rows: heavy-tailed small means made most false quarantines
        PoisonDetector.Config judgedFrom10 = new PoisonDetector.Config(8.0, 1.5, 2, 2, 0, 0, false, 10);
        assertThat(new PoisonDetector(judgedFrom10).screen(s).quarantined()).isEmpty();
        assertThat(new PoisonDetector(FLAT).screen(s).quarantined()).extracting(Quarantine::edgeId)
                .containsExactly("tiny");
        // a judged holder far from everyone is still quarantined
        s.set(3, one("judged", 100, 2, 1));
        assertThat(new PoisonDetector(judgedFrom10).screen(s).quarantined()).extracting(Quarantine::edgeId)
                .containsExactly("judged");
    }

    @Test
    void smallHoldersOfAMultiModalClassDoNotSetItsVarianceWhenTheTraceIsCountWeighted() {
        // the large holder sees every mode (variance 4); small holders see one mode (variance 0.25)
        List<SummaryStats> s = new ArrayList<>();
        s.add(one("large", 1000, 0, 4));
        s.add(one("small-a", 10, 0, 0.25));
        s.add(one("small-b", 10, 0, 0.25));
        s.add(one("judged", 10, 0.8, 0.25));
        PoisonDetector.Config median = new PoisonDetector.Config(8.0, 1.5, 2, 2, 2, 0, false, 0);
        PoisonDetector.Config weighted = new PoisonDetector.Config(8.0, 1.5, 2, 2, 2, 0, true, 0);
        assertThat(new PoisonDetector(median).screen(s).quarantined()).extracting(Quarantine::edgeId)
                .containsExactly("judged");
        assertThat(new PoisonDetector(weighted).screen(s).quarantined()).isEmpty();
        // a real outlier is still caught with the weighted trace
        s.set(3, one("judged", 10, 4, 0.25));
        assertThat(new PoisonDetector(weighted).screen(s).quarantined()).extracting(Quarantine::edgeId)
                .containsExactly("judged");
    }

    @Test
    void countBoundIsFactorTimesTheLowerMedianOfTheEdgesTotals() {
        List<SummaryStats> s = List.of(one("a", 100, 0, 1), one("b", 300, 0, 1), one("x", 1_000_000, 0, 1));
        assertThat(CountBound.cap(s, 4)).isEqualTo(1200.0);
        assertThat(CountBound.cap(s, 0)).isInfinite();
        assertThat(CountBound.cap(List.of(), 4)).isInfinite();
    }

    @Test
    void anInflatedCountIsBoundedInTheTargetsWhileHonestCountsStayExact() {
        GlobalTargets capped = new GlobalTargets(1, 1, 1, 1, GlobalTargets.Weighting.COUNT, 1.0, 4);
        GlobalTargets uncapped = GlobalTargets.countWeighted(1, 1, 1, 1);
        for (SummaryStats x : List.of(one("a", 100, 0, 1), one("b", 100, 0, 1), one("x", 1_000_000, 3, 1))) {
            capped.put(x);
            uncapped.put(x);
        }
        // bound 4 × median total 100 = 400: (400·3) / 600
        assertThat(capped.snapshot().means()[0]).isCloseTo(2.0f, within(1e-6f));
        assertThat(capped.snapshot().classWeights()[0]).isEqualTo(600.0);
        assertThat(uncapped.snapshot().means()[0]).isGreaterThan(2.99f);

        GlobalTargets honest = new GlobalTargets(1, 1, 1, 1, GlobalTargets.Weighting.COUNT, 1.0, 4);
        honest.put(one("a", 100, 0, 1));
        honest.put(one("b", 300, 1, 1));
        honest.put(one("c", 100, 0, 1));
        assertThat(honest.snapshot().means()[0]).isCloseTo(0.6f, within(1e-6f));
        assertThat(honest.snapshot().classWeights()[0]).isEqualTo(500.0);
    }

    @Test
    void anEdgeClaimingFarMoreRowsThanItsMeanSupportsIsQuarantinedEvenWhenBounded() {
        // honest content with counts ×1000 on 20 rows: its mean is as noisy as 20 rows, but it claims 20 000;
        // bounded to 4 × the median total it still looks far more precise than it is and is quarantined
        List<SummaryStats> s = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            s.add(one("peer-" + i, 200, 0, 1));
        }
        s.add(one("inflated", 20_000, 0.5, 1)); // 0.5 = 2.2 standard errors of a 20-row mean
        PoisonDetector.Config cfg = new PoisonDetector.Config(8.0, 1.5, 2, 2, 2, 4, true, 10);
        assertThat(new PoisonDetector(cfg).screen(s).quarantined()).extracting(Quarantine::edgeId)
                .containsExactly("inflated");
    }
}
