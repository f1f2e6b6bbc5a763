package io.edgedistill.core.personal;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.BiFunction;
import java.util.function.Predicate;

import io.edgedistill.core.data.Dataset;
import io.edgedistill.core.model.ClassificationMetrics;
import io.edgedistill.core.model.MlpModel;

/**
 * What the cloud offers a cohort, decided on validation rows only: each candidate adapted to the cohort's class mix
 * ({@link #withClassPrior}, logit adjustment), the first in the order of preference that the personalisation rule
 * ({@link #refusal}) lets through ({@link #firstOffered}). The updater's {@code CandidateDecider} and the
 * harness's drift experiment both decide with this class, so that the harness measures the model the edges are
 * offered.
 */
public final class CohortOffer {

    /** Share a class the cohort never reported keeps in the adapted prior, so that it stays reachable. */
    static final double PRIOR_FLOOR = 1e-3;

    private CohortOffer() {
    }

    /**
     * A network the cloud could offer, and the rows per class it was trained on (from which it is adapted to the
     * cohort's mix).
     */
    public record Candidate(MlpModel network, double[] trainCounts) {
    }

    /**
     * What is offered: a candidate adapted to the cohort's mix, and the rule's verdict on it.
     *
     * @param index   its place among the candidates
     * @param model   the network adapted to the cohort's mix: what is offered
     * @param network the network before the adaptation
     * @param onMix   the adapted model's scores on the validation rows reweighted to the mix
     * @param whole   the network's scores on the validation rows as they are
     * @param verdict the rule's verdict
     */
    public record Offer<V>(int index, MlpModel model, MlpModel network, ClassificationMetrics onMix,
                           ClassificationMetrics whole, V verdict) {
    }

    /**
     * A cohort's class mix from its class totals (shares summing to 1); null when there are none.
     */
    public static double[] mix(long[] classTotals) {
        double sum = 0;
        for (long t : classTotals) {
            if (t < 0) {
                throw new IllegalArgumentException("negative class total " + t);
            }
            sum += t;
        }
        if (sum <= 0) {
            return null;
        }
        double[] m = new double[classTotals.length];
        for (int c = 0; c < m.length; c++) {
            m[c] = classTotals[c] / sum;
        }
        return m;
    }

    /** Rows per class among the first {@code n} labels. */
    public static double[] classCounts(int[] labels, int n, int classes) {
        double[] counts = new double[classes];
        for (int i = 0; i < n; i++) {
            counts[labels[i]]++;
        }
        return counts;
    }

    /**
     * Adapts a model to a cohort's class mix (logit adjustment): the output biases move by
     * log(π_cohort(c) / π_train(c)), so that the model's posteriors follow the cohort's traffic instead of the rows it
     * was trained on. Classes the cohort never reported keep a small floor ({@link #PRIOR_FLOOR}) so they stay reachable.
     *
     * @param trainCounts rows per class the model was trained on
     * @param cohortMix   the cohort's class shares
     */
    public static MlpModel withClassPrior(MlpModel model, double[] trainCounts, double[] cohortMix) {
        int c = model.numClasses();
        if (trainCounts.length != c || cohortMix.length != c) {
            throw new IllegalArgumentException("class counts " + trainCounts.length + " and mix " + cohortMix.length
                    + " must match the model's " + c + " classes");
        }
        double n = 0;
        for (double t : trainCounts) {
            n += t;
        }
        float[][] w = new float[model.numLayers()][];
        float[][] b = new float[model.numLayers()][];
        for (int l = 0; l < model.numLayers(); l++) {
            w[l] = model.weights(l);
            b[l] = model.biases(l);
        }
        float[] out = b[b.length - 1];
        for (int k = 0; k < c; k++) {
            double pi = (cohortMix[k] + PRIOR_FLOOR) / (1 + c * PRIOR_FLOOR);
            double pt = (trainCounts[k] + 1) / (n + c);
            out[k] += (float) Math.log(pi / pt);
        }
        return new MlpModel(model.layerSizes(), w, b);
    }

