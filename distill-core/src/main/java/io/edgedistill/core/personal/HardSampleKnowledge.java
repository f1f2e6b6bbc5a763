package io.edgedistill.core.personal;

import io.edgedistill.core.mixture.SubClusterOptions;
import io.edgedistill.core.mixture.SubClusterSummary;
import io.edgedistill.core.mixture.SubClusterer;

/**
 * Knowledge v2, what a drifted edge tells the cloud (reverse distillation): on its labelled rows, the deployed model's
 * confusion matrix and the class totals, and the sub-cluster statistics ({@link SubClusterer}, privacy floor k_min
 * included) of only the rows the model gets wrong or is unsure of. Computed in the cloud's feature space (the round's
 * preprocessing), so that the cloud can draw rows from it as from a data summary.
 *
 * @param classTotals  labelled rows per class (the edge's traffic mix)
 * @param hardCounts   of which hard: misclassified, or predicted with a top probability under the threshold
 * @param confusion    rows = true class, columns = the model's prediction, over all labelled rows given
 * @param hard         sub-clusters of the hard rows per true class (a class under k_min hard rows: count only)
 */
public record HardSampleKnowledge(long[] classTotals, long[] hardCounts, long[][] confusion, SubClusterSummary hard) {
    /** Bytes of a count on the wire, as in {@link SubClusterSummary}. */
    public static final int COUNT_BYTES = SubClusterSummary.COUNT_BYTES;

    /** Validates the shapes. */
    public HardSampleKnowledge {
        int c = classTotals.length;
        if (hardCounts.length != c || confusion.length != c || hard.numClasses() != c) {
            throw new IllegalArgumentException("class totals, hard counts, confusion and sub-clusters must cover "
                    + c + " classes");
        }
        for (int k = 0; k < c; k++) {
            if (confusion[k].length != c || hardCounts[k] > classTotals[k] || hardCounts[k] < 0) {
                throw new IllegalArgumentException("class " + k + ": confusion row or hard count out of range");
            }
        }
    }

    /**
     * The knowledge of n labelled rows.
     *
     * @param x                   the rows in the cloud's feature space (n × d, row-major)
     * @param labels              true classes
     * @param predicted           the deployed model's predictions (-1: a class outside these classes, hence wrong;
     *                            such rows count in no column of the confusion matrix)
     * @param confidence          the deployed model's top probability per row
     * @param confidenceThreshold a correct prediction below this counts as unsure, hence hard
     * @param options             the sub-cluster fit (the round's); null = counts only (a round that asks for no
     *                            sub-clusters, e.g. under differential privacy)
     */
    public static HardSampleKnowledge of(String edgeId, float[] x, int[] labels, int[] predicted, float[] confidence,
                                         int numClasses, float confidenceThreshold, SubClusterOptions options) {
        int n = labels.length;
        if (predicted.length != n || confidence.length != n || n == 0 || x.length % n != 0) {
            throw new IllegalArgumentException("x, labels, predictions and confidences must cover the same n > 0 rows");
        }
        int d = x.length / n;
        long[] totals = new long[numClasses];
        long[] hardCounts = new long[numClasses];
        long[][] confusion = new long[numClasses][numClasses];
        for (int i = 0; i < n; i++) {
            totals[labels[i]]++;
            if (predicted[i] >= 0) {
                confusion[labels[i]][predicted[i]]++;
            }
        }
        int[] hardRows = hardRows(labels, predicted, confidence, confidenceThreshold);
        int m = hardRows.length;
        float[] hx = new float[m * d];
        int[] hy = new int[m];
        for (int r = 0; r < m; r++) {
            System.arraycopy(x, hardRows[r] * d, hx, r * d, d);
            hy[r] = labels[hardRows[r]];
            hardCounts[hy[r]]++;
        }
        SubClusterSummary hard = m == 0 || options == null ? countsOnly(edgeId, hardCounts, d, options == null ? 1 : options.kMin())
                : new SubClusterer(options).summarize(edgeId, hx, hy, numClasses);
        return new HardSampleKnowledge(totals, hardCounts, confusion, hard);
    }

    private static SubClusterSummary countsOnly(String edgeId, long[] counts, int d, int kMin) {
        java.util.List<io.edgedistill.core.mixture.ClassSubClusters> none = new java.util.ArrayList<>();
        for (int c = 0; c < counts.length; c++) {
            none.add(new io.edgedistill.core.mixture.ClassSubClusters(c, counts[c], java.util.List.of()));
        }
        return new SubClusterSummary(edgeId, counts.length, d, kMin, none);
    }

    /** The rule of reverse distillation: a row is hard when the model gets it wrong or is unsure of it. */
    public static boolean isHard(int predicted, int label, float confidence, float confidenceThreshold) {
        return predicted != label || confidence < confidenceThreshold;
    }

    /** Indices, in order, of the rows {@link #isHard} selects. */
    public static int[] hardRows(int[] labels, int[] predicted, float[] confidence, float confidenceThreshold) {
        return java.util.stream.IntStream.range(0, labels.length)
                .filter(i -> isHard(predicted[i], labels[i], confidence[i], confidenceThreshold)).toArray();
    }

    /** Per class, the share of its labelled rows that are hard (0 for a class without rows). */
    public double[] hardShares() {
        double[] out = new double[classTotals.length];
        for (int c = 0; c < out.length; c++) {
            out[c] = classTotals[c] == 0 ? 0 : (double) hardCounts[c] / classTotals[c];
        }
        return out;
    }

    /** Number of classes. */
    public int numClasses() {
        return classTotals.length;
    }

    /** Payload bytes (float32 values): the hard rows' sub-clusters, the confusion matrix and the class totals. */
    public long sizeBytes() {
        int c = numClasses();
        return hard.sizeBytes() + (long) COUNT_BYTES * c * c + (long) COUNT_BYTES * c;
    }
}
