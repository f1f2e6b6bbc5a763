package io.edgedistill.console.view;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import io.edgedistill.schemas.AlertKind;
import io.edgedistill.schemas.AttackAlert;
import io.edgedistill.schemas.ContributionKind;
import io.edgedistill.schemas.DeadLetter;
import io.edgedistill.schemas.EdgeStatus;
import io.edgedistill.schemas.Exclusion;
import io.edgedistill.schemas.ModelUpdate;
import io.edgedistill.schemas.RoundSpec;
import io.edgedistill.schemas.SyntheticSet;
import io.edgedistill.schemas.Topics;

/**
 * Everything the page shows, built from the records the console reads, for one task. Pure (no Kafka): the feed hands it
 * decoded records with their write times, and {@link #dashboard} assembles the view. Thread-safe; bounded in the things
 * that grow with time (alert buckets, deduplicated alerts), while rounds, models and edges grow with the system's
 * history as the compacted topics do.
 */
public final class ConsoleState {

    private static final Duration BUCKET = Duration.ofSeconds(10);
    /** An hour of 10 s buckets. */
    private static final int MAX_BUCKETS = 360;
    private static final int MAX_ALERT_GROUPS = 2000;
    private static final int MAX_REFUSALS = 20;
    /** Rounds and models in the view: the newest so many (the topics keep them all). */
    private static final int VIEW_ROWS = 50;
    private static final String MODEL_REFUSALS = Topics.deadLetterTopic(Topics.MODEL_UPDATES);

    private final String task;
    private final int generatedPerClass;
    private final AlertGroups alerts;
    private final TreeMap<Long, RoundSeen> rounds = new TreeMap<>();
    private final Map<String, RoundSpec> specsBySha = new HashMap<>();
    private final TreeMap<Long, SetSeen> sets = new TreeMap<>();
    private SyntheticSet newestSet;
    private final LinkedHashMap<String, ModelSeen> models = new LinkedHashMap<>();
    private final TreeMap<String, EdgeStatus> status = new TreeMap<>();
    private final Map<String, Long> alertsByClass = new TreeMap<>();
    private final Map<String, Long> alertsBySource = new TreeMap<>();
    private final Map<String, Long> alertsByEdge = new HashMap<>();
    private final TreeMap<Instant, Map<String, Long>> buckets = new TreeMap<>();
    private final Map<String, DeadLetterSeen> deadLetters = new TreeMap<>();
    /** The newest refused model updates (dead letters of models.updates), newest last. */
    private final ArrayDeque<Dashboard.Refusal> refusals = new ArrayDeque<>();
    private List<Dashboard.Lag> lag = List.of();
    private String lagError;
    private Instant lagAt;
    private long version;
    private Instant updatedAt = Instant.EPOCH;
    /** The newest set's picture, made once per set version and once more when its round's spec arrives. */
    private Dashboard.SetPicture picture;

    private record RoundSeen(Instant openedAt, List<Instant> summaries, Map<String, Long> bytesByEdge) {
    }

    private record SetSeen(long roundId, Instant at, int edges, List<Exclusion> exclusions) {
    }

    /** What the view needs of a model update (not its weights). */
    private record ModelSeen(String modelId, String cohort, long version, long setVersion, double validation, Double previous,
                             String signingKeyId, Instant createdAt, Instant at) {
        static ModelSeen of(ModelUpdate m, Instant at) {
            return new ModelSeen(m.getModelId(), m.getCohort(), m.getVersion(), m.getSyntheticSetVersion(),
                    m.getMetrics().getMacroF1(), m.getMetrics().getPreviousMacroF1(), m.getSigningKeyId(), m.getCreatedAt(), at);
        }

        String name() {
            return ConsoleState.name(modelId, version);
        }
    }

    private record DeadLetterSeen(long records, String reason, String service, Instant at) {
    }

    public ConsoleState(String task, Duration alertWindow, int generatedPerClass) {
        this.task = task;
        this.generatedPerClass = generatedPerClass;
        this.alerts = new AlertGroups(alertWindow, MAX_ALERT_GROUPS);
    }

    public String task() {
        return task;
    }

    public AlertGroups alertGroups() {
        return alerts;
    }

    public synchronized long version() {
        return version;
    }

    private void changed(Instant at) {
        version++;
        if (at.isAfter(updatedAt)) {
            updatedAt = at;
        }
    }

