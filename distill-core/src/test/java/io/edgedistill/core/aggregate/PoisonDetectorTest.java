package io.edgedistill.core.aggregate;

import static org.assertj.core.api.Assertions.assertThat;

import io.edgedistill.core.nn.Activation;
import io.edgedistill.core.nn.EmbeddingNetworks;
import io.edgedistill.core.nn.EmbeddingSpec;
import io.edgedistill.core.nn.WeightInit;
import io.edgedistill.core.summary.DpConfig;
import io.edgedistill.core.summary.EdgeSummarizer;
import io.edgedistill.core.summary.SummaryStats;
import io.edgedistill.core.summary.SummaryOptions;
import io.edgedistill.core.util.GaussianMixture;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PoisonDetectorTest {
    static final int C = 5;
    static final int D = 8;
    static final EmbeddingNetworks NETS = new EmbeddingNetworks(
            new EmbeddingSpec(21L, 4, D, 32, 16, Activation.RELU, WeightInit.HE_UNIFORM));
    static final EdgeSummarizer SUM = new EdgeSummarizer(NETS, SummaryOptions.defaults());

    static List<GaussianMixture.Data> parts(long seed) {
        GaussianMixture gm = new GaussianMixture(C, D, 1.5, 1.0, seed);
        return gm.dirichletEdges(10, 400, 0.1, seed + 100);
    }

    static List<SummaryStats> summaries(List<GaussianMixture.Data> parts) {
        List<SummaryStats> out = new ArrayList<>();
        for (int e = 0; e < parts.size(); e++) {
            GaussianMixture.Data d = parts.get(e);
            out.add(SUM.summarize("edge-" + e, 1, d.x(), d.n(), d.y(), C));
        }
        return out;
    }

    static int largest(List<GaussianMixture.Data> parts) {
        int best = 0;
        for (int e = 1; e < parts.size(); e++) {
            if (parts.get(e).n() > parts.get(best).n()) {
                best = e;
            }
        }
        return best;
    }

    @Test
    void honestNonIidEdgesAreNotQuarantined() {
        PoisonDetector det = new PoisonDetector();
        for (long seed = 1; seed <= 4; seed++) {
            PoisonDetector.Result r = det.screen(summaries(parts(seed)));
            assertThat(r.quarantined()).as("seed %d", seed).isEmpty();
            assertThat(r.accepted()).hasSize(10);
        }
    }

    @Test
    void labelFlippedSummaryIsQuarantined() {
        PoisonDetector det = new PoisonDetector();
        for (long seed = 1; seed <= 4; seed++) {
            List<GaussianMixture.Data> p = parts(seed);
            List<SummaryStats> s = summaries(p);
            int bad = largest(p);
            GaussianMixture.Data d = p.get(bad);
            int[] flipped = new int[d.n()];
            for (int i = 0; i < d.n(); i++) {
                flipped[i] = (d.y()[i] + 1) % C; // the attacker relabels class a as a+1
            }
            s.set(bad, SUM.summarize("edge-" + bad, 1, d.x(), d.n(), flipped, C));
            PoisonDetector.Result r = det.screen(s);
            assertThat(r.quarantined()).as("seed %d", seed).extracting(Quarantine::edgeId)
                    .containsExactly("edge-" + bad);
            assertThat(r.quarantined().get(0).reason()).contains("edge-" + bad).contains("z=");
            assertThat(r.accepted()).hasSize(9);
        }
    }

    @Test
    void dpNoiseIsToleratedAndFlipsAreStillCaught() {
        EdgeSummarizer dp = new EdgeSummarizer(NETS, SummaryOptions.defaults()
                .withDp(new DpConfig(4.0, 1e-5, 5.0, new java.util.Random(3))));
        PoisonDetector det = new PoisonDetector();
        for (long seed = 1; seed <= 3; seed++) {
            List<GaussianMixture.Data> p = parts(seed);
            List<SummaryStats> s = new ArrayList<>();
            for (int e = 0; e < p.size(); e++) {
                GaussianMixture.Data d = p.get(e);
                s.add(dp.summarize("edge-" + e, 1, d.x(), d.n(), d.y(), C));
            }
            assertThat(det.screen(s).quarantined()).as("seed %d", seed).isEmpty();
            int bad = largest(p);
            GaussianMixture.Data d = p.get(bad);
            int[] flipped = new int[d.n()];
            for (int i = 0; i < d.n(); i++) {
                flipped[i] = (d.y()[i] + 1) % C;
            }
            s.set(bad, dp.summarize("edge-" + bad, 1, d.x(), d.n(), flipped, C));
            assertThat(det.screen(s).quarantined()).extracting(Quarantine::edgeId).containsExactly("edge-" + bad);
        }
    }

    @Test
    void scaledSummaryIsQuarantinedWithScaleReason() {
        PoisonDetector det = new PoisonDetector();
        for (float factor : new float[] {3f, 10f}) {
            List<GaussianMixture.Data> p = parts(7);
            List<SummaryStats> s = summaries(p);
            int bad = largest(p);
            SummaryStats h = s.get(bad);
            float[] m = h.means().clone();
            for (int i = 0; i < m.length; i++) {
                m[i] *= factor;
            }
            s.set(bad, new SummaryStats(h.edgeId(), 1, h.kind(), h.k(), C, h.embedDim(), D, h.counts(), m,
                    h.secondMoments(), h.inputMeans(), h.inputSecondMoments(), null));
            PoisonDetector.Result r = det.screen(s);
            assertThat(r.quarantined()).extracting(Quarantine::edgeId).containsExactly("edge-" + bad);
            assertThat(r.quarantined().get(0).reason()).contains("scaled");
            // the streaming check agrees
            List<SummaryStats> trusted = new ArrayList<>(s);
            trusted.remove(bad);
            assertThat(det.check(s.get(bad), trusted)).isPresent();
            assertThat(det.check(trusted.get(0), trusted.subList(1, trusted.size()))).isEmpty();
        }
    }

    /**
     * The case a count-weighted peer mean gets wrong: class 1 is held by two honest edges (600 and 40 rows)
     * and by an attacker that relabels 3,000 rows of class 0 as class 1 — more than the honest holders
     * together. Judged against the count-weighted mean of its peers, the large honest holder looks anomalous
     * (its reference is dominated by the attacker). With the per-peer median every edge has one vote: the
     * attacker, and only the attacker, is quarantined.
     */
    /**
     * Rounds without second moments (the processor's default): the within-class variance is estimated from the
     * holders' class means. A large attacker flipping its rows into a class that honest edges hold with small
     * counts must not inflate that estimate (it did when each holder was compared with the count-weighted mean of
     * the others, which the attacker dominates), and honest non-IID edges must still pass.
     */
    @Test
    void withoutSecondMomentsALargeFlipIntoAClassOfSmallHoldersIsCaught() {
        EdgeSummarizer firstMomentsOnly = new EdgeSummarizer(NETS, new SummaryOptions(false, true, null, 8192));
        PoisonDetector det = new PoisonDetector();
        for (long seed = 1; seed <= 4; seed++) {
            GaussianMixture gm = new GaussianMixture(C, D, 1.5, 1.0, seed);
            List<SummaryStats> s = new ArrayList<>();
            int[][] perClass = {
                {300, 2, 80, 80, 80}, {300, 11, 80, 80, 80}, {300, 148, 80, 80, 80},
                {300, 164, 80, 80, 80}, {300, 0, 80, 80, 80}, {300, 0, 80, 80, 80}};
            for (int e = 0; e < perClass.length; e++) {
                List<Integer> labels = new ArrayList<>();
                for (int c = 0; c < C; c++) {
                    for (int i = 0; i < perClass[e][c]; i++) {
                        labels.add(c);
                    }
                }
                GaussianMixture.Data d = gm.sample(labels.stream().mapToInt(Integer::intValue).toArray(),
                        seed * 100 + e);
                s.add(firstMomentsOnly.summarize("edge-" + e, 1, d.x(), d.n(), d.y(), C));
            }
            assertThat(det.screen(s).quarantined()).as("honest only, seed %d", seed).isEmpty();
            GaussianMixture.Data a = gm.sample(new int[613], seed * 100 + 99); // 613 rows of class 0 ...
            int[] flipped = new int[a.n()];
            java.util.Arrays.fill(flipped, 1);                                  // ... sent as class 1
            s.add(firstMomentsOnly.summarize("edge-attacker", 1, a.x(), a.n(), flipped, C));
            PoisonDetector.Result r = det.screen(s);
            assertThat(r.quarantined()).as("seed %d", seed).extracting(Quarantine::edgeId).containsExactly("edge-attacker");
            assertThat(r.quarantined().get(0).classIndex()).isEqualTo(1);
        }
        for (long seed = 1; seed <= 4; seed++) {
            List<GaussianMixture.Data> p = parts(seed);
            List<SummaryStats> honest = new ArrayList<>();
            for (int e = 0; e < p.size(); e++) {
                honest.add(firstMomentsOnly.summarize("edge-" + e, 1, p.get(e).x(), p.get(e).n(), p.get(e).y(), C));
            }
            assertThat(det.screen(honest).quarantined()).as("non-IID honest edges, seed %d", seed).isEmpty();
        }
    }

    /**
     * The input means feed the optimiser directly: a summary whose embeddings are honest but whose input means of one
     * class are shifted is caught in input space, with or without embedding second moments.
     */
    @Test
    void inputMeansThatDisagreeWithPeersAreCaughtInInputSpace() {
        PoisonDetector det = new PoisonDetector();
        for (boolean second : new boolean[] {true, false}) {
            EdgeSummarizer summarizer = new EdgeSummarizer(NETS, new SummaryOptions(second, true, null, 8192));
            for (long seed = 1; seed <= 4; seed++) {
                List<GaussianMixture.Data> p = parts(seed);
                List<SummaryStats> s = new ArrayList<>();
                for (int e = 0; e < p.size(); e++) {
                    s.add(summarizer.summarize("edge-" + e, 1, p.get(e).x(), p.get(e).n(), p.get(e).y(), C));
                }
                assertThat(det.screen(s).quarantined()).as("honest, second moments %s, seed %d", second, seed).isEmpty();
                int a = largest(p);
                SummaryStats h = s.get(a);
                int c = -1; // the attacker's class that the most other edges hold (the detector needs peers)
                int best = -1;
                for (int k = 0; k < C; k++) {
                    int holders = 0;
                    for (SummaryStats o : s) {
                        holders += o != h && o.counts()[k] >= 2 ? 1 : 0;
                    }
                    if (h.counts()[k] >= 10 && holders > best) {
                        best = holders;
                        c = k;
                    }
                }
                float[] in = h.inputMeans().clone();
                float[] in2 = h.inputSecondMoments().clone();
                for (int j = 0; j < D; j++) { // the class's input mean moved by 1.5 (the mixture's class spread)
                    float m = in[c * D + j];
                    in[c * D + j] = m + 1.5f;
                    in2[c * D + j] += (m + 1.5f) * (m + 1.5f) - m * m;
                }
                s.set(a, new SummaryStats(h.edgeId(), h.roundId(), h.kind(), h.k(), h.numClasses(), h.embedDim(), h.dIn(),
                        h.counts(), h.means(), h.secondMoments(), in, in2, h.privacy()));
                PoisonDetector.Result r = det.screen(s);
                assertThat(r.quarantined()).as("second moments %s, seed %d", second, seed)
                        .extracting(Quarantine::edgeId).containsExactly(h.edgeId());
                assertThat(r.quarantined().get(0).reason()).contains("class input mean");
            }
        }
    }

    @Test
    void largeLabelFlippingAttackerIsQuarantinedAndHonestHoldersAreNot() {
        PoisonDetector det = new PoisonDetector();
        for (long seed = 1; seed <= 4; seed++) {
            GaussianMixture gm = new GaussianMixture(C, D, 1.5, 1.0, seed);
            List<SummaryStats> s = new ArrayList<>();
            // honest edges: class 0 spread over five edges, class 1 on two edges (600 and 40 rows), the
            // other classes on every edge
            int[][] perClass = {
                {500, 600, 80, 80, 80}, {500, 40, 80, 80, 80}, {500, 0, 80, 80, 80},
                {500, 0, 80, 80, 80}, {500, 0, 80, 80, 80}};
            for (int e = 0; e < perClass.length; e++) {
                int[] counts = perClass[e];
                List<Integer> labels = new ArrayList<>();
                for (int c = 0; c < C; c++) {
                    for (int i = 0; i < counts[c]; i++) {
                        labels.add(c);
                    }
                }
                GaussianMixture.Data d = gm.sample(labels.stream().mapToInt(Integer::intValue).toArray(),
                        seed * 100 + e);
                s.add(SUM.summarize("edge-" + e, 1, d.x(), d.n(), d.y(), C));
            }
            // the attacker: 3,000 rows of class 0 sent as class 1
            int[] rows = new int[3000];
            GaussianMixture.Data a = gm.sample(rows, seed * 100 + 99);
            int[] flipped = new int[a.n()];
            java.util.Arrays.fill(flipped, 1);
            s.add(SUM.summarize("edge-attacker", 1, a.x(), a.n(), flipped, C));

            PoisonDetector.Result r = det.screen(s);
            assertThat(r.quarantined()).as("seed %d", seed).extracting(Quarantine::edgeId)
                    .containsExactly("edge-attacker");
            assertThat(r.quarantined().get(0).classIndex()).isEqualTo(1);
            assertThat(r.accepted()).hasSize(5);
            // the streaming check agrees: the attacker fails against the honest edges, and the large honest
            // holder of class 1 passes even when the attacker is among the trusted summaries
            assertThat(det.check(s.get(5), s.subList(0, 5))).isPresent();
            List<SummaryStats> withAttacker = new ArrayList<>(s.subList(1, 6));
            assertThat(det.check(s.get(0), withAttacker)).isEmpty();
        }
    }
}
