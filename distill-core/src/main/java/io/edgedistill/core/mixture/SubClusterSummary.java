package io.edgedistill.core.mixture;

import java.util.ArrayList;
import java.util.List;

/**
 * One edge's sub-cluster summary: per class a count and sub-clusters, every sub-cluster holding at least
 * {@code kMin} rows (the privacy floor, checked here so that a summary that breaks it cannot be built).
 *
 * @param edgeId     edge identifier
 * @param numClasses number of classes C
 * @param dim        feature dimension d
 * @param kMin       privacy floor: minimum rows per sub-cluster
 * @param classes    one entry per class, in class order
 */
public record SubClusterSummary(String edgeId, int numClasses, int dim, int kMin, List<ClassSubClusters> classes) {

    /** Bytes of one count on the wire (as {@code SummaryStats}: a long). */
    public static final int COUNT_BYTES = 8;

    /** Validates shapes and the floor; the list is copied. */
    public SubClusterSummary {
        if (edgeId == null || numClasses <= 0 || dim <= 0 || kMin < 1) {
            throw new IllegalArgumentException("invalid summary header");
        }
        classes = List.copyOf(classes);
        if (classes.size() != numClasses) {
            throw new IllegalArgumentException(classes.size() + " class entries for " + numClasses + " classes");
        }
        for (int c = 0; c < numClasses; c++) {
            ClassSubClusters cc = classes.get(c);
            if (cc.classId() != c) {
                throw new IllegalArgumentException("class entries out of order at " + c);
            }
            for (SubCluster s : cc.clusters()) {
                if (s.dim() != dim) {
                    throw new IllegalArgumentException("sub-cluster of dimension " + s.dim() + ", summary " + dim);
                }
                if (s.count() < kMin) {
                    throw new IllegalArgumentException("class " + c + " has a sub-cluster of " + s.count()
                            + " rows, below the floor " + kMin);
                }
            }
        }
    }

    /** Total sub-clusters over all classes. */
    public int subClusterCount() {
        return classes.stream().mapToInt(c -> c.clusters().size()).sum();
    }

    /** Class counts, in class order. */
    public long[] counts() {
        long[] n = new long[numClasses];
        for (ClassSubClusters c : classes) {
            n[c.classId()] = c.count();
        }
        return n;
    }

    /**
     * Payload bytes with {@code bytesPerFloat} per mean or variance value (4 for float32, 2 for float16): a
     * count per class and per sub-cluster, 2·d values per sub-cluster. Identifiers and headers excluded, as for
     * {@code SummaryStats#sizeBytes()}.
     */
    public long sizeBytes(int bytesPerFloat) {
        if (bytesPerFloat != 2 && bytesPerFloat != 4) {
            throw new IllegalArgumentException("float16 (2) or float32 (4) bytes per value");
        }
        long m = subClusterCount();
        return COUNT_BYTES * (numClasses + m) + (long) bytesPerFloat * 2L * dim * m;
    }

    /**
     * This summary with every mean and variance rounded to float16 (what the cloud would receive over a float16
     * wire format); counts unchanged.
     */
    public SubClusterSummary roundedToFloat16() {
        List<ClassSubClusters> out = new ArrayList<>(classes.size());
        for (ClassSubClusters c : classes) {
            List<SubCluster> ks = new ArrayList<>(c.clusters().size());
            for (SubCluster k : c.clusters()) {
                ks.add(new SubCluster(k.count(), HalfPrecision.round(k.mean()), HalfPrecision.round(k.variance())));
            }
            out.add(new ClassSubClusters(c.classId(), c.count(), ks));
        }
        return new SubClusterSummary(edgeId, numClasses, dim, kMin, out);
    }

    /**
     * This summary with every class count bounded by {@code cap} (a self-reported count weighs at most that much
     * in the cloud's mixture: {@code CountBound}). A class above it keeps its sub-clusters, their counts scaled by
     * cap / count (at least 1 each): they are then mixture weights, not rows, so the result's floor is 1. Classes at
     * or under the bound keep their counts; with none above it, this summary is returned.
     */
    public SubClusterSummary countsBoundedBy(double cap) {
        boolean any = false;
        for (ClassSubClusters c : classes) {
            any |= c.count() > cap;
        }
        if (!any) {
            return this;
        }
        List<ClassSubClusters> out = new ArrayList<>(classes.size());
        for (ClassSubClusters c : classes) {
            if (c.count() <= cap) {
                out.add(c);
                continue;
            }
            double f = cap / c.count();
            List<SubCluster> ks = new ArrayList<>(c.clusters().size());
            long total = 0;
            for (SubCluster k : c.clusters()) {
                long n = Math.max(1, Math.round(k.count() * f));
                ks.add(new SubCluster(n, k.mean(), k.variance()));
                total += n;
            }
            out.add(new ClassSubClusters(c.classId(), ks.isEmpty() ? Math.max(1, Math.round(cap)) : total, ks));
        }
        return new SubClusterSummary(edgeId, numClasses, dim, 1, out);
    }

    /** Payload bytes with float32 values. */
    public long sizeBytes() {
        return sizeBytes(4);
    }
}
