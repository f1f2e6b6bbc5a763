package io.edgedistill.processor.contributions;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

import io.edgedistill.core.mixture.ClassSubClusters;
import io.edgedistill.core.mixture.SubClusterOptions;
import io.edgedistill.core.mixture.SubClusterSummary;
import io.edgedistill.core.summary.SummaryStats;
import io.edgedistill.core.summary.SummaryKind;
import io.edgedistill.schemas.EdgeKnowledge;
import io.edgedistill.schemas.EdgeSummary;
import io.edgedistill.schemas.RoundSpec;
import io.edgedistill.schemas.SubClusterMoments;
import io.edgedistill.schemas.mapping.RoundSpecs;
import io.edgedistill.schemas.mapping.SubClusterMapping;

/**
 * The one reading of the two Avro contributions, {@code SummaryStats} (an edge's data summary) and
 * {@code EdgeKnowledge} (its reverse-distillation knowledge): their checks against the task's current round
 * and their mapping to the core {@link SummaryStats} the aggregation works on.
 *
 * <p>Why one class: both records carry the same per-class statistics (class index, count, K·h embedding
 * means, optional second moments and input-space mean and variance) and differ only in fields the processor
 * does not read. Each record is first read into one private view; validation and mapping are written
 * once over that view, so a rule changed here changes for both topics and the two paths cannot drift apart.
 * The only differences are the core {@link SummaryKind} and the noun in messages ("summary has no classes").
 *
 * <p>Validation (docs/design.md §2): the task has a round and the contribution is of the current one, K and h
 * match the round, every class index is in the class list and appears once, counts are ≥ 1, every vector has
 * K·h (or d_in) finite floats, and the edge id equals the record key. Mapping: Avro means are per class,
 * network-major ({@code k*h + j}); core means are (K, C, e) flat. Classes an edge does not hold get count 0.
 * Second moments are carried over only when every present class has them, input-space moments only when
 * every present class has both mean and variance of length d_in (second moment = var + mean²). Map only what
 * passed validation. Pure and thread-safe.
 *
 * @param <T> the Avro record type
 */
public final class ContributionAdapter<T> {

    /** Data summaries from {@code edge.summaries}. */
    public static final ContributionAdapter<EdgeSummary> SUMMARIES =
            new ContributionAdapter<>(SummaryKind.DATA, "summary", s -> new Contribution(s.getTaskId(), s.getEdgeId(),
                    s.getRoundId(), s.getNumNetworks(), s.getEmbedDim(), s.getClasses().stream()
                    .map(c -> new ClassStatistics(c.getClassIndex(), c.getCount(), c.getMeans(), c.getSecondMoments(),
                            c.getInputMean(), c.getInputVar(), c.getSubClusters())).toList()));

    /** Reverse-distillation knowledge from {@code edge.knowledge}. */
    public static final ContributionAdapter<EdgeKnowledge> KNOWLEDGE =
            new ContributionAdapter<>(SummaryKind.KNOWLEDGE, "knowledge", s -> new Contribution(s.getTaskId(),
                    s.getEdgeId(), s.getRoundId(), s.getNumNetworks(), s.getEmbedDim(), s.getClasses().stream()
                    .map(c -> new ClassStatistics(c.getClassIndex(), c.getCount(), c.getMeans(), c.getSecondMoments(),
                            c.getInputMean(), c.getInputVar(), null)).toList()));

    /** What the processor reads of a contribution, whichever topic it came from. */
    private record Contribution(String taskId, String edgeId, long roundId, int numNetworks, int embedDim,
                                List<ClassStatistics> classes) {
    }

    /**
     * One class of a contribution: embedding means (K·h, network-major) and optional second moments, input-space
     * mean and variance (d_in each), and sub-cluster statistics (summary v2). Empty means: the class is sent as
     * its count only (under a v2 round's privacy floor).
     */
    private record ClassStatistics(int classIndex, long count, List<Float> means, List<Float> secondMoments,
                                   List<Float> inputMean, List<Float> inputVar, List<SubClusterMoments> subClusters) {

        boolean hasInputMoments(int dIn) {
            return inputMean != null && inputVar != null && inputMean.size() == dIn && inputVar.size() == dIn;
        }

        boolean countOnly() {
            return means.isEmpty();
        }
    }