    public synchronized void round(RoundSpec r, Instant at) {
        if (!task.equals(r.getTaskId())) {
            return;
        }
        specsBySha.put(r.getPreprocessing().getSha256(), r);
        if (newestSet != null && newestSet.getPreprocessingSha256().equals(r.getPreprocessing().getSha256())
                && picture != null && !picture.note().isEmpty()) {
            picture = null; // drawn again, now with the mixture's rows
        }
        // summaries may be read before their round's spec (they are on other topics); a spec seen twice keeps its first time
        rounds.compute(r.getRoundId(), (k, old) -> old == null ? new RoundSeen(at, new ArrayList<>(), new HashMap<>())
                : new RoundSeen(old.openedAt() == null || at.isBefore(old.openedAt()) ? at : old.openedAt(), old.summaries(),
                old.bytesByEdge()));
        changed(at);
    }

    /** A data summary ({@code summary} true) or knowledge of a round, with its wire size. */
    public synchronized void learning(String taskId, String edgeId, long roundId, boolean summary, long bytes, Instant at) {
        if (!task.equals(taskId)) {
            return;
        }
        RoundSeen r = rounds.computeIfAbsent(roundId, k -> new RoundSeen(null, new ArrayList<>(), new HashMap<>()));
        if (summary) {
            r.summaries().add(at);
        }
        r.bytesByEdge().merge(edgeId, bytes, Long::sum);
        changed(at);
    }

    public synchronized void set(SyntheticSet s, Instant at) {
        if (!task.equals(s.getTaskId())) {
            return;
        }
        int edges = (int) s.getProvenance().getContributions().stream()
                .filter(c -> c.getKind() == ContributionKind.SUMMARY && c.getRoundId() == s.getRoundId()).count();
        sets.put(s.getVersion(), new SetSeen(s.getRoundId(), at, edges, List.copyOf(s.getProvenance().getExclusions())));
        if (newestSet == null || s.getVersion() >= newestSet.getVersion()) {
            newestSet = s;
            picture = null;
        }
        changed(at);
    }

    public synchronized void model(ModelUpdate m, Instant at) {
        if (!task.equals(m.getTaskId())) {
            return;
        }
        models.put(name(m.getModelId(), m.getVersion()), ModelSeen.of(m, at));
        changed(at);
    }

    public synchronized void status(EdgeStatus s, Instant at) {
        if (!task.equals(s.getTaskId())) {
            return;
        }
        status.merge(s.getEdgeId(), s, (a, b) -> b.getSentAt().isBefore(a.getSentAt()) ? a : b);
        changed(at);
    }

    /** An alert of this task's models, or one naming no model (a quarantined contribution). */
    public void alert(AttackAlert a) {
        if (a.getModelId() != null && !a.getModelId().equals(task) && !a.getModelId().startsWith(task + "/")) {
            return;
        }
        alerts.add(new AlertGroups.Key(a.getEdgeId(), a.getAttackClass(), a.getSource().name()), a.getKind().name(), a.getScore(),
                a.getDetail(), a.getDetectedAt());
        synchronized (this) {
            alertsBySource.merge(a.getSource().name(), 1L, Long::sum);
            if (a.getKind() != AlertKind.POISONED_CONTRIBUTION) {
                alertsByClass.merge(a.getAttackClass(), 1L, Long::sum);
                alertsByEdge.merge(a.getEdgeId(), 1L, Long::sum);
                Instant bucket = Instant.ofEpochMilli(a.getDetectedAt().toEpochMilli() / BUCKET.toMillis() * BUCKET.toMillis());
                buckets.computeIfAbsent(bucket, b -> new TreeMap<>()).merge(a.getAttackClass(), 1L, Long::sum);
                while (buckets.size() > MAX_BUCKETS) {
                    buckets.pollFirstEntry();
                }
            }
            changed(a.getDetectedAt());
        }
    }

    /** A record on a dead-letter topic; {@code letter} null when it could not be decoded (it still counts). */
    public synchronized void deadLetter(String topic, DeadLetter letter, Instant at) {
        DeadLetterSeen old = deadLetters.get(topic);
        long n = old == null ? 1 : old.records() + 1;
        deadLetters.put(topic, letter == null ? new DeadLetterSeen(n, old == null ? "(not decodable)" : old.reason(),
                old == null ? "" : old.service(), at)
                : new DeadLetterSeen(n, letter.getErrorClass() + ": " + letter.getErrorMessage(), letter.getService(), at));
        if (letter != null && topic.equals(MODEL_REFUSALS)) {
            refusals.addLast(new Dashboard.Refusal(letter.getService(), letter.getErrorClass() + ": " + letter.getErrorMessage(),
                    at.toString()));
            while (refusals.size() > MAX_REFUSALS) {
                refusals.removeFirst();
            }
        }
        changed(at);
    }

