package io.edgedistill.core.summary;

import java.util.Arrays;
import java.util.Objects;

import io.edgedistill.core.mixture.ClassSubClusters;
import io.edgedistill.core.mixture.SubClusterSummary;

/**
 * Per-class summary of one edge's local data for one round (docs/design.md §3.2): counts n_c and mean embeddings
 * μ_{k,c} of all K networks, optionally per-dimension second moments and input-space moments. Plain Java,
 * no DJL types; its size depends on K, C, the embedding width and d_in only, never on the edge's n.
 *
 * <p>Layouts (row-major, flat): {@code means} and {@code secondMoments} are (K, C, embedDim); {@code
 * inputMeans} and {@code inputSecondMoments} are (C, dIn). Arrays are not copied: treat as immutable.
 *
 * @param edgeId             edge identifier
 * @param roundId            round identifier
 * @param kind               data summary or reverse-distillation (knowledge) summary
 * @param k                  number of embedding networks K
 * @param numClasses         number of classes C
 * @param embedDim           embedding width e
 * @param dIn                input dimension (for the input-space moments)
 * @param counts             samples per class (noisy and rounded when DP is on)
 * @param means              mean embeddings, (K, C, e)
 * @param secondMoments      mean of squared embeddings per dimension, (K, C, e), or null
 * @param inputMeans         per-class mean of the (pre-processed) inputs, (C, dIn), or null
 * @param inputSecondMoments per-class mean of squared inputs, (C, dIn), or null
 * @param privacy            DP report, or null when sent without DP
 * @param subClusters        per-class sub-cluster statistics of the inputs (summary v2), or null when the round
 *                           asked for none; its class counts equal {@link #counts} where a class carries them
 */