    private final SummaryKind kind;
    private final String noun;
    private final Function<T, Contribution> reader;

    private ContributionAdapter(SummaryKind kind, String noun, Function<T, Contribution> reader) {
        this.kind = kind;
        this.noun = noun;
        this.reader = reader;
    }

    /** The task the contribution is for (the aggregation's key). */
    public String taskId(T record) {
        return reader.apply(record).taskId();
    }

    /** The edge the contribution claims to come from (what its signature must match). */
    public String edgeId(T record) {
        return reader.apply(record).edgeId();
    }

    /**
     * Why the contribution cannot be aggregated in {@code current} (the task's current round, null when the task
     * has none); empty when it can. {@code key} is the record key, which must be the edge id.
     */
    public List<String> violations(T record, String key, RoundSpec current) {
        Contribution c = reader.apply(record);
        List<String> v = new ArrayList<>();
        if (!c.edgeId().equals(key)) {
            v.add("edgeId '" + c.edgeId() + "' does not match the record key '" + key + "'");
        }
        if (!roundKnown(v, c.taskId(), c.roundId(), current)) {
            return v;
        }
        if (c.numNetworks() != current.getNetwork().getCount()) {
            v.add("numNetworks " + c.numNetworks() + " != round's " + current.getNetwork().getCount());
        }
        if (c.embedDim() != current.getNetwork().getEmbedDim()) {
            v.add("embedDim " + c.embedDim() + " != round's " + current.getNetwork().getEmbedDim());
        }
        if (c.classes().isEmpty()) {
            v.add(noun + " has no classes");
        }
        int len = c.numNetworks() * c.embedDim();
        int dIn = current.getNetwork().getInputDim();
        Optional<SubClusterOptions> v2 = RoundSpecs.subClusterOptions(current);
        Set<Integer> seen = new HashSet<>();
        for (ClassStatistics cs : c.classes()) {
            int ci = cs.classIndex();
            if (!classOk(v, ci, current, seen)) {
                continue;
            }
            if (cs.count() < 1) {
                v.add("class " + ci + ": count " + cs.count() + " < 1");
            }
            if (cs.countOnly()) {
                SubClusterChecks.countOnly(v, ci, cs.count(), cs.secondMoments(), cs.inputMean(), cs.subClusters(), v2);
                continue;
            }
            SubClusterChecks.clusters(v, ci, cs.count(), cs.subClusters(), cs.inputMean(), v2, dIn);
            vector(v, "class " + ci + " means", cs.means(), len);
            vector(v, "class " + ci + " secondMoments", cs.secondMoments(), len);
            vector(v, "class " + ci + " inputMean", cs.inputMean(), dIn);
            vector(v, "class " + ci + " inputVar", cs.inputVar(), dIn);
        }
        return v;
    }

    /** The core summary of a contribution that passed {@link #violations} against {@code round}. */
    public SummaryStats toCore(T record, RoundSpec round) {
        Contribution c = reader.apply(record);
        int numC = round.getClasses().size();
        int k = c.numNetworks();
        int e = c.embedDim();
        int dIn = round.getNetwork().getInputDim();
        List<ClassStatistics> classes = c.classes().stream().filter(cs -> !cs.countOnly()).toList();
        boolean withSecond = !classes.isEmpty() && classes.stream().allMatch(cs -> cs.secondMoments() != null);
        boolean withInput = !classes.isEmpty() && classes.stream().allMatch(cs -> cs.hasInputMoments(dIn));
        long[] counts = new long[numC];
        float[] means = new float[k * numC * e];
        float[] second = withSecond ? new float[k * numC * e] : null;
        float[] inMean = withInput ? new float[numC * dIn] : null;
        float[] inSecond = withInput ? new float[numC * dIn] : null;
        for (ClassStatistics cs : classes) {
            int ci = cs.classIndex();
            counts[ci] = cs.count();
            scatter(cs.means(), means, ci, k, numC, e);
            if (withSecond) {
                scatter(cs.secondMoments(), second, ci, k, numC, e);
            }
            if (withInput) {
                fillInput(cs.inputMean(), cs.inputVar(), inMean, inSecond, ci, dIn);
            }
        }
        return new SummaryStats(c.edgeId(), c.roundId(), kind, k, numC, e, dIn, counts, means, second, inMean,
                inSecond, null, subClusters(c, round));
    }