    /**
     * Per-class weights that turn the rows' class mix into {@code mix} (each class's rows together weigh its share of
     * the mix); classes without rows get none.
     */
    public static double[] rowWeights(int[] labels, double[] mix, int numClasses) {
        long[] n = new long[numClasses];
        for (int y : labels) {
            n[y]++;
        }
        double[] w = new double[numClasses];
        for (int c = 0; c < numClasses; c++) {
            w[c] = n[c] == 0 ? 0 : mix[c] / n[c];
        }
        return w;
    }

    /** A model's scores on validation rows reweighted to {@code mix}. */
    public static ClassificationMetrics onMix(MlpModel model, Dataset val, double[] mix) {
        int c = model.numClasses();
        return ClassificationMetrics.weighted(val.y(), model.predict(val.x(), val.size()), c,
                rowWeights(val.y(), mix, c));
    }

    /**
     * The first candidate, in the order of preference, that the rule lets through, adapted to {@code mix}; when none
     * passes, the first with its refusal. The order is the cloud's preference, not a ranking on its validation rows:
     * those rows cannot show what changed at the edge (a model fine-tuned on the edge's knowledge can score below the
     * global model there and far above it on the edge's traffic), so the cloud offers the candidate trained for the
     * cohort whenever the rule allows, and the edge judges it on its own hold-out.
     *
     * @param judge  the rule: a verdict from the adapted model's scores on the mix and the network's on the rows as
     *               they are
     * @param passes whether a verdict lets the candidate through
     */
    public static <V> Offer<V> firstOffered(List<Candidate> inPreference, Dataset val, double[] mix,
                                            BiFunction<ClassificationMetrics, ClassificationMetrics, V> judge,
                                            Predicate<V> passes) {
        if (inPreference.isEmpty()) {
            throw new IllegalArgumentException("no candidate");
        }
        Offer<V> first = null;
        for (int k = 0; k < inPreference.size(); k++) {
            Candidate c = inPreference.get(k);
            MlpModel adapted = withClassPrior(c.network(), c.trainCounts(), mix);
            ClassificationMetrics m = onMix(adapted, val, mix);
            ClassificationMetrics whole = ClassificationMetrics.of(val.y(), c.network().predict(val.x(), val.size()),
                    c.network().numClasses());
            Offer<V> o = new Offer<>(k, adapted, c.network(), m, whole, judge.apply(m, whole));
            if (passes.test(o.verdict())) {
                return o;
            }
            first = first == null ? o : first;
        }
        return first;
    }

    /**
     * The personalisation rule: a cohort's candidate is offered unless its macro-F1 on the cohort's mix is more than
     * {@code tolerance} below what the cohort runs there, or its network, before the adaptation to the mix, scores a
     * macro-F1 on the whole validation set more than {@code tolerance} below the global model's (the fine-tune must
     * not unlearn the other classes; the adaptation itself lowers the classes the cohort did not report, by design,
     * and is judged on the mix). The validation rows cannot show the cohort's traffic; whether the candidate is better
     * is for the edge to judge on its own hold-out.
     *
     * @param onMix       the adapted model's macro-F1 on the validation rows reweighted to the mix
     * @param whole       the network's macro-F1 (before the adaptation) on the whole validation set
     * @param runsOnMix   what the cohort runs, on the mix; NaN when it runs nothing
     * @param globalWhole the live global model on the whole validation set; NaN when there is none
     * @return why it is refused, or empty when it is offered
     */
    public static Optional<String> refusal(double onMix, double whole, double runsOnMix, String runs, double globalWhole,
                                           String global, double tolerance) {
        if (Double.isNaN(onMix) || !Double.isNaN(runsOnMix) && onMix < runsOnMix - tolerance) {
            return Optional.of(String.format(Locale.ROOT, "macro-F1 on the cohort's traffic mix %.4f is more than the "
                    + "tolerance %.2f below %s's %.4f", onMix, tolerance, runs, runsOnMix));
        }
        if (!Double.isNaN(globalWhole) && whole < globalWhole - tolerance) {
            return Optional.of(String.format(Locale.ROOT, "macro-F1 %.4f on the whole validation set is more than the "
                    + "tolerance %.2f below the global %s's %.4f", whole, tolerance, global, globalWhole));
        }
        return Optional.empty();
    }
}
