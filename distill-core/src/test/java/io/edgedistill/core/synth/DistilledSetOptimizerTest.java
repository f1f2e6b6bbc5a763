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

class DistilledSetOptimizerTest {
    static final EmbeddingNetworks NETS = new EmbeddingNetworks(
            new EmbeddingSpec(2L, 4, 6, 32, 16, Activation.RELU, WeightInit.HE_UNIFORM));

    static TargetSnapshot targets(boolean inputMoments) {
        return targets(NETS, inputMoments);
    }

    static TargetSnapshot targets(EmbeddingNetworks nets, boolean inputMoments) {
        GaussianMixture gm = new GaussianMixture(3, 6, 2.0, 1.0, 4L);
        GlobalTargets t = GlobalTargets.countWeighted(nets.spec().k(), 3, nets.spec().embedDim(), 6);
        EdgeSummarizer sum = new EdgeSummarizer(nets, new SummaryOptions(true, inputMoments, null, 4096));
        for (int e = 0; e < 3; e++) {
            GaussianMixture.Data d = gm.balanced(200, e);
            t.put(sum.summarize("e" + e, 1, d.x(), d.n(), d.y(), 3));
        }
        return t.snapshot();
    }

    /** Three classes over four Gaussian columns and a one-hot pair (columns 4 and 5), from two edges. */
    static TargetSnapshot targetsWithOneHot() {
        int d = 6;
        int numC = 3;
        java.util.Random r = new java.util.Random(5);
        GlobalTargets gt = GlobalTargets.countWeighted(4, numC, 16, d);
        EdgeSummarizer sum = new EdgeSummarizer(NETS, new SummaryOptions(true, true, null, 4096));
        for (int e = 0; e < 2; e++) {
            int n = 300;
            float[] x = new float[n * d];
            int[] y = new int[n];
            for (int i = 0; i < n; i++) {
                y[i] = i % numC;
                for (int j = 0; j < 4; j++) {
                    x[i * d + j] = (float) (y[i] - 1 + 0.5 * r.nextGaussian());
                }
                boolean first = r.nextDouble() < 0.2 + 0.3 * y[i];
                x[i * d + (first ? 4 : 5)] = 1f;
            }
            gt.put(sum.summarize("e" + e, 1, x, n, y, numC));
        }
        return gt.snapshot();
    }

    @Test
    void optimiserReducesMatchingLoss() {
        for (boolean inputMoments : new boolean[] {true, false}) {
            TargetSnapshot t = targets(inputMoments);
            DistilledSetOptimizer opt = new DistilledSetOptimizer(NETS, new SynthConfig(5, 80, 20, 0.05f, 0.5f, 1));
            DistilledSet init = opt.initialise(t);
            assertThat(init.size()).isEqualTo(15);
            double before = opt.loss(t, init);
            DistilledSet s = opt.optimise(t);
            assertThat(s.loss()).isLessThan(0.5 * before);
            assertThat(opt.loss(t, s)).isCloseTo(s.loss(), within(1e-3 * s.loss() + 1e-6));
            assertThat(s.steps()).isEqualTo(80);
            // warm start keeps improving within the bounded step budget
            DistilledSet w = opt.warmStart(t, s);
            assertThat(w.steps()).isEqualTo(100);
            assertThat(w.loss()).isLessThanOrEqualTo(s.loss() * 1.01);
            assertThat(opt.publishIfBetter(t, s, init, 0.01)).isPresent();
            assertThat(opt.publishIfBetter(t, init, s, 0.01)).isEmpty();
        }
    }

    /**
     * The optimiser's hand-written gradient equals autograd's on the same loss: both activations, with and
     * without the second-moment term and the input term, at a point off the optimum (the initial set) and at one
     * near it.
     */
    @Test
    void handWrittenGradientEqualsAutograd() {
        for (Activation act : Activation.values()) {
            EmbeddingNetworks nets = new EmbeddingNetworks(
                    new EmbeddingSpec(9L, 3, 6, 24, 12, act, WeightInit.HE_UNIFORM));
            for (boolean inputMoments : new boolean[] {true, false}) {
                TargetSnapshot t = targets(nets, inputMoments);
                for (float lambda : new float[] {0.5f, 0f}) {
                    DistilledSetOptimizer opt = new DistilledSetOptimizer(nets,
                            new SynthConfig(4, 30, 0, 0.05f, lambda, 7));
                    DistilledSet init = opt.initialise(t);
                    for (DistilledSet s : new DistilledSet[] {init, opt.run(t, init, 30)}) {
                        DistilledSetOptimizer.Evaluation byHand = opt.gradient(t, s, false);
                        DistilledSetOptimizer.Evaluation reference = opt.gradient(t, s, true);
                        String what = act + ", input moments " + inputMoments + ", λ " + lambda;
                        assertThat(byHand.loss()).as(what)
                                .isCloseTo(reference.loss(), within(1e-4 * reference.loss() + 1e-6));
                        double scale = 0;
                        for (float g : reference.gradient()) {
                            scale = Math.max(scale, Math.abs(g));
                        }
                        assertThat(scale).as(what).isGreaterThan(0.0);
                        for (int i = 0; i < reference.gradient().length; i++) {
                            assertThat((double) byHand.gradient()[i]).as(what + ", value " + i)
                                    .isCloseTo(reference.gradient()[i], within(1e-4 * scale));
                        }
                    }
                }
            }
        }
    }

