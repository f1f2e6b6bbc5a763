package io.edgedistill.core.personal;

import java.util.Locale;
import java.util.Optional;
import java.util.function.IntFunction;

import io.edgedistill.core.model.ClassificationMetrics;

/**
 * When a fall of a model's scores on an edge's traffic is drift (the trigger of reverse-distillation knowledge). A
 * reading of the model on the edge's window is compared with a reference reading of the same model (the edge keeps
 * its model's first reading; the harness measures the rule against the edge's traffic before a drift):
 * <ul>
 *   <li>its macro-F1 on the labelled rows falls by {@link Trigger#f1Drop()}, over the classes with at least
 *       {@link Trigger#minClassRows()} rows in both readings;</li>
 *   <li>its mean top-class probability over every row, labelled or not, falls by {@link Trigger#confidenceDrop()} (no
 *       labels needed: a new tool or an unknown attack makes the model unsure before anyone labels a flow);</li>
 *   <li>its recall of one class falls by {@link Trigger#classRecallDrop()}, where the class has at least
 *       {@link Trigger#minClassRows()} labelled rows (a new tool for one attack type can hide in the macro-F1 when the
 *       mix changes too). A class that had fewer than half that many rows in the reference is compared with the
 *       reference's mean recall over the classes it had: a class that appears and the model misses is drift;</li>
 * </ul>
 * or its macro-F1 is under an absolute floor (a model that was never good there).
 */
public final class DriftRule {

    private DriftRule() {
    }

    /**
     * What counts as drift.
     *
     * @param f1Drop          a fall of the macro-F1 by at least this much; 0 = not watched
     * @param confidenceDrop  a fall of the mean top-class probability by at least this much; 0 = not watched
     * @param classRecallDrop a fall of one class's recall by at least this much; 0 = not watched
     * @param minClassRows    labelled rows a class needs for its recall to count
     */
    public record Trigger(double f1Drop, double confidenceDrop, double classRecallDrop, int minClassRows) {
        /** Five points of macro-F1 or of mean confidence, or 20 points of one class's recall on 50 rows or more. */
        public static final Trigger DEFAULT = new Trigger(0.05, 0.05, 0.2, 50);
        /** Only an absolute floor. */
        public static final Trigger OFF = new Trigger(0, 0, 0, 50);

        public Trigger {
            for (double d : new double[] {f1Drop, confidenceDrop, classRecallDrop}) {
                if (!(d >= 0 && d <= 1)) {
                    throw new IllegalArgumentException("drift drops must lie in [0, 1]: " + f1Drop + ", "
                            + confidenceDrop + ", " + classRecallDrop);
                }
            }
            if (minClassRows < 1) {
                throw new IllegalArgumentException("minClassRows must be positive: " + minClassRows);
            }
        }
    }

    /**
     * One evaluation of a model on the local window.
     *
     * @param macroF1     on the labelled rows
     * @param confidence  mean top-class probability over every row
     * @param classRows   labelled rows per class (model's class indexing); empty = not measured
     * @param classRecall recall per class (NaN for a class without rows)
     * @param classF1     F1 per class (NaN for a class without rows)
     */
    public record Reading(double macroF1, double confidence, long[] classRows, double[] classRecall, double[] classF1) {

        public Reading {
            if (classRecall.length != classRows.length || classF1.length != classRows.length) {
                throw new IllegalArgumentException("per-class arrays differ in length");
            }
        }

        /** Whether its macro-F1 and confidence are numbers (a reference must be). */
        public boolean finite() {
            return Double.isFinite(macroF1) && Double.isFinite(confidence);
        }

        /** A reading without per-class figures. */
        public Reading(double macroF1, double confidence) {
            this(macroF1, confidence, new long[0], new double[0], new double[0]);
        }

        /**
         * A reading from the scores of {@code predicted} against {@code truth} ({@code scores}: their macro-F1 and F1
         * per class), with the recall per class counted here.
         */
        public static Reading of(ClassificationMetrics scores, double confidence, int[] truth, int[] predicted) {
            int classes = scores.perClassF1().length;
            long[] rows = new long[classes];
            long[] hit = new long[classes];
            for (int i = 0; i < truth.length; i++) {
                rows[truth[i]]++;
                if (predicted[i] == truth[i]) {
                    hit[truth[i]]++;
                }
            }
            double[] recall = new double[classes];
            for (int c = 0; c < classes; c++) {
                recall[c] = rows[c] == 0 ? Double.NaN : (double) hit[c] / rows[c];
            }
            return new Reading(scores.macroF1(), confidence, rows, recall, scores.perClassF1().clone());
        }