public record SummaryStats(String edgeId, long roundId, SummaryKind kind, int k, int numClasses, int embedDim,
                          int dIn, long[] counts, float[] means, float[] secondMoments, float[] inputMeans,
                          float[] inputSecondMoments, PrivacyReport privacy, SubClusterSummary subClusters) {

    /** A summary without sub-cluster statistics (summary v1). */
    public SummaryStats(String edgeId, long roundId, SummaryKind kind, int k, int numClasses, int embedDim, int dIn,
                        long[] counts, float[] means, float[] secondMoments, float[] inputMeans,
                        float[] inputSecondMoments, PrivacyReport privacy) {
        this(edgeId, roundId, kind, k, numClasses, embedDim, dIn, counts, means, secondMoments, inputMeans,
                inputSecondMoments, privacy, null);
    }

    /** Validates shapes. */
    public SummaryStats {
        Objects.requireNonNull(edgeId, "edgeId");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(counts, "counts");
        Objects.requireNonNull(means, "means");
        if (counts.length != numClasses) {
            throw new IllegalArgumentException("counts length " + counts.length + " != C " + numClasses);
        }
        int embLen = k * numClasses * embedDim;
        if (means.length != embLen || (secondMoments != null && secondMoments.length != embLen)) {
            throw new IllegalArgumentException("embedding arrays must have K*C*e = " + embLen + " values");
        }
        int inLen = numClasses * dIn;
        if ((inputMeans != null && inputMeans.length != inLen)
                || (inputSecondMoments != null && inputSecondMoments.length != inLen)) {
            throw new IllegalArgumentException("input moment arrays must have C*dIn = " + inLen + " values");
        }
        for (long c : counts) {
            if (c < 0) {
                throw new IllegalArgumentException("negative count");
            }
        }
        if (subClusters != null) {
            if (subClusters.numClasses() != numClasses || subClusters.dim() != dIn) {
                throw new IllegalArgumentException("sub-clusters must have C = " + numClasses + " classes of dIn = "
                        + dIn + " features");
            }
            for (ClassSubClusters cs : subClusters.classes()) {
                if (cs.hasMoments() && cs.count() != counts[cs.classId()]) {
                    throw new IllegalArgumentException("class " + cs.classId() + ": sub-clusters hold " + cs.count()
                            + " rows, the class count is " + counts[cs.classId()]);
                }
            }
        }
    }

    /** Index of (k, c, j) in {@link #means} / {@link #secondMoments}. */
    public int index(int net, int c, int j) {
        return (net * numClasses + c) * embedDim + j;
    }

    /** The K·e mean-embedding vector of class c (all networks concatenated), as a new array. */
    public float[] classVector(int c) {
        return gather(means, c);
    }

    /** The K·e second-moment vector of class c, or null. */
    public float[] classSecondMoments(int c) {
        return secondMoments == null ? null : gather(secondMoments, c);
    }

    private float[] gather(float[] src, int c) {
        float[] v = new float[k * embedDim];
        for (int net = 0; net < k; net++) {
            System.arraycopy(src, index(net, c, 0), v, net * embedDim, embedDim);
        }
        return v;
    }

    /** Total samples summarised. */
    public long totalCount() {
        return Arrays.stream(counts).sum();
    }

    /**
     * Rows per class as the edge reported them: {@link #counts} plus the classes it sent as counts only (under a
     * summary v2 round's privacy floor), which carry no moments and so have count 0 in {@link #counts}.
     */
    public long[] reportedCounts() {
        if (subClusters == null) {
            return counts.clone();
        }
        long[] out = counts.clone();
        for (ClassSubClusters cs : subClusters.classes()) {
            out[cs.classId()] = Math.max(out[cs.classId()], cs.count());
        }
        return out;
    }

    /**
     * Payload size in bytes: 8 per count plus 4 per float of every array present (identifiers and headers
     * excluded). Independent of the number of samples summarised.
     */
    public long sizeBytes() {
        long floats = means.length + len(secondMoments) + len(inputMeans) + len(inputSecondMoments);
        long clusters = subClusters == null ? 0 : subClusters.sizeBytes() - 8L * numClasses; // counts once
        return 8L * counts.length + 4L * floats + clusters;
    }

    private static int len(float[] a) {
        return a == null ? 0 : a.length;
    }

    /** A copy with another kind (e.g. to mark a knowledge summary). */
    public SummaryStats withKind(SummaryKind newKind) {
        return new SummaryStats(edgeId, roundId, newKind, k, numClasses, embedDim, dIn, counts, means,
                secondMoments, inputMeans, inputSecondMoments, privacy, subClusters);
    }

    /** A copy carrying {@code clusters} as its sub-cluster statistics. */
    public SummaryStats withSubClusters(SubClusterSummary clusters) {
        return new SummaryStats(edgeId, roundId, kind, k, numClasses, embedDim, dIn, counts, means,
                secondMoments, inputMeans, inputSecondMoments, privacy, clusters);
    }

    @Override
    public String toString() {
        return "SummaryStats[" + edgeId + ", round " + roundId + ", " + kind + ", K=" + k + ", C=" + numClasses
                + ", e=" + embedDim + ", counts=" + Arrays.toString(counts) + ", dp=" + (privacy != null)
                + (subClusters == null ? "" : ", sub-clusters=" + subClusters.subClusterCount()) + "]";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SummaryStats s && edgeId.equals(s.edgeId) && roundId == s.roundId && kind == s.kind
                && k == s.k && numClasses == s.numClasses && embedDim == s.embedDim && dIn == s.dIn
                && Arrays.equals(counts, s.counts) && Arrays.equals(means, s.means)
                && Arrays.equals(secondMoments, s.secondMoments) && Arrays.equals(inputMeans, s.inputMeans)
                && Arrays.equals(inputSecondMoments, s.inputSecondMoments) && Objects.equals(privacy, s.privacy)
                && Objects.equals(subClusters, s.subClusters);
    }

    @Override
    public int hashCode() {
        return Objects.hash(edgeId, roundId, kind, Arrays.hashCode(counts), Arrays.hashCode(means));
    }
}
