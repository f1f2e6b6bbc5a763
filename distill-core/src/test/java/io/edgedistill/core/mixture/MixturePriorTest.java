package io.edgedistill.core.mixture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.edgedistill.core.data.FeatureSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class MixturePriorTest {
    /** Layout: [num, num#missing, proto=tcp, proto=udp, proto=icmp, bytes]; |z| clip 3. */
    static final FeatureSpec SPEC = new FeatureSpec(List.of(
            FeatureSpec.ColumnSpec.numeric("num", false, 0, 0, 1, true),
            FeatureSpec.ColumnSpec.categorical("proto", List.of("tcp", "udp", "icmp")),
            FeatureSpec.ColumnSpec.numeric("bytes", true, 0, 1, 1, false)),
            List.of("a", "b", "c"), 3.0, List.of(""));

    /** Valid rows of the layout: class c has a bimodal 'num', its own protocol mix, 'bytes' ~ N(c − 1, 1) within ±3. */
    static float[] rows(int[] y, long seed) {
        Random r = new Random(seed);
        float[] x = new float[y.length * 6];
        for (int i = 0; i < y.length; i++) {
            int c = y[i];
            int o = i * 6;
            boolean missing = r.nextDouble() < 0.2;
            x[o] = missing ? 0f : (float) Math.max(-3, Math.min(3, (r.nextBoolean() ? -1.5 : 1.5) + 0.5 * r.nextGaussian() + c / 2.0));
            x[o + 1] = missing ? 1f : 0f;
            double u = r.nextDouble();
            x[o + 2 + (u < 0.5 ? c % 3 : u < 0.8 ? (c + 1) % 3 : (c + 2) % 3)] = 1f;
            x[o + 5] = (float) Math.max(-3, Math.min(3, c - 1 + r.nextGaussian()));
        }
        return x;
    }

    static int[] labels(int n, int numClasses, long seed) {
        Random r = new Random(seed);
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            y[i] = r.nextInt(numClasses);
        }
        return y;
    }

    /** Three edges' summaries of disjoint thirds of the rows. */
    static List<SubClusterSummary> threeEdges(float[] x, int[] y, int m) {
        List<SubClusterSummary> out = new ArrayList<>();
        int n = y.length;
        for (int e = 0; e < 3; e++) {
            int from = e * n / 3;
            int to = (e + 1) * n / 3;
            float[] xe = java.util.Arrays.copyOfRange(x, from * 6, to * 6);
            int[] ye = java.util.Arrays.copyOfRange(y, from, to);
            out.add(new SubClusterer(new SubClusterOptions(m, 10, 3L + e, 25)).summarize("edge-" + e, xe, ye, 3));
        }
        return out;
    }

    @Test
    void pooledClassMeanAndVarianceEqualThoseOfAllRows() {
        int[] y = labels(1500, 3, 1L);
        float[] x = rows(y, 2L);
        MixturePrior p = MixturePrior.pool(threeEdges(x, y, 8), ColumnLayout.of(SPEC), MixtureOptions.defaults());
        for (int c = 0; c < 3; c++) {
            double[] sum = new double[6];
            double[] sq = new double[6];
            int n = 0;
            for (int i = 0; i < y.length; i++) {
                if (y[i] == c) {
                    n++;
                    for (int j = 0; j < 6; j++) {
                        sum[j] += x[i * 6 + j];
                        sq[j] += (double) x[i * 6 + j] * x[i * 6 + j];
                    }
                }
            }
            assertThat(p.counts()[c]).isEqualTo(n);
            for (int j = 0; j < 6; j++) {
                double mu = sum[j] / n;
                assertThat(p.classMean(c)[j]).as("class %d column %d", c, j).isCloseTo(mu, within(1e-5));
                assertThat(p.classVariance(c)[j]).isCloseTo(sq[j] / n - mu * mu, within(1e-4));
            }
        }
    }

    @Test
    void samplesRespectBinaryColumnsOneHotGroupsTruncationAndValidRange() {
        int[] y = labels(1500, 3, 3L);
        float[] x = rows(y, 4L);
        MixtureOptions opt = new MixtureOptions(2.0, 0.05);
        MixturePrior p = MixturePrior.pool(threeEdges(x, y, 16), ColumnLayout.of(SPEC), opt);
        for (int c = 0; c < 3; c++) {
            float[] s = p.sample(c, 2000, 9L);
            double[] lo = {Double.POSITIVE_INFINITY, 0, 0, 0, 0, Double.POSITIVE_INFINITY};
            double[] hi = {Double.NEGATIVE_INFINITY, 0, 0, 0, 0, Double.NEGATIVE_INFINITY};
            for (SubCluster k : p.components(c)) { // the union of the components' ±2 (floored) std ranges
                for (int j : new int[] {0, 5}) {
                    double sd = Math.sqrt(Math.max(k.variance()[j], 0.0025 * p.classVariance(c)[j]));
                    lo[j] = Math.min(lo[j], k.mean()[j] - 2 * sd - 1e-5);
                    hi[j] = Math.max(hi[j], k.mean()[j] + 2 * sd + 1e-5);
                }
            }
            for (int i = 0; i < 2000; i++) {
                int o = i * 6;
                assertThat(s[o + 1]).isIn(0f, 1f);
                assertThat(s[o + 2] + s[o + 3] + s[o + 4]).isEqualTo(1f); // the data always had one protocol
                for (int j : new int[] {2, 3, 4}) {
                    assertThat(s[o + j]).isIn(0f, 1f);
                }
                for (int j : new int[] {0, 5}) {
                    assertThat((double) s[o + j]).isBetween(lo[j], hi[j]);
                }
                assertThat(Math.abs(s[o + 5])).isLessThanOrEqualTo(3f); // the spec's clip
            }
            double tcpShare = 0;
            for (int i = 0; i < 2000; i++) {
                tcpShare += s[i * 6 + 2 + c % 3];
            }
            assertThat(tcpShare / 2000).isCloseTo(0.5, within(0.05)); // the class's own protocol mix
        }
    }

    @Test
    void withoutASpecZeroOneColumnsAreRecognisedFromTheStatistics() {
        int[] y = labels(900, 3, 5L);
        List<SubClusterSummary> sums = threeEdges(rows(y, 6L), y, 8);
        ColumnLayout inferred = ColumnLayout.inferred(sums);
        assertThat(inferred.binary()).containsExactly(false, true, true, true, true, false);
        float[] s = MixturePrior.pool(sums, inferred, MixtureOptions.defaults()).sample(0, 500, 1L);
        for (int i = 0; i < 500; i++) {
            assertThat(s[i * 6 + 3]).isIn(0f, 1f);
        }
    }

    @Test
    void samplingIsDeterministicBySeed() {
        int[] y = labels(900, 3, 7L);
        MixturePrior p = MixturePrior.pool(threeEdges(rows(y, 8L), y, 8), ColumnLayout.of(SPEC),
                MixtureOptions.defaults());
        assertThat(p.sample(1, 300, 42L)).containsExactly(p.sample(1, 300, 42L));
        assertThat(p.sample(1, 300, 42L)).isNotEqualTo(p.sample(1, 300, 43L));
        GeneratedSet a = p.sampleTrainingSet(new long[] {1, 2, 3}, 600, 0, 5L);
        GeneratedSet b = p.sampleTrainingSet(new long[] {1, 2, 3}, 600, 0, 5L);
        assertThat(a.x()).containsExactly(b.x());
        assertThat(a.y()).containsExactly(b.y());
    }

    @Test
    void trainingSetFollowsTheGivenClassProportions() {
        int[] y = labels(900, 3, 9L);
        MixturePrior p = MixturePrior.pool(threeEdges(rows(y, 10L), y, 8), ColumnLayout.of(SPEC),
                MixtureOptions.defaults());
        assertThat(classCounts(p.sampleTrainingSet(new long[] {700, 200, 100}, 1000, 0, 1L), 3))
                .containsExactly(700, 200, 100);
        assertThat(classCounts(p.sampleTrainingSet(new long[] {989, 10, 1}, 1000, 20, 1L), 3))
                .containsExactly(989, 20, 20); // every class gets at least the minimum
    }

    @Test
    void aClassWithCountsOnlyGetsNoRowsAndItsShareGoesToTheOthers() {
        int[] y = labels(900, 2, 11L);
        List<SubClusterSummary> sums = new ArrayList<>(threeEdges(rows(y, 12L), y, 8));
        // a fourth edge holds 5 rows of class 2: count only
        int[] y4 = {2, 2, 2, 2, 2};
        sums.add(new SubClusterer(SubClusterOptions.defaults(1L)).summarize("edge-3", rows(y4, 13L), y4, 3));
        MixturePrior p = MixturePrior.pool(sums, ColumnLayout.of(SPEC), MixtureOptions.defaults());

        assertThat(p.counts()[2]).isEqualTo(5);
        assertThat(p.hasClass(2)).isFalse();
        int[] n = classCounts(p.sampleTrainingSet(p.counts(), 900, 0, 1L), 3);
        assertThat(n[0] + n[1]).isEqualTo(900);
        assertThat(n[2]).isZero();
    }

    static int[] classCounts(GeneratedSet g, int numClasses) {
        int[] n = new int[numClasses];
        for (int v : g.y()) {
            n[v]++;
        }
        return n;
    }
}