    /**
     * A class-major set (hand-written gradient, feature-major on the device) and the same set with its rows
     * interleaved (autograd through the averaging matrix) take the same projected Adam steps: after 40 steps
     * the two sets are the same rows up to float rounding.
     */
    @Test
    void handWrittenAndAutogradRunsReachTheSameSet() {
        TargetSnapshot t = targetsWithOneHot(); // its 0/1 columns make the box projection bind
        DistilledSetOptimizer opt = new DistilledSetOptimizer(NETS, new SynthConfig(4, 0, 0, 0.2f, 0.5f, 3));
        DistilledSet blocks = opt.initialise(t);
        DistilledSet interleaved = interleave(blocks);
        DistilledSet a = opt.run(t, blocks, 40);
        DistilledSet b = opt.run(t, interleaved, 40);
        assertThat(b.loss()).isCloseTo(a.loss(), within(1e-3 * a.loss()));
        float[] back = interleave(a).x();
        for (int i = 0; i < back.length; i++) {
            assertThat((double) b.x()[i]).as("value " + i).isCloseTo(back[i], within(1e-3));
        }
    }

    /** The rows of a class-major set of 3 classes × 4 reordered as 0, 4, 8, 1, 5, 9, … (classes interleaved). */
    private static DistilledSet interleave(DistilledSet s) {
        int d = s.dIn();
        float[] x = new float[s.x().length];
        int[] y = new int[s.size()];
        for (int i = 0; i < s.size(); i++) {
            int src = (i % 3) * 4 + i / 3;
            System.arraycopy(s.x(), src * d, x, i * d, d);
            y[i] = s.labels()[src];
        }
        return new DistilledSet(s.numClasses(), d, s.ipc(), x, y, null, Double.NaN, 0);
    }

    @Test
    void blockAndAveragingMatrixPathsAgree() {
        TargetSnapshot t = targets(true);
        DistilledSetOptimizer opt = new DistilledSetOptimizer(NETS, new SynthConfig(4, 0, 0, 0.05f, 0.5f, 3));
        DistilledSet init = opt.initialise(t); // class-major blocks
        DistilledSet shuffled = interleave(init); // forces the averaging-matrix path
        double a = opt.loss(t, init);
        assertThat(opt.loss(t, shuffled)).isCloseTo(a, within(1e-4 * a));
    }

    @Test
    void softLabelsAreDistributionsFavouringTheOwnClass() {
        TargetSnapshot t = targets(true);
        DistilledSetOptimizer opt = new DistilledSetOptimizer(NETS, new SynthConfig(4, 40, 10, 0.05f, 0.5f, 1));
        DistilledSet s = opt.withSoftLabels(t, opt.optimise(t), 0.5f);
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

    /**
     * Columns 0–3 are Gaussian, columns 4–5 a one-hot block whose probabilities depend on the class. The set
     * stays in the box (0/1 columns in [0, 1], others within the class mean ± 3 class std), 0/1 columns start
     * as exact 0/1 draws, and the input-moment term is part of the objective (dominant, it pulls the set's
     * class means onto the targets').
     */
    @Test
    void setStaysInTheBoxAndMatchesInputMoments() {
        int d = 6;
        TargetSnapshot t = targetsWithOneHot();
        assertThat(DistilledSetOptimizer.binaryColumns(t)).containsExactly(false, false, false, false, true, true);

        DistilledSetOptimizer opt = new DistilledSetOptimizer(NETS, new SynthConfig(6, 120, 20, 0.05f, 0.5f, 2));
        DistilledSet init = opt.initialise(t);
        for (int i = 0; i < init.size(); i++) {
            assertThat(init.x()[i * d + 4]).isIn(0f, 1f);
            assertThat(init.x()[i * d + 5]).isIn(0f, 1f);
        }
        DistilledSet s = opt.optimise(t);
        float[][] box = opt.box(t, s.labels());
        for (int i = 0; i < s.x().length; i++) {
            assertThat(s.x()[i]).isBetween(box[0][i], box[1][i]);
        }
        for (int i = 0; i < s.size(); i++) {
            assertThat(s.x()[i * d + 4]).isBetween(0f, 1f);
        }
        DistilledSetOptimizer plain = new DistilledSetOptimizer(NETS,
                new SynthConfig(6, 120, 20, 0.05f, 0.5f, 2).withInputTerms(0f, 0f));
        assertThat(plain.box(t, s.labels())).isNull();
        // the input-moment term is part of the objective: same set, larger loss with it than without it
        double withTerm = opt.loss(t, s);
        double without = plain.loss(t, s);
        assertThat(withTerm - without).isGreaterThan(0.0);
        DistilledSetOptimizer inputOnly = new DistilledSetOptimizer(NETS,
                new SynthConfig(6, 120, 20, 0.05f, 0.5f, 2).withInputTerms(1000f, 3f));
        DistilledSet q = inputOnly.optimise(t);
        assertThat(inputMeanError(t, q)).isLessThan(inputMeanError(t, opt.initialise(t)));
    }

    private static double inputMeanError(TargetSnapshot t, DistilledSet s) {
        int d = t.dIn();
        double[] mean = new double[t.numClasses() * d];
        int[] n = new int[t.numClasses()];
        for (int i = 0; i < s.size(); i++) {
            n[s.labels()[i]]++;
            for (int j = 0; j < d; j++) {
                mean[s.labels()[i] * d + j] += s.x()[i * d + j];
            }
        }
        double err = 0;
        for (int c = 0; c < t.numClasses(); c++) {
            for (int j = 0; j < d; j++) {
                double diff = mean[c * d + j] / n[c] - t.inputMeans()[c * d + j];
                err += diff * diff;
            }
        }
        return err;
    }
}
