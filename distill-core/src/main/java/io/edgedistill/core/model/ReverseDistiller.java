package io.edgedistill.core.model;

import io.edgedistill.core.summary.EdgeSummarizer;
import io.edgedistill.core.summary.SummaryStats;
import io.edgedistill.core.summary.SummaryKind;

/**
 * Reverse distillation at the edge (docs/design.md §3.5): with the deployed model, selects the private samples it
 * misclassifies or predicts with confidence below a threshold and summarises only those, per true class, as
 * a {@link SummaryKind#KNOWLEDGE} summary (same networks, options and privacy as data summaries).
 */
public final class ReverseDistiller {
    private final EdgeSummarizer summarizer;
    private final float confidenceThreshold;

    /**
     * @param confidenceThreshold samples whose top probability is below this are selected even when correct
     */
    public ReverseDistiller(EdgeSummarizer summarizer, float confidenceThreshold) {
        this.summarizer = summarizer;
        this.confidenceThreshold = confidenceThreshold;
    }

    /** Indices of rows that the model gets wrong or is unsure of. */
    public int[] select(MlpModel model, float[] x, int n, int[] labels) {
        float[] p = model.predictProba(x, n);
        int c = model.numClasses();
        int[] tmp = new int[n];
        int m = 0;
        for (int i = 0; i < n; i++) {
            int arg = 0;
            for (int j = 1; j < c; j++) {
                if (p[i * c + j] > p[i * c + arg]) {
                    arg = j;
                }
            }
            if (io.edgedistill.core.personal.HardSampleKnowledge.isHard(arg, labels[i], p[i * c + arg], confidenceThreshold)) {
                tmp[m++] = i;
            }
        }
        return java.util.Arrays.copyOf(tmp, m);
    }

    /** The knowledge summary of the selected rows (counts are zero for classes with nothing selected). */
    public SummaryStats extract(String edgeId, long roundId, MlpModel model, float[] x, int n, int[] labels,
                               int numClasses) {
        int[] idx = select(model, x, n, labels);
        int d = model.inputDim();
        float[] xs = new float[idx.length * d];
        int[] ys = new int[idx.length];
        for (int r = 0; r < idx.length; r++) {
            System.arraycopy(x, idx[r] * d, xs, r * d, d);
            ys[r] = labels[idx[r]];
        }
        return summarizer.summarize(edgeId, roundId, SummaryKind.KNOWLEDGE, xs, idx.length, ys, numClasses);
    }
}
