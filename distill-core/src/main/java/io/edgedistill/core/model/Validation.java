package io.edgedistill.core.model;

import java.util.Optional;

/**
 * Validation metrics of a classifier on labelled data, and the publication gate of docs/design.md §3.5: a candidate
 * model is published only if it is not worse than the live one on the same validation data.
 *
 * @param accuracy fraction of correct predictions
 * @param macroF1  unweighted mean over classes present in the labels or predictions of the per-class F1
 * @param n        number of validation rows
 */
public record Validation(double accuracy, double macroF1, int n) {

    /** Scores {@code model} on (x, labels). */
    public static Validation of(MlpModel model, float[] x, int n, int[] labels) {
        return of(model.predict(x, n), labels, model.numClasses());
    }

    /** Scores predictions against labels. */
    public static Validation of(int[] predicted, int[] labels, int numClasses) {
        if (predicted.length != labels.length) {
            throw new IllegalArgumentException("predictions and labels differ in length");
        }
        long[] tp = new long[numClasses];
        long[] fp = new long[numClasses];
        long[] fn = new long[numClasses];
        long correct = 0;
        for (int i = 0; i < labels.length; i++) {
            if (predicted[i] == labels[i]) {
                tp[labels[i]]++;
                correct++;
            } else {
                fp[predicted[i]]++;
                fn[labels[i]]++;
            }
        }
        double f1Sum = 0;
        int classes = 0;
        for (int c = 0; c < numClasses; c++) {
            if (tp[c] + fp[c] + fn[c] == 0) {
                continue;
            }
            classes++;
            f1Sum += 2.0 * tp[c] / (2.0 * tp[c] + fp[c] + fn[c]);
        }
        int n = labels.length;
        return new Validation(n == 0 ? 0 : correct / (double) n, classes == 0 ? 0 : f1Sum / classes, n);
    }

    /**
     * Returns {@code candidate} if its macro-F1 on the validation data is at least the live model's minus
     * {@code tolerance} (or there is no live model), else empty.
     */
    public static Optional<MlpModel> publishIfNotWorse(MlpModel candidate, MlpModel live, float[] x, int n,
                                                       int[] labels, double tolerance) {
        if (live == null) {
            return Optional.of(candidate);
        }
        double c = of(candidate, x, n, labels).macroF1();
        double l = of(live, x, n, labels).macroF1();
        return c >= l - tolerance ? Optional.of(candidate) : Optional.empty();
    }
}
