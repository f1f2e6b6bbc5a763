package io.edgedistill.core.model;

/**
 * Accuracy and macro-F1 of predictions. Macro-F1 averages the per-class F1 over the classes that occur in
 * the true labels (a class never present cannot be scored; a present class never predicted scores 0).
 *
 * @param accuracy fraction of correct predictions
 * @param macroF1  unweighted mean F1 over classes present in the truth
 * @param samples  number of scored samples
 * @param perClassF1 F1 per class index (NaN for classes absent from the truth)
 */
public record ClassificationMetrics(double accuracy, double macroF1, long samples, double[] perClassF1) {

    /** Scores predictions against labels for {@code numClasses} classes. */
    public static ClassificationMetrics of(int[] truth, int[] predicted, int numClasses) {
        if (truth.length != predicted.length) {
            throw new IllegalArgumentException("truth and predictions differ in length");
        }
        long[] tp = new long[numClasses];
        long[] fp = new long[numClasses];
        long[] fn = new long[numClasses];
        long correct = 0;
        for (int i = 0; i < truth.length; i++) {
            int t = truth[i];
            int p = predicted[i];
            if (t == p) {
                tp[t]++;
                correct++;
            } else {
                fn[t]++;
                if (p >= 0 && p < numClasses) {
                    fp[p]++;
                }
            }
        }
        double[] f1 = new double[numClasses];
        double sum = 0;
        int present = 0;
        for (int c = 0; c < numClasses; c++) {
            if (tp[c] + fn[c] == 0) {
                f1[c] = Double.NaN;
                continue;
            }
            double denom = 2.0 * tp[c] + fp[c] + fn[c];
            f1[c] = denom == 0 ? 0 : 2.0 * tp[c] / denom;
            sum += f1[c];
            present++;
        }
        return new ClassificationMetrics(truth.length == 0 ? 0 : (double) correct / truth.length,
                present == 0 ? 0 : sum / present, truth.length, f1);
    }
}
