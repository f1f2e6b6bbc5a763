package io.edgedistill.processor.contributions;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import io.edgedistill.core.aggregate.GlobalTargets;
import io.edgedistill.core.aggregate.PoisonDetector;
import io.edgedistill.core.aggregate.Quarantine;
import io.edgedistill.core.aggregate.TargetSnapshot;
import io.edgedistill.core.summary.SummaryStats;
import io.edgedistill.core.summary.SummaryKind;

/**
 * Aggregation state of one task's round, without Kafka: the latest submission of every (kind, edge) — a
 * re-send replaces the earlier one and never counts twice — screened as a whole by the {@link PoisonDetector}
 * after every change (order-independent: an early poisoned summary is excluded once enough peers arrived),
 * and the count-weighted {@link GlobalTargets} over the accepted ones. The Kafka Streams processor keeps the
 * submissions and quarantine decisions in changelogged stores and rebuilds this object from them on start.
 * Not thread-safe (owned by one stream task).
 */
public final class AggregationState {

    /** What one submission changed. */
    public record Change(List<QuarantineEntry> newlyQuarantined, List<QuarantineEntry> released,
                         TargetSnapshot targets, boolean replaced) {
    }

    private final String taskId;
    private final long roundId;
    private final int k;
    private final int numClasses;
    private final int embedDim;
    private final int dIn;
    private final PoisonDetector detector;
    private final double knowledgeWeight;
    private final java.util.function.Supplier<java.util.Set<String>> distrustedNow;
    /** The distrusted edges of the last screening. */
    private java.util.Set<String> distrusted = java.util.Set.of();
    private final TreeMap<String, SummaryStats> submissions = new TreeMap<>();
    private final Map<String, QuarantineEntry> quarantined = new LinkedHashMap<>();
    private TargetSnapshot targets;

    public AggregationState(String taskId, long roundId, int k, int numClasses, int embedDim, int dIn,
                            PoisonDetector detector, double knowledgeWeight) {
        this(taskId, roundId, k, numClasses, embedDim, dIn, detector, knowledgeWeight, java.util.Set.of());
    }

    /**
     * @param distrusted edges whose submissions are left out of the screening and the targets altogether, as if they
     *                   had never sent them (the operator distrusts them: {@code processor.contributions.distrusted-edges})
     */
    public AggregationState(String taskId, long roundId, int k, int numClasses, int embedDim, int dIn,
                            PoisonDetector detector, double knowledgeWeight, java.util.Set<String> distrusted) {
        this(taskId, roundId, k, numClasses, embedDim, dIn, detector, knowledgeWeight, () -> distrusted);
    }

    /**
     * @param distrusted the edges distrusted now (they change as the operator's trust lists apply); read at every
     *                   screening
     */
    public AggregationState(String taskId, long roundId, int k, int numClasses, int embedDim, int dIn,
                            PoisonDetector detector, double knowledgeWeight,
                            java.util.function.Supplier<java.util.Set<String>> distrusted) {
        this.distrustedNow = distrusted;
        this.taskId = taskId;
        this.roundId = roundId;
        this.k = k;
        this.numClasses = numClasses;
        this.embedDim = embedDim;
        this.dIn = dIn;
        this.detector = detector;
        this.knowledgeWeight = knowledgeWeight;
    }

    public static String key(String taskId, long roundId, SummaryKind kind, String edgeId) {
        return taskId + "|" + roundId + "|" + kind + "|" + edgeId;
    }

    public String taskId() {
        return taskId;
    }

    public long roundId() {
        return roundId;
    }

    /** Restores a stored submission and decision without screening (call {@link #recompute} afterwards). */
    public void restore(SummaryStats s, QuarantineEntry decision) {
        String key = key(taskId, roundId, s.kind(), s.edgeId());
        submissions.put(key, s);
        if (decision != null) {
            quarantined.put(key, decision);
        }
    }

