package io.edgedistill.updater.service;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;

import io.edgedistill.schemas.EdgeStatus;

/**
 * The staged rollout of a task's global model, free of Kafka: a new version first goes to the canary edges only; the
 * canaries report, on {@code edge.status}, the macro-F1 of the model they run on their own labelled hold-out; once every
 * canary has reported on the new version, or the wait is over, the new version is <em>promoted</em> to the whole fleet
 * if the canaries' mean under it is at most {@code tolerance} below their mean under the model before it, on the
 * canaries that reported both, and <em>rolled back</em> otherwise (also when no canary reported both: nothing shows it
 * is safe). The caller publishes what is decided ({@link ModelUpdateService#tick}).
 *
 * <p>Canaries ({@link #canariesFor}): of the task's edges that can report a hold-out score under its global model, the
 * configured ones plus {@code percent} % (at least one), chosen by a stable hash of the edge id so that the same edges
 * are canaries round after round. The first model of a task goes to every edge at once: there is nothing to compare it
 * with. When no edge can be a canary, the caller holds the new version back.
 *
 * <p>Thread-safe.
 */
public final class StagedRollout {

    /**
     * @param canaryEdges   edges that get every new global model first
     * @param canaryPercent share (0-100) of the task's reporting edges added to them
     * @param tolerance     the largest drop of the canaries' mean hold-out macro-F1 that is still promoted
     * @param waitFor       how long the canaries have to report
     */
    public record Settings(Set<String> canaryEdges, int canaryPercent, double tolerance, Duration waitFor) {
        public Settings {
            canaryEdges = Set.copyOf(canaryEdges);
            if (canaryPercent < 0 || canaryPercent > 100) {
                throw new IllegalArgumentException("updater.rollout.canary-percent must be 0-100, not " + canaryPercent);
            }
            if (tolerance < 0 || waitFor.isNegative() || waitFor.isZero()) {
                throw new IllegalArgumentException("updater.rollout: tolerance must be >= 0 and wait-ms > 0");
            }
        }

        /** Everything at once: no canaries. */
        public static Settings off() {
            return new Settings(Set.of(), 0, 0.02, Duration.ofMinutes(2));
        }

        public boolean enabled() {
            return !canaryEdges.isEmpty() || canaryPercent > 0;
        }
    }

    /**
     * A version out on the canaries, waiting for their reports.
     *
     * @param candidate the canary update (signed for the canaries)
     * @param previous  the fleet's model it would replace
     * @param canaries  the edges it went to
     * @param deadline  when it is decided on whatever reports are in
     */
    public record Canary(LiveModel candidate, LiveModel previous, Set<String> canaries, Instant started, Instant deadline) {
        public String taskId() {
            return candidate.update().getModelId();
        }

        public long version() {
            return candidate.update().getVersion();
        }
    }

    /**
     * What was decided about a canary.
     *
     * @param promote      to the fleet (true) or back to the previous model (false)
     * @param newMacroF1   the canaries' mean hold-out macro-F1 under the canary version (NaN: none reported)
     * @param oldMacroF1   their mean under the previous version, on the same edges
     * @param compared     the canaries that reported both
     */
    public record Decision(Canary canary, boolean promote, double newMacroF1, double oldMacroF1, List<String> compared,
                           String reason) {
    }

    /** Scores kept per edge: its newest versions only (a canary needs two). */
    private static final int KEPT_VERSIONS = 8;

    private final Settings settings;
    /** An edge is a canary candidate only while its last report is at most this old. */
    static final Duration RECENT = Duration.ofMinutes(10);

    /** What the newest report of an edge on a task says: whether it runs the global model with a hold-out score. */
    private record Seen(String edgeId, boolean eligible, Instant at) {
    }

    /** task → edge → its newest report. */
    private final Map<String, Map<String, Seen>> fleet = new ConcurrentHashMap<>();
    /** "task|edge" → (global model version → its latest hold-out macro-F1 under that version). */
    private final Map<String, Map<Long, Double>> scores = new ConcurrentHashMap<>();
    private final Map<String, Canary> pending = new LinkedHashMap<>();
    /** task → the versions that carry the fleet's model's weights: its own, and the canaries' returns to it. */
    private final Map<String, Set<Long>> fleetWeights = new ConcurrentHashMap<>();

