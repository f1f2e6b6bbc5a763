package io.edgedistill.bench.eval;

/** Classification metrics on a test set. */
public final class Metrics {
    private Metrics() {
    }

    /** Accuracy and macro-F1 (mean over classes present in the test labels or the predictions). */
    public record Scores(double macroF1, double accuracy, double[] perClassF1) {
    }

    public static int[][] confusion(int[] truth, int[] pred, int numClasses) {
        int[][] cm = new int[numClasses][numClasses];
        for (int i = 0; i < truth.length; i++) {
            cm[truth[i]][pred[i]]++;
        }
        return cm;
    }

    /**
     * Macro-F1 over the classes that occur in the truth or the predictions (a class absent from both does not
     * count; a class present in the truth but never predicted counts with F1 = 0).
     */
    public static Scores score(int[] truth, int[] pred, int numClasses) {
        int[][] cm = confusion(truth, pred, numClasses);
        double[] f1 = new double[numClasses];
        double sum = 0;
        int counted = 0;
        long correct = 0;
        for (int c = 0; c < numClasses; c++) {
            int tp = cm[c][c];
            correct += tp;
            int fp = 0;
            int fn = 0;
            for (int k = 0; k < numClasses; k++) {
                if (k != c) {
                    fp += cm[k][c];
                    fn += cm[c][k];
                }
            }
            if (tp + fp + fn == 0) {
                f1[c] = Double.NaN;
                continue;
            }
            f1[c] = 2.0 * tp / (2.0 * tp + fp + fn);
            sum += f1[c];
            counted++;
        }
        return new Scores(counted == 0 ? 0 : sum / counted, truth.length == 0 ? 0 : (double) correct / truth.length, f1);
    }
}