    /** Adds (or replaces) a submission and re-screens the round. */
    public Change submit(SummaryStats s, long now) {
        if (s.roundId() != roundId || s.k() != k || s.numClasses() != numClasses || s.embedDim() != embedDim) {
            throw new IllegalArgumentException("summary " + s + " does not belong to " + taskId + " round " + roundId);
        }
        boolean replaced = submissions.put(key(taskId, roundId, s.kind(), s.edgeId()), s) != null;
        Change c = recompute(now);
        return new Change(c.newlyQuarantined(), c.released(), c.targets(), replaced);
    }

    /** Screens every submission, updates the quarantine decisions and the targets. */
    public Change recompute(long now) {
        distrusted = java.util.Set.copyOf(distrustedNow.get());
        List<SummaryStats> trusted = submissions.values().stream().filter(s -> !distrusted.contains(s.edgeId())).toList();
        PoisonDetector.Result r = detector.screen(trusted);
        Map<String, QuarantineEntry> next = new LinkedHashMap<>();
        Map<String, SummaryKind> kinds = new LinkedHashMap<>();
        for (SummaryStats s : trusted) {
            kinds.put(s.edgeId() + "|" + s.kind(), s.kind());
        }
        for (Quarantine q : r.quarantined()) {
            // the detector screens kinds separately; find the kind of the excluded summary
            SummaryKind kind = trusted.stream()
                    .filter(s -> s.edgeId().equals(q.edgeId()) && !r.accepted().contains(s))
                    .map(SummaryStats::kind).findFirst().orElse(SummaryKind.DATA);
            String key = key(taskId, roundId, kind, q.edgeId());
            QuarantineEntry previous = quarantined.get(key);
            next.put(key, previous != null ? previous : QuarantineEntry.of(taskId, kind, q, now));
        }
        List<QuarantineEntry> added = new ArrayList<>();
        List<QuarantineEntry> released = new ArrayList<>();
        for (Map.Entry<String, QuarantineEntry> e : next.entrySet()) {
            if (!quarantined.containsKey(e.getKey())) {
                added.add(e.getValue());
            }
        }
        for (Map.Entry<String, QuarantineEntry> e : quarantined.entrySet()) {
            if (!next.containsKey(e.getKey())) {
                released.add(e.getValue());
            }
        }
        quarantined.clear();
        quarantined.putAll(next);
        GlobalTargets g = new GlobalTargets(k, numClasses, embedDim, dIn, GlobalTargets.Weighting.COUNT,
                knowledgeWeight, detector.config().countCap());
        r.accepted().forEach(g::put);
        targets = g.snapshot();
        return new Change(added, released, targets, false);
    }

    public TargetSnapshot targets() {
        return targets;
    }

    /** Accepted submissions (kind, edge, samples), in key order. */
    public List<SummaryStats> accepted() {
        List<SummaryStats> out = new ArrayList<>();
        for (Map.Entry<String, SummaryStats> e : submissions.entrySet()) {
            if (!quarantined.containsKey(e.getKey()) && !distrusted.contains(e.getValue().edgeId())) {
                out.add(e.getValue());
            }
        }
        return out;
    }

    /** Whether the distrusted edges changed since the last screening (then {@link #recompute} again). */
    public boolean distrustChanged() {
        return !distrusted.equals(distrustedNow.get());
    }

    /** The submissions of distrusted edges, left out of the targets, as exclusions (for the set's provenance). */
    public List<QuarantineEntry> distrustedEntries(long now) {
        List<QuarantineEntry> out = new ArrayList<>();
        for (SummaryStats s : submissions.values()) {
            if (distrusted.contains(s.edgeId())) {
                out.add(new QuarantineEntry(taskId, roundId, s.edgeId(), s.kind(), -1, 0, 0, 0,
                        "distrusted by the operator (processor.contributions.distrusted-edges or the trust list): left out of the targets", now));
            }
        }
        return out;
    }

    public Collection<QuarantineEntry> quarantined() {
        return List.copyOf(quarantined.values());
    }

    public int submissionCount() {
        return submissions.size();
    }
}
