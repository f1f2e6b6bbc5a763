package io.edgedistill.core.synth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.edgedistill.core.aggregate.GlobalTargets;
import io.edgedistill.core.aggregate.TargetSnapshot;
import io.edgedistill.core.nn.Activation;
import io.edgedistill.core.nn.EmbeddingNetworks;
import io.edgedistill.core.nn.EmbeddingSpec;
import io.edgedistill.core.nn.WeightInit;
import io.edgedistill.core.summary.EdgeSummarizer;
import io.edgedistill.core.summary.SummaryOptions;
import io.edgedistill.core.util.GaussianMixture;
import org.junit.jupiter.api.Test;

class SyntheticSetOptimizerTest {
    static final EmbeddingNetworks NETS = new EmbeddingNetworks(
            new EmbeddingSpec(2L, 4, 6, 32, 16, Activation.RELU, WeightInit.HE_UNIFORM));

    static TargetSnapshot targets(boolean inputMoments) {
        GaussianMixture gm = new GaussianMixture(3, 6, 2.0, 1.0, 4L);
        GlobalTargets t = GlobalTargets.countWeighted(4, 3, 16, 6);
        EdgeSummarizer sum = new EdgeSummarizer(NETS, new SummaryOptions(true, inputMoments, null, 4096));
        for (int e = 0; e < 3; e++) {
            GaussianMixture.Data d = gm.balanced(200, e);
            t.put(sum.summarize("e" + e, 1, d.x(), d.n(), d.y(), 3));
        }
        return t.snapshot();
    }

    @Test
    void optimiserReducesMatchingLoss() {
        for (boolean inputMoments : new boolean[] {true, false}) {
            TargetSnapshot t = targets(inputMoments);
            SyntheticSetOptimizer opt = new SyntheticSetOptimizer(NETS, new SynthConfig(5, 80, 20, 0.05f, 0.5f, 1));
            SyntheticSet init = opt.initialise(t);
            assertThat(init.size()).isEqualTo(15);
            double before = opt.loss(t, init);
            SyntheticSet s = opt.optimise(t);
            assertThat(s.loss()).isLessThan(0.5 * before);
            assertThat(opt.loss(t, s)).isCloseTo(s.loss(), within(1e-3 * s.loss() + 1e-6));
            assertThat(s.steps()).isEqualTo(80);
            // warm start keeps improving within the bounded step budget
            SyntheticSet w = opt.warmStart(t, s);
            assertThat(w.steps()).isEqualTo(100);
            assertThat(w.loss()).isLessThanOrEqualTo(s.loss() * 1.01);
            assertThat(opt.publishIfBetter(t, s, init, 0.01)).isPresent();
            assertThat(opt.publishIfBetter(t, init, s, 0.01)).isEmpty();
        }
    }

    @Test
    void blockAndAveragingMatrixPathsAgree() {
        TargetSnapshot t = targets(true);
        SyntheticSetOptimizer opt = new SyntheticSetOptimizer(NETS, new SynthConfig(4, 0, 0, 0.05f, 0.5f, 3));
        SyntheticSet init = opt.initialise(t); // class-major blocks
        int m = init.size();
        float[] x = new float[init.x().length];
        int[] y = new int[m];
        for (int i = 0; i < m; i++) { // interleave the classes: forces the averaging-matrix path
            int src = (i % 3) * 4 + i / 3;
            System.arraycopy(init.x(), src * 6, x, i * 6, 6);
            y[i] = init.labels()[src];
        }
        SyntheticSet shuffled = new SyntheticSet(3, 6, 4, x, y, null, Double.NaN, 0);
        double a = opt.loss(t, init);
        assertThat(opt.loss(t, shuffled)).isCloseTo(a, within(1e-4 * a));
    }

    @Test
    void softLabelsAreDistributionsFavouringTheOwnClass() {
        TargetSnapshot t = targets(true);
        SyntheticSetOptimizer opt = new SyntheticSetOptimizer(NETS, new SynthConfig(4, 40, 10, 0.05f, 0.5f, 1));
        SyntheticSet s = opt.withSoftLabels(t, opt.optimise(t), 0.5f);
        int right = 0;
        for (int i = 0; i < s.size(); i++) {
            float sum = 0;
            int arg = 0;
            for (int c = 0; c < 3; c++) {
                sum += s.softLabels()[i * 3 + c];
                if (s.softLabels()[i * 3 + c] > s.softLabels()[i * 3 + arg]) {
                    arg = c;
                }
            }
            assertThat(sum).isCloseTo(1f, within(1e-5f));
            right += arg == s.labels()[i] ? 1 : 0;
        }
        assertThat(right).isGreaterThanOrEqualTo(s.size() - 2);
    }
}