    public synchronized void lag(List<Dashboard.Lag> measured, String error, Instant at) {
        if (!measured.equals(lag) || (error == null ? lagError != null : !error.equals(lagError))) {
            changed(at);
        }
        lag = List.copyOf(measured);
        lagError = error;
        lagAt = at;
    }

    /** The view as of {@code now}, with the simulation's figures where {@code references} has them. */
    public synchronized Dashboard dashboard(References references, Instant now) {
        Map<Long, List<ModelSeen>> modelsByRound = new HashMap<>();
        List<Dashboard.Model> modelViews = new ArrayList<>();
        for (ModelSeen m : models.values()) {
            long round = sets.containsKey(m.setVersion()) ? sets.get(m.setVersion()).roundId() : -1;
            modelsByRound.computeIfAbsent(round, k -> new ArrayList<>()).add(m);
            String name = m.name();
            int running = (int) status.values().stream()
                    .filter(s -> m.modelId().equals(s.getModelId()) && s.getModelVersion() == m.version()).count();
            // an edge reports its newest decline as "<model> v<version>: <reason>"
            List<String> declined = status.values().stream()
                    .filter(s -> s.getLastDeclined() != null && s.getLastDeclined().startsWith(name + ":"))
                    .map(EdgeStatus::getEdgeId).toList();
            modelViews.add(new Dashboard.Model(name, m.modelId(), m.cohort(), m.version(), m.setVersion(), round, m.validation(),
                    m.previous(), references.heldOut().get(name), m.signingKeyId(), m.createdAt().toString(), running, declined));
        }
        List<Dashboard.Round> roundViews = new ArrayList<>();
        for (Map.Entry<Long, RoundSeen> e : rounds.entrySet()) {
            RoundSeen r = e.getValue();
            if (r.openedAt() == null) {
                continue; // summaries of a round whose spec this console has not read (yet)
            }
            List<ModelSeen> global = modelsByRound.getOrDefault(e.getKey(), List.of()).stream()
                    .filter(ms -> ms.cohort() == null).toList();
            ModelSeen last = global.isEmpty() ? null : global.get(global.size() - 1);
            String lastName = last == null ? null : last.name();
            long bytes = r.bytesByEdge().isEmpty() ? 0
                    : r.bytesByEdge().values().stream().mapToLong(Long::longValue).sum() / r.bytesByEdge().size();
            roundViews.add(new Dashboard.Round(e.getKey(), r.openedAt().toString(), r.summaries().size(), bytes,
                    global.stream().map(ModelSeen::name).toList(),
                    last == null ? null : last.validation(),
                    lastName == null ? null : references.heldOut().get(lastName), timeline(e.getKey(), r, global)));
        }
        List<Dashboard.Quarantine> quarantines = new ArrayList<>();
        Map<String, Dashboard.Quarantine> byEdgeRound = new LinkedHashMap<>();
        sets.forEach((v, s) -> s.exclusions().forEach(x -> byEdgeRound.putIfAbsent(x.getEdgeId() + "/" + x.getRoundId(),
                new Dashboard.Quarantine(x.getEdgeId(), x.getRoundId(), v, x.getReason(), x.getScore(), x.getThreshold()))));
        quarantines.addAll(byEdgeRound.values());
        List<Dashboard.Edge> fleet = new ArrayList<>();
        for (EdgeStatus s : status.values()) {
            List<Dashboard.Quarantine> q = quarantines.stream().filter(x -> x.edgeId().equals(s.getEdgeId())).toList();
            fleet.add(new Dashboard.Edge(s.getEdgeId(), s.getModelId() == null ? null : name(s.getModelId(), s.getModelVersion()),
                    s.getAcceptedAt() == null ? null : s.getAcceptedAt().toString(), s.getSentAt().toString(), s.getModelSwaps(),
                    s.getDeclinedUpdates(), s.getLastDeclined(), s.getRejectedUpdates(), s.getRoundsAnswered(),
                    s.getKnowledgeSent(), s.getLocalMacroF1(), s.getFlowsScored(), s.getAlertsSent(), q.size(),
                    q.isEmpty() ? null : q.get(q.size() - 1).reason()));
        }
        List<AlertGroups.Group> groups = alerts.groups();
        List<Dashboard.Deduplicated> dedup = groups.stream().limit(VIEW_ROWS)
                .map(g -> new Dashboard.Deduplicated(g.key().edgeId(), g.key().attackClass(), g.key().source(), g.kind(), g.count(),
                        g.first().toString(), g.last().toString(), g.maxScore(), g.firing(now, alerts.window())))
                .toList();
        List<Dashboard.Count> top = alertsByEdge.entrySet().stream()
                .sorted(Map.Entry.<String, Long>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
                .limit(5).map(e -> new Dashboard.Count(e.getKey(), e.getValue())).toList();
        List<Dashboard.Bucket> bucketViews = buckets.entrySet().stream()
                .map(e -> new Dashboard.Bucket(e.getKey().toString(), Map.copyOf(e.getValue()))).toList();
        Dashboard.Attacks attacks = new Dashboard.Attacks(alerts.alerts(), groups.size(), alerts.window().toSeconds(),
                Map.copyOf(alertsByClass), Map.copyOf(alertsBySource), top, bucketViews, dedup);
        List<Dashboard.DeadLetters> dlq = deadLetters.entrySet().stream()
                .map(e -> new Dashboard.DeadLetters(e.getKey(), e.getValue().records(), e.getValue().reason(), e.getValue().service(),
                        e.getValue().at().toString())).toList();
        Dashboard.Health health = new Dashboard.Health(lag, lagError, lagAt == null ? null : lagAt.toString(), dlq);
        String note = references.pooledMacroF1() == null
                ? "No pooled reference: in a real deployment no one holds every edge's rows, so no such figure exists."
                : "The pooled reference is the demo's: a model of the edges' architecture trained on every simulated edge's rows. "
                + "A real deployment has no such figure.";
        return new Dashboard(task, version, updatedAt.toString(),
                new Dashboard.Reference(references.pooledMacroF1(), references.pooledWhat(), note), newest(roundViews),
                newest(modelViews), List.copyOf(refusals), fleet,
                attacks, quarantines, health, picture());
    }

    /** Where a round's time went, from the records' write times: summaries, sets, models, and the edges' swaps. */
    private List<Dashboard.Step> timeline(long roundId, RoundSeen r, List<ModelSeen> global) {
        List<Dashboard.Step> steps = new ArrayList<>();
        Instant start = r.openedAt();
        if (!r.summaries().isEmpty()) {
            List<Instant> t = r.summaries().stream().sorted().toList();
            steps.add(new Dashboard.Step("summaries", seconds(start, t.get(0)), seconds(start, t.get(t.size() - 1)), t.size()));
        }
        sets.forEach((v, s) -> {
            if (s.roundId() == roundId) {
                double at = seconds(start, s.at());
                steps.add(new Dashboard.Step("set v" + v + " (" + s.edges() + " edges)", at, at, 1));
            }
        });
        for (ModelSeen ms : global) {
            double at = seconds(start, ms.at());
            steps.add(new Dashboard.Step("model v" + ms.version() + " published", at, at, 1));
            // edge.status keeps each edge's newest report only: edges that moved on to a later model leave this step
            List<Instant> swaps = status.values().stream()
                    .filter(s -> ms.modelId().equals(s.getModelId()) && s.getModelVersion() == ms.version() && s.getAcceptedAt() != null)
                    .map(EdgeStatus::getAcceptedAt).sorted().toList();
            if (!swaps.isEmpty()) {
                steps.add(new Dashboard.Step("edges on v" + ms.version(), seconds(start, swaps.get(0)),
                        seconds(start, swaps.get(swaps.size() - 1)), swaps.size()));
            }
        }
        return steps;
    }

    /** The newest set's picture, made when first asked for after it changed. */
    private Dashboard.SetPicture picture() {
        if (newestSet == null) {
            return null;
        }
        if (picture == null) {
            picture = SetPictures.of(newestSet, specsBySha.get(newestSet.getPreprocessingSha256()), generatedPerClass);
        }
        return picture;
    }

    private static <T> List<T> newest(List<T> rows) {
        return rows.size() <= VIEW_ROWS ? rows : List.copyOf(rows.subList(rows.size() - VIEW_ROWS, rows.size()));
    }

    private static double seconds(Instant start, Instant t) {
        return Duration.between(start, t).toMillis() / 1e3;
    }

    static String name(String modelId, long version) {
        return modelId + " v" + version;
    }
}