    /**
     * The contribution's sub-cluster statistics: when the round asks for them and every class with moments
     * carries them (an edge of summary v1 answering a v2 round sends none). Count-only classes keep their count
     * here, and only here: the embedding targets are built from classes with moments.
     */
    private static SubClusterSummary subClusters(Contribution c, RoundSpec round) {
        Optional<SubClusterOptions> v2 = RoundSpecs.subClusterOptions(round);
        boolean all = c.classes().stream().allMatch(cs -> cs.countOnly() || cs.subClusters() != null);
        if (v2.isEmpty() || !all) {
            return null;
        }
        int numC = round.getClasses().size();
        List<ClassSubClusters> perClass = new ArrayList<>(numC);
        for (int ci = 0; ci < numC; ci++) {
            perClass.add(new ClassSubClusters(ci, 0, List.of()));
        }
        for (ClassStatistics cs : c.classes()) {
            perClass.set(cs.classIndex(), SubClusterMapping.fromWire(cs.classIndex(), cs.count(),
                    cs.countOnly() ? null : cs.subClusters()));
        }
        return new SubClusterSummary(c.edgeId(), numC, round.getNetwork().getInputDim(), v2.get().kMin(), perClass);
    }

    private static boolean roundKnown(List<String> v, String taskId, long roundId, RoundSpec current) {
        if (current == null) {
            v.add("unknown task '" + taskId + "': no round has been published for it");
            return false;
        }
        if (roundId != current.getRoundId()) {
            v.add("unknown or stale round " + roundId + " of task '" + taskId + "' (current round is "
                    + current.getRoundId() + ")");
            return false;
        }
        return true;
    }

    private static boolean classOk(List<String> v, int c, RoundSpec r, Set<Integer> seen) {
        if (c < 0 || c >= r.getClasses().size()) {
            v.add("classIndex " + c + " outside the round's " + r.getClasses().size() + " classes");
            return false;
        }
        if (!seen.add(c)) {
            v.add("classIndex " + c + " appears twice");
            return false;
        }
        return true;
    }

    /** Adds a violation when {@code values} is present but not {@code expected} finite floats; true when it is fine. */
    static boolean vector(List<String> v, String what, List<Float> values, int expected) {
        if (values == null) {
            return true;
        }
        if (values.size() != expected) {
            v.add(what + " has " + values.size() + " floats, expected " + expected);
            return false;
        }
        for (int i = 0; i < values.size(); i++) {
            float f = values.get(i);
            if (!Float.isFinite(f)) {
                v.add(what + "[" + i + "] is not finite (" + f + ")");
                return false;
            }
        }
        return true;
    }


    /** Avro (network-major per class) → core (network, class, dimension). */
    private static void scatter(List<Float> src, float[] dst, int c, int k, int numC, int e) {
        for (int net = 0; net < k; net++) {
            int base = (net * numC + c) * e;
            for (int j = 0; j < e; j++) {
                dst[base + j] = src.get(net * e + j);
            }
        }
    }

    private static void fillInput(List<Float> mean, List<Float> var, float[] inMean, float[] inSecond, int c,
                                  int dIn) {
        for (int j = 0; j < dIn; j++) {
            float m = mean.get(j);
            inMean[c * dIn + j] = m;
            inSecond[c * dIn + j] = (float) (var.get(j) + (double) m * m);
        }
    }
}
