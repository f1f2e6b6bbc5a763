package io.edgedistill.core.aggregate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.edgedistill.core.nn.Activation;
import io.edgedistill.core.nn.EmbeddingNetworks;
import io.edgedistill.core.nn.EmbeddingSpec;
import io.edgedistill.core.nn.WeightInit;
import io.edgedistill.core.summary.EdgeSummarizer;
import io.edgedistill.core.summary.SummaryStats;
import io.edgedistill.core.summary.SummaryKind;
import io.edgedistill.core.summary.SummaryOptions;
import io.edgedistill.core.util.GaussianMixture;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class GlobalTargetsTest {
    static final EmbeddingNetworks NETS = new EmbeddingNetworks(
            new EmbeddingSpec(3L, 3, 5, 16, 8, Activation.RELU, WeightInit.HE_UNIFORM));
    static final EdgeSummarizer SUM = new EdgeSummarizer(NETS, SummaryOptions.defaults());
    static final GaussianMixture GM = new GaussianMixture(4, 5, 2.0, 1.0, 9L);

    private static List<SummaryStats> edges(List<GaussianMixture.Data> parts) {
        List<SummaryStats> out = new ArrayList<>();
        for (int e = 0; e < parts.size(); e++) {
            GaussianMixture.Data d = parts.get(e);
            out.add(SUM.summarize("edge-" + e, 1, d.x(), d.n(), d.y(), 4));
        }
        return out;
    }

    private static SummaryStats pooled(List<GaussianMixture.Data> parts) {
        int n = parts.stream().mapToInt(GaussianMixture.Data::n).sum();
        float[] x = new float[n * 5];
        int[] y = new int[n];
        int off = 0;
        for (GaussianMixture.Data d : parts) {
            System.arraycopy(d.x(), 0, x, off * 5, d.n() * 5);
            System.arraycopy(d.y(), 0, y, off, d.n());
            off += d.n();
        }
        return SUM.summarize("pool", 1, x, n, y, 4);
    }

    @Test
    void countWeightedMeanEqualsPooledMean() {
        List<GaussianMixture.Data> parts = GM.dirichletEdges(6, 150, 0.1, 4L);
        GlobalTargets t = GlobalTargets.countWeighted(3, 4, 8, 5);
        edges(parts).forEach(t::put);
        TargetSnapshot s = t.snapshot();
        SummaryStats p = pooled(parts);
        for (int i = 0; i < p.means().length; i++) {
            assertThat(s.means()[i]).isCloseTo(p.means()[i], within(2e-5f));
            assertThat(s.secondMoments()[i]).isCloseTo(p.secondMoments()[i], within(2e-4f));
        }
        for (int i = 0; i < p.inputMeans().length; i++) {
            assertThat(s.inputMeans()[i]).isCloseTo(p.inputMeans()[i], within(2e-5f));
        }
        for (int c = 0; c < 4; c++) {
            assertThat(s.classWeights()[c]).isEqualTo(p.counts()[c]);
        }
        // the unweighted (CollabDM) mean is biased under skew
        GlobalTargets u = new GlobalTargets(3, 4, 8, 5, GlobalTargets.Weighting.UNWEIGHTED, 1);
        edges(parts).forEach(u::put);
        double maxDiff = 0;
        for (int i = 0; i < p.means().length; i++) {
            maxDiff = Math.max(maxDiff, Math.abs(u.snapshot().means()[i] - p.means()[i]));
        }
        assertThat(maxDiff).isGreaterThan(1e-3);
    }

    @Test
    void resultIsIndependentOfArrivalOrder() {
        List<SummaryStats> s = edges(GM.dirichletEdges(8, 100, 0.5, 5L));
        GlobalTargets a = GlobalTargets.countWeighted(3, 4, 8, 5);
        s.forEach(a::put);
        for (long seed = 0; seed < 5; seed++) {
            List<SummaryStats> shuffled = new ArrayList<>(s);
            Collections.shuffle(shuffled, new Random(seed));
            GlobalTargets b = GlobalTargets.countWeighted(3, 4, 8, 5);
            shuffled.forEach(b::put);
            assertThat(b.snapshot().means()).containsExactly(a.snapshot().means());
            assertThat(b.snapshot().secondMoments()).containsExactly(a.snapshot().secondMoments());
        }
    }

    @Test
    void resendForSameRoundReplacesAndNeverDoubleCounts() {
        List<SummaryStats> s = edges(GM.dirichletEdges(3, 100, 1.0, 6L));
        GlobalTargets t = GlobalTargets.countWeighted(3, 4, 8, 5);
        s.forEach(t::put);
        float[] before = t.snapshot().means();
        assertThat(t.put(s.get(1))).isTrue(); // identical re-send
        assertThat(t.size()).isEqualTo(3);
        assertThat(t.snapshot().means()).containsExactly(before);
        // a corrected re-send replaces the old one: same as if only the new one had been sent
        GaussianMixture.Data other = GM.balanced(80, 77L);
        SummaryStats replacement = SUM.summarize("edge-1", 1, other.x(), other.n(), other.y(), 4);
        t.put(replacement);
        GlobalTargets fresh = GlobalTargets.countWeighted(3, 4, 8, 5);
        fresh.put(s.get(0));
        fresh.put(replacement);
        fresh.put(s.get(2));
        assertThat(t.snapshot().means()).containsExactly(fresh.snapshot().means());
        // removal leaves no residue
        t.remove(SummaryKind.DATA, "edge-1", 1);
        GlobalTargets two = GlobalTargets.countWeighted(3, 4, 8, 5);
        two.put(s.get(2));
        two.put(s.get(0));
        assertThat(t.snapshot().means()).containsExactly(two.snapshot().means());
        // another round of the same edge is a separate contribution
        t.put(new SummaryStats("edge-0", 2, SummaryKind.DATA, 3, 4, 8, 5, s.get(0).counts(), s.get(0).means(),
                s.get(0).secondMoments(), s.get(0).inputMeans(), s.get(0).inputSecondMoments(), null));
        assertThat(t.size()).isEqualTo(3);
    }

    @Test
    void decayAndKnowledgeWeightsShiftTheTarget() {
        GaussianMixture.Data d = GM.balanced(100, 1L);
        SummaryStats old = SUM.summarize("e", 1, d.x(), d.n(), d.y(), 4);
        float[] shifted = old.means().clone();
        for (int i = 0; i < shifted.length; i++) {
            shifted[i] += 1f;
        }
        SummaryStats recent = new SummaryStats("e", 2, SummaryKind.DATA, 3, 4, 8, 5, old.counts(), shifted, null,
                null, null, null);
        GlobalTargets t = GlobalTargets.countWeighted(3, 4, 8, 5);
        t.put(old);
        t.decay(0.25);
        t.put(recent);
        // weights 0.25 : 1 -> mean = old + 0.8
        assertThat(t.snapshot().means()[0]).isCloseTo(old.means()[0] + 0.8f, within(1e-5f));
        assertThat(t.snapshot().secondMoments()).isNull(); // not every contribution had them
        GlobalTargets k = new GlobalTargets(3, 4, 8, 5, GlobalTargets.Weighting.COUNT, 3.0);
        k.put(old);
        k.put(recent.withKind(SummaryKind.KNOWLEDGE));
        assertThat(k.snapshot().means()[0]).isCloseTo(old.means()[0] + 0.75f, within(1e-5f));
        assertThat(k.snapshot().contributors()).containsExactly("DATA:e:1", "KNOWLEDGE:e:2");
    }
}