        /** Mean recall over the classes with at least {@code minRows} rows; NaN for none. */
        public double meanRecall(int minRows) {
            double sum = 0;
            int n = 0;
            for (int c = 0; c < classRows.length; c++) {
                if (classRows[c] >= minRows) {
                    sum += classRecall[c];
                    n++;
                }
            }
            return n == 0 ? Double.NaN : sum / n;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Reading r && Double.compare(r.macroF1, macroF1) == 0
                    && Double.compare(r.confidence, confidence) == 0
                    && java.util.Arrays.equals(r.classRows, classRows) && java.util.Arrays.equals(r.classRecall, classRecall)
                    && java.util.Arrays.equals(r.classF1, classF1);
        }

        @Override
        public int hashCode() {
            return java.util.Objects.hash(macroF1, confidence, java.util.Arrays.hashCode(classRows),
                    java.util.Arrays.hashCode(classRecall), java.util.Arrays.hashCode(classF1));
        }

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "Reading[macroF1=%.3f, confidence=%.3f]", macroF1, confidence);
        }
    }

    /**
     * Why {@code now} is drift against the reference reading {@code was}, or empty.
     *
     * @param floor     an absolute floor of the macro-F1 (0 = none)
     * @param className names a class (the model's class indexing) in the reason
     */
    public static Optional<String> drift(Reading was, Reading now, double floor, Trigger t,
                                         IntFunction<String> className) {
        if (now.macroF1() < floor) {
            return Optional.of(String.format(Locale.ROOT, "macro-F1 %.3f < %.3f", now.macroF1(), floor));
        }
        if (t.f1Drop() > 0) {
            Optional<String> f1 = f1Drift(was, now, t);
            if (f1.isPresent()) {
                return f1;
            }
        }
        if (t.confidenceDrop() > 0 && was.confidence() - now.confidence() >= t.confidenceDrop()) {
            return Optional.of(String.format(Locale.ROOT, "mean confidence fell from %.3f to %.3f (by %.3f or more)",
                    was.confidence(), now.confidence(), t.confidenceDrop()));
        }
        return t.classRecallDrop() > 0 ? classDrift(was, now, t, className) : Optional.empty();
    }

    /**
     * The macro-F1 over the classes with at least {@code minClassRows} rows in both readings (a class with a few rows
     * in one window and none in the other would swing the plain macro-F1 on an edge's rare classes); the plain
     * macro-F1 when a reading has no per-class figures.
     */
    private static Optional<String> f1Drift(Reading was, Reading now, Trigger t) {
        if (was.classF1().length == 0 || now.classF1().length != was.classF1().length) {
            return was.macroF1() - now.macroF1() >= t.f1Drop()
                    ? Optional.of(String.format(Locale.ROOT, "macro-F1 fell from %.3f to %.3f (by %.3f or more)",
                    was.macroF1(), now.macroF1(), t.f1Drop()))
                    : Optional.empty();
        }
        double a = 0;
        double b = 0;
        int n = 0;
        for (int c = 0; c < was.classF1().length; c++) {
            if (was.classRows()[c] >= t.minClassRows() && now.classRows()[c] >= t.minClassRows()) {
                a += was.classF1()[c];
                b += now.classF1()[c];
                n++;
            }
        }
        if (n == 0 || !((a - b) / n >= t.f1Drop())) {
            return Optional.empty();
        }
        return Optional.of(String.format(Locale.ROOT, "macro-F1 over the %d classes with %d rows or more fell from %.3f "
                + "to %.3f (by %.3f or more)", n, t.minClassRows(), a / n, b / n, t.f1Drop()));
    }

    private static Optional<String> classDrift(Reading was, Reading now, Trigger t,
                                               IntFunction<String> className) {
        double wasMean = was.meanRecall(t.minClassRows());
        for (int c = 0; c < now.classRows().length; c++) {
            if (now.classRows()[c] < t.minClassRows()) {
                continue;
            }
            // a class the reference saw at least half as often as the rule needs is compared with its own recall; a
            // class it barely saw (a new or unfamiliar one) with the reference's mean recall
            boolean known = c < was.classRows().length && 2L * was.classRows()[c] >= t.minClassRows();
            double ref = known ? was.classRecall()[c] : wasMean;
            if (ref - now.classRecall()[c] >= t.classRecallDrop()) { // false for NaN
                return Optional.of(String.format(Locale.ROOT, "recall of %s fell from %.3f%s to %.3f on %d rows "
                        + "(by %.3f or more)", className.apply(c), ref,
                        known ? "" : " (the reference's mean recall; the class was rare)", now.classRecall()[c],
                        now.classRows()[c], t.classRecallDrop()));
            }
        }
        return Optional.empty();
    }

    /** Mean top-class probability of {@code n} rows of class probabilities ({@code n × classes}); NaN for none. */
    public static double meanConfidence(float[] proba, int n, int classes) {
        if (n == 0) {
            return Double.NaN;
        }
        double sum = 0;
        for (int i = 0; i < n; i++) {
            float top = proba[i * classes];
            for (int j = 1; j < classes; j++) {
                top = Math.max(top, proba[i * classes + j]);
            }
            sum += top;
        }
        return sum / n;
    }
}
