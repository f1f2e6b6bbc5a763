package io.edgedistill.processor.contributions;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import io.edgedistill.core.aggregate.BackdoorScreen;
import io.edgedistill.core.aggregate.CountBound;
import io.edgedistill.core.aggregate.GlobalTargets;
import io.edgedistill.core.aggregate.PoisonDetector;
import io.edgedistill.core.aggregate.Quarantine;
import io.edgedistill.core.aggregate.TargetSnapshot;
import io.edgedistill.core.mixture.SubClusterSummary;
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
    private final BackdoorScreen backdoor;
    private final List<String> classes;
    /** Sub-clusters the last screening left out of the mixture, and those of them the one before had not. */
    private List<BackdoorScreen.Flag> leftOut = List.of();
    private List<BackdoorScreen.Flag> newlyLeftOut = List.of();
    private final double knowledgeWeight;
    private final java.util.function.Supplier<java.util.Set<String>> distrustedNow;
    /** The distrusted edges of the last screening. */
    private java.util.Set<String> distrusted = java.util.Set.of();
    private final TreeMap<String, SummaryStats> submissions = new TreeMap<>();
    private final Map<String, QuarantineEntry> quarantined = new LinkedHashMap<>();
    private TargetSnapshot targets;
    /** Submissions staged since the last screening, in arrival order. */
    private final List<SummaryStats> unscreened = new ArrayList<>();
    /** When the last screening ran (0: never). */
    private long lastScreened;

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
        this(taskId, roundId, k, numClasses, embedDim, dIn, detector, null, List.of(), knowledgeWeight, distrusted);
    }

    /**
     * @param backdoor the backdoor screen of the data summaries' sub-clusters, run on what the poisoning detector
     *                 accepted (null: off)
     * @param classes  the round's class names (for the reasons of quarantines; may be empty)
     */
    public AggregationState(String taskId, long roundId, int k, int numClasses, int embedDim, int dIn,
                            PoisonDetector detector, BackdoorScreen backdoor, List<String> classes,
                            double knowledgeWeight, java.util.function.Supplier<java.util.Set<String>> distrusted) {
        this.backdoor = backdoor;
        this.classes = List.copyOf(classes);
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
        boolean replaced = stage(s);
        Change c = recompute(now);
        return new Change(c.newlyQuarantined(), c.released(), c.targets(), replaced);
    }

    /**
     * Takes a submission without screening it yet (a re-send replaces the earlier one); the next {@link #recompute}
     * screens it with the others. Whether it replaced an earlier one.
     */
    public boolean stage(SummaryStats s) {
        if (s.roundId() != roundId || s.k() != k || s.numClasses() != numClasses || s.embedDim() != embedDim) {
            throw new IllegalArgumentException("summary " + s + " does not belong to " + taskId + " round " + roundId);
        }
        unscreened.add(s);
        return submissions.put(key(taskId, roundId, s.kind(), s.edgeId()), s) != null;
    }

    /** The submissions staged since the last screening (which the next {@link #recompute} screens), and clears them. */
    public List<SummaryStats> takeUnscreened() {
        List<SummaryStats> out = List.copyOf(unscreened);
        unscreened.clear();
        return out;
    }

    /** Whether submissions wait for a screening. */
    public boolean hasUnscreened() {
        return !unscreened.isEmpty();
    }

    /** When the last screening ran (wall clock; 0: never). */
    public long lastScreened() {
        return lastScreened;
    }

    /** Screens every submission, updates the quarantine decisions and the targets. */
    public Change recompute(long now) {
        unscreened.clear();
        lastScreened = now;
        distrusted = java.util.Set.copyOf(distrustedNow.get());
        List<SummaryStats> trusted = submissions.values().stream().filter(s -> !distrusted.contains(s.edgeId())).toList();
        PoisonDetector.Result r = screenBackdoors(detector.screen(trusted));
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

    /**
     * The backdoor screen over the data summaries the poisoning detector accepted ({@link BackdoorScreen#decide}): an
     * edge with a strong flag has its data summary quarantined too, with the flag's reason; weaker flags of the other
     * edges leave the flagged class of that edge out of the mixture ({@link #leftOut}).
     */
    private PoisonDetector.Result screenBackdoors(PoisonDetector.Result r) {
        List<BackdoorScreen.Flag> before = leftOut;
        leftOut = List.of();
        if (backdoor == null) {
            newlyLeftOut = List.of();
            return r;
        }
        List<SummaryStats> data = r.accepted().stream().filter(s -> s.kind() == SummaryKind.DATA).toList();
        double cap = CountBound.cap(data, detector.config().countCap());
        List<SubClusterSummary> clustered = new ArrayList<>();
        for (SummaryStats s : data) {
            if (s.subClusters() != null) {
                clustered.add(s.subClusters().countsBoundedBy(cap));
            }
        }
        BackdoorScreen.Decision d = backdoor.decide(clustered);
        leftOut = d.leftOut();
        java.util.Set<String> known = new java.util.HashSet<>();
        before.forEach(f -> known.add(flagKey(f)));
        newlyLeftOut = leftOut.stream().filter(f -> !known.contains(flagKey(f))).toList();
        if (d.quarantined().isEmpty()) {
            return r;
        }
        List<SummaryStats> accepted = new ArrayList<>();
        List<Quarantine> quarantined = new ArrayList<>(r.quarantined());
        for (SummaryStats s : r.accepted()) {
            List<BackdoorScreen.Flag> own = s.kind() == SummaryKind.DATA ? d.quarantined().get(s.edgeId()) : null;
            if (own == null) {
                accepted.add(s);
            } else {
                BackdoorScreen.Flag f = own.get(0);
                int more = own.size() - 1;
                quarantined.add(new Quarantine(s.edgeId(), roundId, f.classId(), f.margin(),
                        backdoor.config().quarantineMargin(), Double.NaN, f.peers(),
                        f.reason(names()) + (more > 0 ? " (and " + more + " more sub-clusters)" : "")));
            }
        }
        return new PoisonDetector.Result(accepted, quarantined);
    }

    private List<String> names() {
        return classes.isEmpty() ? null : classes;
    }

    private static String flagKey(BackdoorScreen.Flag f) {
        return f.edgeId() + "|" + f.classId() + "|" + f.component() + "|" + f.count();
    }

    /**
     * What the backdoor screen leaves out of the mixture (flags under the quarantine margin: the flagged class of an
     * edge whose contribution is otherwise accepted), as exclusions for the synthetic set's provenance.
     */
    public List<QuarantineEntry> leftOutEntries(long now) {
        List<QuarantineEntry> out = new ArrayList<>();
        for (BackdoorScreen.Flag f : leftOut) {
            out.add(leftOutEntry(f, now));
        }
        return out;
    }

    /** The flags of the last screening under the quarantine margin that the one before had not (to alert on). */
    public List<QuarantineEntry> newlyLeftOut(long now) {
        return newlyLeftOut.stream().map(f -> leftOutEntry(f, now)).toList();
    }

    private QuarantineEntry leftOutEntry(BackdoorScreen.Flag f, long now) {
        return new QuarantineEntry(taskId, roundId, f.edgeId(), SummaryKind.DATA, f.classId(), f.margin(),
                backdoor.config().margin(), Double.NaN, "class left out of the mixture, the rest of the summary kept ("
                        + f.reason(names()) + ")", now);
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

    /**
     * The sub-clusters of the accepted data summaries, each class's count bounded as in the targets
     * ({@link CountBound}, the poisoning detector's count cap: an edge that inflates its counts weighs no more in
     * the mixture than in the targets), without those the backdoor screen left out.
     */
    public List<SubClusterSummary> mixture() {
        List<SummaryStats> data = accepted().stream().filter(s -> s.kind() == SummaryKind.DATA).toList();
        double cap = CountBound.cap(data, detector.config().countCap());
        return BackdoorScreen.withoutFlagged(data.stream().filter(s -> s.subClusters() != null)
                .map(s -> s.subClusters().countsBoundedBy(cap)).toList(), leftOut);
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