    public StagedRollout(Settings settings) {
        this.settings = settings;
    }

    public Settings settings() {
        return settings;
    }

    /** Takes what an edge reports, received now. */
    public void onStatus(EdgeStatus s) {
        onStatus(s, Instant.now());
    }

    /**
     * Takes what an edge reports: whether it can be a canary of its task (it runs the task's global model and reports a
     * hold-out score), its score under the model it runs, and under the global model it ran before (a baseline that
     * survives the compaction of its older reports).
     */
    public void onStatus(EdgeStatus s, Instant receivedAt) {
        boolean global = s.getTaskId().equals(s.getModelId());
        boolean scored = s.getHoldOutMacroF1() != null && !s.getHoldOutMacroF1().isNaN();
        fleet.computeIfAbsent(s.getTaskId(), t -> new ConcurrentHashMap<>())
                .put(s.getEdgeId(), new Seen(s.getEdgeId(), global && scored, receivedAt));
        if (!global) {
            return;
        }
        if (scored) {
            score(s.getTaskId(), s.getEdgeId(), s.getModelVersion(), s.getHoldOutMacroF1());
        }
        Double before = s.getPreviousHoldOutMacroF1();
        if (s.getPreviousModelVersion() > 0 && before != null && !before.isNaN()) {
            score(s.getTaskId(), s.getEdgeId(), s.getPreviousModelVersion(), before);
        }
    }

    private void score(String taskId, String edgeId, long version, double macroF1) {
        Map<Long, Double> byVersion = scores.computeIfAbsent(taskId + "|" + edgeId, e -> new ConcurrentSkipListMap<>());
        byVersion.put(version, macroF1);
        while (byVersion.size() > KEPT_VERSIONS) {
            byVersion.remove(((ConcurrentSkipListMap<Long, Double>) byVersion).firstKey());
        }
    }

    private Map<Long, Double> scores(String taskId, String edgeId) {
        return scores.getOrDefault(taskId + "|" + edgeId, Map.of());
    }

    /**
     * {@code version} of {@code taskId} is now the fleet's model: canaries are compared with it from now on, and a
     * canary of an older version is no longer pending (another updater instance decided it, or a newer model replaced
     * it).
     */
    public synchronized void fleetModel(String taskId, long version) {
        Set<Long> versions = ConcurrentHashMap.newKeySet();
        versions.add(version);
        fleetWeights.put(taskId, versions);
        Canary c = pending.get(taskId);
        if (c != null && c.version() < version) {
            pending.remove(taskId);
        }
    }

    /** {@code version} carries the fleet's model's weights again (the canaries' return to it after a rollback). */
    public void fleetWeightsAgain(String taskId, long version) {
        fleetWeights.computeIfAbsent(taskId, t -> ConcurrentHashMap.newKeySet()).add(version);
    }

    /**
     * The canaries of {@code taskId}'s next global model: of the edges that can report on it (their newest report, at
     * most {@link #RECENT} old, shows the task's global model with a hold-out score), the configured ones and the
     * share; plus the canaries of a version still pending, which the new one supersedes (none is left on an unjudged
     * version). Empty when the rollout is off, or when no edge can be a canary.
     */
    public synchronized Set<String> canariesFor(String taskId, Instant now) {
        if (!settings.enabled()) {
            return Set.of();
        }
        List<String> eligible = new ArrayList<>();
        for (Seen seen : fleet.getOrDefault(taskId, Map.of()).values()) {
            if (seen.eligible() && !seen.at().isBefore(now.minus(RECENT))) {
                eligible.add(seen.edgeId());
            }
        }
        Set<String> chosen = new TreeSet<>(settings.canaryEdges());
        chosen.retainAll(eligible);
        if (settings.canaryPercent() > 0 && !eligible.isEmpty()) {
            eligible.sort(Comparator.comparingInt(StagedRollout::stableHash).thenComparing(Comparator.naturalOrder()));
            int n = Math.max(1, (int) Math.round(eligible.size() * settings.canaryPercent() / 100.0));
            chosen.addAll(eligible.subList(0, Math.min(n, eligible.size())));
        }
        if (!chosen.isEmpty() && pending.containsKey(taskId)) {
            chosen.addAll(pending.get(taskId).canaries());
        }
        return chosen;
    }

