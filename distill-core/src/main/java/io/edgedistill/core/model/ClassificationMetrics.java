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
        return weighted(truth, predicted, numClasses, null);
    }

    /**
     * Scores predictions with every sample of true class c counted {@code classWeights[c]} times (null = once):
     * the figures a population with another class mix would show, assuming the same class-conditional
     * behaviour (e.g. rows of a validation set reweighted to an edge's traffic mix). Classes of weight 0 are
     * left out, their rows counting neither as hits nor as false positives of other classes.
     */
    public static ClassificationMetrics weighted(int[] truth, int[] predicted, int numClasses, double[] classWeights) {
        if (truth.length != predicted.length) {
            throw new IllegalArgumentException("truth and predictions differ in length");
        }
        if (classWeights != null && classWeights.length != numClasses) {
            throw new IllegalArgumentException(classWeights.length + " class weights for " + numClasses + " classes");
        }
        double[] tp = new double[numClasses];
        double[] fp = new double[numClasses];
        double[] fn = new double[numClasses];
        double correct = 0;
        double total = 0;
        for (int i = 0; i < truth.length; i++) {
            int t = truth[i];
            int p = predicted[i];
            double w = classWeights == null ? 1.0 : classWeights[t];
            if (w <= 0) {
                continue;
            }
            total += w;
            if (t == p) {
                tp[t] += w;
                correct += w;
            } else {
                fn[t] += w;
                if (p >= 0 && p < numClasses) {
                    fp[p] += w;
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
        return new ClassificationMetrics(total == 0 ? 0 : correct / total, present == 0 ? 0 : sum / present,
                truth.length, f1);
    }
}
