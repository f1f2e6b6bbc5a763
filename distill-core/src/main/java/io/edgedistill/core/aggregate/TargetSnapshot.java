package io.edgedistill.core.aggregate;

import java.util.List;

/**
 * Immutable global distribution-matching targets of one task at one moment (docs/design.md §3.3–§3.4).
 *
 * @param k                  number of networks K
 * @param numClasses         C
 * @param embedDim           e
 * @param dIn                input dimension
 * @param classWeights       total (decayed, knowledge-weighted) weight per class; 0 = class absent
 * @param means              target mean embeddings μ̄, (K, C, e)
 * @param secondMoments      target second moments, (K, C, e), or null when not every contribution had them
 * @param inputMeans         per-class input-space mean (C, dIn), or null
 * @param inputSecondMoments per-class input-space second moment (C, dIn), or null
 * @param contributors       provenance: "kind:edge:round" keys of the contributions, sorted
 */
public record TargetSnapshot(int k, int numClasses, int embedDim, int dIn, double[] classWeights, float[] means,
                             float[] secondMoments, float[] inputMeans, float[] inputSecondMoments,
                             List<String> contributors) {
    /** Index of (k, c, j) in the embedding arrays. */
    public int index(int net, int c, int j) {
        return (net * numClasses + c) * embedDim + j;
    }

    /** Whether class c has any data. */
    public boolean hasClass(int c) {
        return classWeights[c] > 0;
    }
}
