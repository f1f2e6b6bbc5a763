package io.edgedistill.processor.contributions;

import java.util.List;

import io.edgedistill.core.summary.EdgeSummary;
import io.edgedistill.core.summary.SummaryKind;
import io.edgedistill.schemas.ClassSummary;
import io.edgedistill.schemas.EdgeKnowledge;
import io.edgedistill.schemas.KnowledgeClass;
import io.edgedistill.schemas.RoundSpec;

/**
 * The one mapping between the Avro contributions ({@code EdgeSummary}, {@code EdgeKnowledge}) and the core
 * {@link EdgeSummary} the aggregation works on. Avro means are per class, network-major ({@code k*h + j});
 * core means are (K, C, e) flat. Classes an edge does not hold get count 0. Input-space moments are carried
 * over only when every present class has both mean and variance (second moment = var + mean²).
 * Call only on records that passed {@link SummaryValidator}.
 */
public final class SummaryMapper {
    private SummaryMapper() {
    }

    public static EdgeSummary toCore(io.edgedistill.schemas.EdgeSummary s, RoundSpec round) {
        int numC = round.getClasses().size();
        int k = s.getNumNetworks();
        int e = s.getEmbedDim();
        int dIn = round.getNetwork().getInputDim();
        long[] counts = new long[numC];
        float[] means = new float[k * numC * e];
        float[] second = allHave(s.getClasses(), true) ? new float[k * numC * e] : null;
        boolean input = allHaveInput(s.getClasses(), dIn);
        float[] inMean = input ? new float[numC * dIn] : null;
        float[] inSecond = input ? new float[numC * dIn] : null;
        for (ClassSummary cs : s.getClasses()) {
            int c = cs.getClassIndex();
            counts[c] = cs.getCount();
            scatter(cs.getMeans(), means, c, k, numC, e);
            if (second != null) {
                scatter(cs.getSecondMoments(), second, c, k, numC, e);
            }
            if (input) {
                fillInput(cs.getInputMean(), cs.getInputVar(), inMean, inSecond, c, dIn);
            }
        }
        return new EdgeSummary(s.getEdgeId(), s.getRoundId(), SummaryKind.DATA, k, numC, e, dIn, counts, means,
                second, inMean, inSecond, null);
    }

    public static EdgeSummary toCore(EdgeKnowledge s, RoundSpec round) {
        int numC = round.getClasses().size();
        int k = s.getNumNetworks();
        int e = s.getEmbedDim();
        int dIn = round.getNetwork().getInputDim();
        long[] counts = new long[numC];
        float[] means = new float[k * numC * e];
        boolean allSecond = !s.getClasses().isEmpty();
        boolean input = !s.getClasses().isEmpty();
        for (KnowledgeClass kc : s.getClasses()) {
            allSecond &= kc.getSecondMoments() != null;
            input &= kc.getInputMean() != null && kc.getInputVar() != null && kc.getInputMean().size() == dIn
                    && kc.getInputVar().size() == dIn;
        }
        float[] second = allSecond ? new float[k * numC * e] : null;
        float[] inMean = input ? new float[numC * dIn] : null;
        float[] inSecond = input ? new float[numC * dIn] : null;
        for (KnowledgeClass kc : s.getClasses()) {
            int c = kc.getClassIndex();
            counts[c] = kc.getCount();
            scatter(kc.getMeans(), means, c, k, numC, e);
            if (second != null) {
                scatter(kc.getSecondMoments(), second, c, k, numC, e);
            }
            if (input) {
                fillInput(kc.getInputMean(), kc.getInputVar(), inMean, inSecond, c, dIn);
            }
        }
        return new EdgeSummary(s.getEdgeId(), s.getRoundId(), SummaryKind.KNOWLEDGE, k, numC, e, dIn, counts, means,
                second, inMean, inSecond, null);
    }

    private static boolean allHave(List<ClassSummary> classes, boolean second) {
        if (classes.isEmpty()) {
            return false;
        }
        for (ClassSummary cs : classes) {
            if (cs.getSecondMoments() == null) {
                return false;
            }
        }
        return true;
    }

    private static boolean allHaveInput(List<ClassSummary> classes, int dIn) {
        if (classes.isEmpty()) {
            return false;
        }
        for (ClassSummary cs : classes) {
            if (cs.getInputMean() == null || cs.getInputVar() == null || cs.getInputMean().size() != dIn
                    || cs.getInputVar().size() != dIn) {
                return false;
            }
        }
        return true;
    }

    private static void scatter(List<Float> src, float[] dst, int c, int k, int numC, int e) {
        for (int net = 0; net < k; net++) {
            int base = (net * numC + c) * e;
            for (int j = 0; j < e; j++) {
                dst[base + j] = src.get(net * e + j);
            }
        }
    }

    private static void fillInput(List<Float> mean, List<Float> var, float[] inMean, float[] inSecond, int c, int dIn) {
        for (int j = 0; j < dIn; j++) {
            float m = mean.get(j);
            inMean[c * dIn + j] = m;
            inSecond[c * dIn + j] = (float) (var.get(j) + (double) m * m);
        }
    }
}
