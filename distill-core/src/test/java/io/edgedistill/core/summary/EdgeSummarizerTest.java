package io.edgedistill.core.summary;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.edgedistill.core.nn.Activation;
import io.edgedistill.core.nn.EmbeddingNetworks;
import io.edgedistill.core.nn.EmbeddingSpec;
import io.edgedistill.core.nn.WeightInit;
import io.edgedistill.core.util.GaussianMixture;
import java.util.Random;
import org.junit.jupiter.api.Test;

class EdgeSummarizerTest {
    static final EmbeddingNetworks NETS = new EmbeddingNetworks(
            new EmbeddingSpec(5L, 4, 6, 16, 8, Activation.RELU, WeightInit.HE_UNIFORM));

    @Test
    void meansAndCountsMatchReferencePerClass() {
        GaussianMixture gm = new GaussianMixture(3, 6, 2.0, 1.0, 1L);
        GaussianMixture.Data data = gm.balanced(301, 2L);
        SummaryStats s = new EdgeSummarizer(NETS, new SummaryOptions(true, true, null, 64))
                .summarize("e1", 9L, data.x(), data.n(), data.y(), 3);
        float[] ref = NETS.embedReference(data.x(), data.n()); // (K, n, e)
        double[] sum = new double[4 * 3 * 8];
        double[] sq = new double[sum.length];
        long[] counts = new long[3];
        for (int i = 0; i < data.n(); i++) {
            counts[data.y()[i]]++;
            for (int k = 0; k < 4; k++) {
                for (int j = 0; j < 8; j++) {
                    double v = ref[(k * data.n() + i) * 8 + j];
                    sum[s.index(k, data.y()[i], j)] += v;
                    sq[s.index(k, data.y()[i], j)] += v * v;
                }
            }
        }
        assertThat(s.counts()).containsExactly(counts);
        for (int k = 0; k < 4; k++) {
            for (int c = 0; c < 3; c++) {
                for (int j = 0; j < 8; j++) {
                    int idx = s.index(k, c, j);
                    assertThat(s.means()[idx]).isCloseTo((float) (sum[idx] / counts[c]), within(1e-4f));
                    assertThat(s.secondMoments()[idx]).isCloseTo((float) (sq[idx] / counts[c]), within(1e-3f));
                }
            }
        }
        assertThat(s.inputMeans()).hasSize(3 * 6);
        assertThat(s.privacy()).isNull();
    }

    @Test
    void sizeIsIndependentOfDataSize() {
        GaussianMixture gm = new GaussianMixture(3, 6, 2.0, 1.0, 1L);
        EdgeSummarizer sum = new EdgeSummarizer(NETS, SummaryOptions.defaults());
        GaussianMixture.Data small = gm.balanced(30, 1L);
        GaussianMixture.Data big = gm.balanced(3000, 1L);
        long a = sum.summarize("a", 1, small.x(), small.n(), small.y(), 3).sizeBytes();
        long b = sum.summarize("b", 1, big.x(), big.n(), big.y(), 3).sizeBytes();
        assertThat(a).isEqualTo(b).isEqualTo(8L * 3 + 4L * (2 * 4 * 3 * 8 + 2 * 3 * 6));
    }

    @Test
    void analyticGaussianMechanismIsTightAndValid() {
        double sigma = GaussianMechanism.calibrate(1.0, 1e-5, 1.0);
        assertThat(sigma).isLessThan(GaussianMechanism.classicalSigma(1.0, 1e-5, 1.0));
        assertThat(GaussianMechanism.privacyLoss(1.0, sigma, 1.0)).isLessThanOrEqualTo(1e-5);
        assertThat(GaussianMechanism.privacyLoss(1.0, sigma * 0.99, 1.0)).isGreaterThan(1e-5);
        assertThat(sigma).isCloseTo(3.73, within(0.05)); // published value for (1, 1e-5), Δ=1
        assertThat(GaussianMechanism.calibrate(1.0, 1e-5, 2.0)).isCloseTo(2 * sigma, within(1e-6));
    }

    @Test
    void dpNoiseHasCalibratedStandardDeviation() {
        // Zero inputs give exactly zero embeddings (no biases), so the released sums are pure noise.
        int n = 2000;
        float[] x = new float[n * 6];
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            y[i] = i % 4;
        }
        DpConfig dp = new DpConfig(2.0, 1e-5, 1.5, new Random(42));
        SummaryStats s = new EdgeSummarizer(NETS, SummaryOptions.defaults().withDp(dp))
                .summarize("e", 1, x, n, y, 4);
        PrivacyReport p = s.privacy();
        assertThat(p.epsilon()).isEqualTo(2.0);
        assertThat(p.noiseMultiplier()).isEqualTo(GaussianMechanism.calibrate(2.0, 1e-5, Math.sqrt(3)));
        assertThat(p.sigmaSums()).isCloseTo(p.noiseMultiplier() * 1.5 * 2.0, within(1e-9)); // C·√K, K=4
        double ss = 0;
        for (int k = 0; k < 4; k++) {
            for (int c = 0; c < 4; c++) {
                for (int j = 0; j < 8; j++) {
                    double noisySum = (double) s.means()[s.index(k, c, j)] * s.counts()[c];
                    ss += noisySum * noisySum;
                }
            }
        }
        double empirical = Math.sqrt(ss / (4 * 4 * 8));
        assertThat(empirical).isCloseTo(p.sigmaSums(), within(0.1 * p.sigmaSums()));
        assertThat(s.inputMeans()).isNull();
        for (long c : s.counts()) {
            assertThat((double) c).isCloseTo(500, within(6 * p.sigmaCounts() + 1));
        }
    }
}