    /** The version is out on its canaries; a newer one for the same task replaces it (its canaries judge the newer). */
    public synchronized void started(LiveModel candidate, LiveModel previous, Set<String> canaries, Instant now) {
        Canary c = new Canary(candidate, previous, Set.copyOf(canaries), now, now.plus(settings.waitFor()));
        pending.put(c.taskId(), c);
    }

    /** Forgets every pending canary (before they are rebuilt from {@code models.updates}). */
    public synchronized void clearPending() {
        pending.clear();
    }

    /** A canary whose decision could not be published: decided again at the next {@link #due}, as it was. */
    public synchronized void retry(Canary c) {
        pending.putIfAbsent(c.taskId(), new Canary(c.candidate(), c.previous(), c.canaries(), c.started(), c.started()));
    }

    /** The canary of a task waiting for its reports, if any. */
    public synchronized java.util.Optional<Canary> pending(String taskId) {
        return java.util.Optional.ofNullable(pending.get(taskId));
    }

    /** The canaries that have reported on their version, or whose wait is over, decided (and no longer pending). */
    public synchronized List<Decision> due(Instant now) {
        List<Decision> out = new ArrayList<>();
        for (Canary c : List.copyOf(pending.values())) {
            List<String> reported = new ArrayList<>();
            for (String edge : c.canaries()) {
                if (scores(c.taskId(), edge).containsKey(c.version())) {
                    reported.add(edge);
                }
            }
            boolean all = reported.size() == c.canaries().size();
            if (!all && now.isBefore(c.deadline())) {
                continue;
            }
            pending.remove(c.taskId());
            out.add(decide(c, all));
        }
        return out;
    }

    private Decision decide(Canary c, boolean allReported) {
        long before = c.previous().update().getVersion();
        // the fleet's weights under any of their versions: after a rollback the canaries run them as a newer version
        Set<Long> baseline = new TreeSet<>(fleetWeights.getOrDefault(c.taskId(), Set.of()));
        baseline.add(before);
        List<String> compared = new ArrayList<>();
        double sumNew = 0;
        double sumOld = 0;
        for (String edge : new TreeSet<>(c.canaries())) {
            Map<Long, Double> s = scores(c.taskId(), edge);
            Long old = baseline.stream().filter(s::containsKey).max(Long::compare).orElse(null);
            if (s.containsKey(c.version()) && old != null) {
                compared.add(edge);
                sumNew += s.get(c.version());
                sumOld += s.get(old);
            }
        }
        String waited = allReported ? "every canary reported" : "after waiting " + settings.waitFor().toSeconds() + " s";
        if (compared.isEmpty()) {
            return new Decision(c, false, Double.NaN, Double.NaN, compared, String.format(
                    "no canary of %s reported its hold-out macro-F1 under both v%d and v%d (%s): nothing shows it is safe",
                    c.canaries(), c.version(), before, waited));
        }
        double meanNew = sumNew / compared.size();
        double meanOld = sumOld / compared.size();
        boolean promote = meanNew >= meanOld - settings.tolerance();
        return new Decision(c, promote, meanNew, meanOld, List.copyOf(compared), String.format(
                "canaries %s (%s): hold-out macro-F1 %.4f under v%d against %.4f under v%d; %s the tolerance %.3f",
                compared, waited, meanNew, c.version(), meanOld, before, promote ? "within" : "below by more than",
                settings.tolerance()));
    }

    /** The reported edges of a task (for the history and tests). */
    public Set<String> fleet(String taskId) {
        return Set.copyOf(fleet.getOrDefault(taskId, Map.of()).keySet());
    }

    /** FNV-1a of the edge id: the same canaries every round, in any JVM. */
    private static int stableHash(String edgeId) {
        int h = 0x811c9dc5;
        for (byte b : edgeId.getBytes(StandardCharsets.UTF_8)) {
            h ^= b & 0xff;
            h *= 0x01000193;
        }
        return h;
    }
}
