package io.edgedistill.edge.core;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import io.edgedistill.core.data.Dataset;
import io.edgedistill.core.model.ClassificationMetrics;
import io.edgedistill.core.model.ReverseDistiller;
import io.edgedistill.core.summary.EdgeSummarizer;
import io.edgedistill.core.summary.SummaryKind;
import io.edgedistill.schemas.AlertKind;
import io.edgedistill.schemas.AlertSource;
import io.edgedistill.schemas.AttackAlert;
import io.edgedistill.schemas.EdgeKnowledge;
import io.edgedistill.schemas.EdgeSummary;
import io.edgedistill.schemas.ModelUpdate;
import io.edgedistill.schemas.RoundSpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One edge site's logic, without Kafka: answers rounds with summaries, verifies and swaps models, scores its
 * own flows and raises alerts, evaluates the live model on its labelled window and sends reverse-distillation
 * knowledge when it underperforms. Outputs go to an {@link EdgeOutput}; {@link EdgeRuntime} connects it to
 * Kafka. Thread-safe.
 */
public final class EdgeNode {
    private static final Logger LOG = LoggerFactory.getLogger(EdgeNode.class);
    private static final String BENIGN = "Benign";

    private final EdgeSettings settings;
    private final ModelSlot slot;
    private final EdgeOutput out;
    private final AtomicReference<LocalData> data = new AtomicReference<>();
    private final AtomicLong dataGeneration = new AtomicLong();
    private final AtomicReference<RoundSpec> latestRound = new AtomicReference<>();
    private final AtomicLong roundsAnswered = new AtomicLong();
    private final AtomicLong knowledgeSent = new AtomicLong();
    private final AtomicLong alertsSent = new AtomicLong();
    private final AtomicLong alertsSuppressed = new AtomicLong();
    private final AtomicLong flowsScored = new AtomicLong();
    private final AtomicLong flowsUnscored = new AtomicLong();
    private final Map<String, AtomicLong> alertsByClass = new ConcurrentHashMap<>();
    private final Map<String, Long> lastRoundAnswered = new HashMap<>();
    private volatile String lastKnowledgeKey = "";
    private volatile ClassificationMetrics lastEvaluation;
    private long alertSecond;
    private int alertsThisSecond;

    public EdgeNode(EdgeSettings settings, LocalData data, ModelSlot slot, EdgeOutput out) {
        this.settings = settings;
        this.slot = slot;
        this.out = out;
        this.data.set(data);
        slot.acceptLocally(this::declinePersonalised);
    }

    // ------------------------------------------------------------------------------------------------
    // rounds

    /**
     * Answers a round of this edge's task with its summary (sent to the output); rounds of other tasks and
     * rounds already answered are ignored.
     */
    public Optional<EdgeSummary> onRound(RoundSpec round) {
        if (!settings.taskId().equals(round.getTaskId())) {
            return Optional.empty();
        }
        synchronized (lastRoundAnswered) {
            Long last = lastRoundAnswered.get(round.getTaskId());
            if (last != null && round.getRoundId() <= last) {
                return Optional.empty();
            }
            latestRound.set(round);
            long t0 = System.nanoTime();
            EdgeSummary s = SummaryAnswerer.answer(settings.edgeId(), data.get(), round);
            out.summary(s);
            lastRoundAnswered.put(round.getTaskId(), round.getRoundId()); // only once sent: a failure is retried
            roundsAnswered.incrementAndGet();
            logAnswered(round, s, t0);
            return Optional.of(s);
        }
    }

    private void logAnswered(RoundSpec round, EdgeSummary s, long t0) {
        LOG.info("[{}] answered round {}/{}: {} classes, K={}, e={}, dp={} in {} ms", settings.edgeId(),
                round.getTaskId(), round.getRoundId(), s.getClasses().size(), s.getNumNetworks(), s.getEmbedDim(),
                s.getPrivacy() != null, (System.nanoTime() - t0) / 1_000_000);
    }

    // ------------------------------------------------------------------------------------------------
    // models

    /** Offers a model update to the slot (verify, version policy, atomic swap). */
    public ModelSlot.Decision onModelUpdate(ModelUpdate update) {
        return slot.offer(update);
    }

    /** The live model's accuracy and macro-F1 on the local labelled window (empty without a model). */
    public Optional<ClassificationMetrics> evaluateLocal() {
        DeployedModel m = slot.live();
        if (m == null) {
            return Optional.empty();
        }
        Optional<ClassificationMetrics> cm = m.evaluate(data.get());
        cm.ifPresent(c -> lastEvaluation = c);
        return cm;
    }

    /**
     * Every {@code HOLD_OUT_EVERY}-th local row is held out of the knowledge the edge sends, so that it can judge
     * a personalised model trained on that knowledge on rows the model has not learnt from.
     */
    static final int HOLD_OUT_EVERY = 4;

    static boolean heldOut(int row) {
        return row % HOLD_OUT_EVERY == HOLD_OUT_EVERY - 1;
    }

    /**
     * The edge's acceptance check of a personalised candidate ({@link ModelSlot.LocalAcceptance}): its macro-F1
     * on the labelled hold-out rows must beat the running model's by {@code personalisedMinGain}. Without labelled
     * local rows there is nothing to judge on, and the cloud's validation stands.
     */
    Optional<String> declinePersonalised(DeployedModel candidate, DeployedModel running) {
        LocalData d = data.get();
        Optional<ClassificationMetrics> c = candidate.evaluate(d, EdgeNode::heldOut);
        Optional<ClassificationMetrics> r = running.evaluate(d, EdgeNode::heldOut);
        if (c.isEmpty() || r.isEmpty()) {
            return Optional.empty();
        }
        double fc = c.get().macroF1();
        double fr = r.get().macroF1();
        LOG.info("[{}] local check of personalised {}: macro-F1 {} vs running {}'s {} on {} held-out rows", settings.edgeId(),
                candidate, fmt(fc), running, fmt(fr), c.get().samples());
        if (fc >= fr + settings.personalisedMinGain()) {
            return Optional.empty();
        }
        return Optional.of(String.format(java.util.Locale.ROOT,
                "macro-F1 %.3f on %d held-out local rows is not %.3f above the running %s's %.3f", fc, c.get().samples(),
                settings.personalisedMinGain(), running, fr));
    }

    /** Local rows under a model's preprocessing with labels in its class indexing (unknown classes dropped). */
    record Labelled(float[] x, int[] y, int n, int[] rows) {
    }

    static Labelled labelled(DeployedModel m, LocalData d) {
        return labelled(m, d, row -> true);
    }

    /** The same, only of the local rows {@code keepRow} accepts. */
    static Labelled labelled(DeployedModel m, LocalData d, java.util.function.IntPredicate keepRow) {
        Dataset ds = d.preprocessed(m.specJson());
        int[] map = new int[ds.numClasses()];
        for (int c = 0; c < map.length; c++) {
            map[c] = m.classes().indexOf(ds.classNames().get(c));
        }
        int dim = ds.dim();
        int keep = 0;
        for (int i = 0; i < ds.size(); i++) {
            if (map[ds.y()[i]] >= 0 && keepRow.test(i)) {
                keep++;
            }
        }
        float[] x = new float[keep * dim];
        int[] y = new int[keep];
        int[] rows = new int[keep];
        int r = 0;
        for (int i = 0; i < ds.size(); i++) {
            int lab = map[ds.y()[i]];
            if (lab >= 0 && keepRow.test(i)) {
                System.arraycopy(ds.x(), i * dim, x, r * dim, dim);
                y[r] = lab;
                rows[r++] = i;
            }
        }
        return new Labelled(x, y, keep, rows);
    }

    /**
     * Reverse distillation (DESIGN §3.5): when the live model's local macro-F1 is below the threshold, sends
     * per true class the embedding statistics (under the latest round's networks) of only the samples it
     * misclassifies or is unsure of. Sent once per (model version, data window, round).
     */
    public Optional<EdgeKnowledge> maybeSendKnowledge() {
        DeployedModel m = slot.live();
        RoundSpec round = latestRound.get();
        if (m == null || round == null) {
            return Optional.empty();
        }
        String key = m.modelId() + "@" + m.version() + "|data" + dataGeneration.get() + "|round" + round.getRoundId();
        if (key.equals(lastKnowledgeKey)) {
            return Optional.empty();
        }
        LocalData d = data.get();
        Labelled l = labelled(m, d);
        if (l.n == 0) {
            return Optional.empty();
        }
        float[] proba = m.model().predictProba(l.x, l.n);
        int c = m.classes().size();
        int[] pred = new int[l.n];
        for (int i = 0; i < l.n; i++) {
            int best = 0;
            for (int j = 1; j < c; j++) {
                if (proba[i * c + j] > proba[i * c + best]) {
                    best = j;
                }
            }
            pred[i] = best;
        }
        ClassificationMetrics cm = ClassificationMetrics.of(l.y, pred, c);
        lastEvaluation = cm;
        lastKnowledgeKey = key;
        if (cm.macroF1() >= settings.knowledgeThreshold()) {
            LOG.info("[{}] {} performs well locally (macro-F1 {}, accuracy {}): no knowledge sent", settings.edgeId(),
                    m, fmt(cm.macroF1()), fmt(cm.accuracy()));
            return Optional.empty();
        }
        EdgeSummarizer summarizer = SummaryAnswerer.summarizer(round);
        ReverseDistiller distiller = new ReverseDistiller(summarizer, settings.confidenceThreshold());
        int[] hard = distiller.select(m.model(), l.x, l.n, l.y);
        // the hard rows under the round's preprocessing, labels in the round's class indexing
        Dataset roundView = d.preprocessed(round.getPreprocessing().getJson());
        List<String> roundClasses = round.getClasses();
        int dim = roundView.dim();
        int cr = roundClasses.size();
        long[] totals = new long[cr];
        long[] wrong = new long[cr];
        int[] modelToRound = new int[c];
        for (int j = 0; j < c; j++) {
            modelToRound[j] = roundClasses.indexOf(m.classes().get(j));
        }
        for (int i = 0; i < l.n; i++) {
            int rc = modelToRound[l.y[i]];
            if (rc >= 0) {
                totals[rc]++;
                if (pred[i] != l.y[i] && !heldOut(l.rows[i])) { // "of which misclassified": summarised rows only
                    wrong[rc]++;
                }
            }
        }
        List<Integer> keep = new ArrayList<>();
        for (int h : hard) {
            if (modelToRound[l.y[h]] >= 0 && !heldOut(l.rows[h])) { // held-out rows judge personalised models
                keep.add(h);
            }
        }
        float[] xs = new float[keep.size() * dim];
        int[] ys = new int[keep.size()];
        for (int r = 0; r < keep.size(); r++) {
            int row = l.rows[keep.get(r)];
            System.arraycopy(roundView.x(), row * dim, xs, r * dim, dim);
            ys[r] = modelToRound[l.y[keep.get(r)]];
        }
        io.edgedistill.core.summary.EdgeSummary ks = summarizer.summarize(settings.edgeId(), round.getRoundId(),
                SummaryKind.KNOWLEDGE, xs, keep.size(), ys, cr);
        EdgeKnowledge k = EdgeKnowledge.newBuilder()
                .setEdgeId(settings.edgeId())
                .setTaskId(settings.taskId())
                .setRoundId(round.getRoundId())
                .setModelId(m.modelId())
                .setModelVersion(m.version())
                .setWindowStart(d.windowStart())
                .setWindowEnd(d.windowEnd())
                .setNumNetworks(ks.k())
                .setEmbedDim(ks.embedDim())
                .setConfidenceThreshold(settings.confidenceThreshold())
                .setClasses(SummaryAnswerer.knowledgeClasses(ks, wrong, totals))
                .setLocalAccuracy(cm.accuracy())
                .setLocalMacroF1(cm.macroF1())
                .setProducedAt(Instant.now())
                .setClassTotals(java.util.Arrays.stream(totals).boxed().toList())
                .build();
        out.knowledge(k);
        knowledgeSent.incrementAndGet();
        LOG.info("[{}] {} underperforms locally (macro-F1 {} < {}): sent knowledge on {} hard samples in {} classes",
                settings.edgeId(), m, fmt(cm.macroF1()), settings.knowledgeThreshold(), keep.size(),
                k.getClasses().size());
        return Optional.of(k);
    }

    private static String fmt(double v) {
        return String.format("%.3f", v);
    }

    // ------------------------------------------------------------------------------------------------
    // scoring

    /**
     * Scores local rows (flows this edge just sent) with the live model in one batch and raises an alert
     * for every flow predicted as an attack with probability at or above the threshold (rate-limited).
     *
     * @return alerts raised
     */
    public int score(int[] rows, String[] flowIds, Instant[] observedAt) {
        DeployedModel m = slot.live();
        if (m == null || rows.length == 0) {
            flowsUnscored.addAndGet(rows.length);
            return 0;
        }
        Dataset ds = data.get().preprocessed(m.specJson());
        int d = ds.dim();
        float[] x = new float[rows.length * d];
        for (int i = 0; i < rows.length; i++) {
            System.arraycopy(ds.x(), (rows[i] % ds.size()) * d, x, i * d, d);
        }
        float[] p = m.model().predictProba(x, rows.length);
        int c = m.classes().size();
        int raised = 0;
        Instant now = Instant.now();
        for (int i = 0; i < rows.length; i++) {
            int best = 0;
            for (int j = 1; j < c; j++) {
                if (p[i * c + j] > p[i * c + best]) {
                    best = j;
                }
            }
            String cls = m.classes().get(best);
            if (BENIGN.equalsIgnoreCase(cls) || p[i * c + best] < settings.alertThreshold()) {
                continue;
            }
            if (!allowAlert(now.getEpochSecond())) {
                alertsSuppressed.incrementAndGet();
                continue;
            }
            out.alert(AttackAlert.newBuilder()
                    .setAlertId(UUID.randomUUID().toString())
                    .setKind(AlertKind.NETWORK_ATTACK)
                    .setSource(AlertSource.EDGE)
                    .setEdgeId(settings.edgeId())
                    .setFlowId(flowIds == null ? null : flowIds[i])
                    .setAttackClass(cls)
                    .setScore(p[i * c + best])
                    .setModelId(m.modelId())
                    .setModelVersion(m.version())
                    .setDetail("edge-local detection")
                    .setObservedAt(observedAt == null ? now : observedAt[i])
                    .setDetectedAt(now)
                    .build());
            alertsByClass.computeIfAbsent(cls, k -> new AtomicLong()).incrementAndGet();
            alertsSent.incrementAndGet();
            raised++;
        }
        flowsScored.addAndGet(rows.length);
        return raised;
    }

    private synchronized boolean allowAlert(long second) {
        if (second != alertSecond) {
            alertSecond = second;
            alertsThisSecond = 0;
        }
        if (alertsThisSecond >= settings.maxAlertsPerSecond()) {
            return false;
        }
        alertsThisSecond++;
        return true;
    }

    // ------------------------------------------------------------------------------------------------
    // data and status

    /** Replaces the local window (e.g. drifted traffic); the next evaluation may send knowledge again. */
    public void replaceData(LocalData newData) {
        data.set(newData);
        dataGeneration.incrementAndGet();
        LOG.info("[{}] local data replaced: {}", settings.edgeId(), newData.description());
    }

    public LocalData data() {
        return data.get();
    }

    public long dataGeneration() {
        return dataGeneration.get();
    }

    public ModelSlot slot() {
        return slot;
    }

    public EdgeSettings settings() {
        return settings;
    }

    /** "modelId vN" of the running model, or "none". */
    public String runningVersion() {
        DeployedModel m = slot.live();
        return m == null ? "none" : m.toString();
    }

    public Optional<RoundSpec> latestRound() {
        return Optional.ofNullable(latestRound.get());
    }

    public Optional<ClassificationMetrics> lastEvaluation() {
        return Optional.ofNullable(lastEvaluation);
    }

    public void countUnscored(long n) {
        flowsUnscored.addAndGet(n);
    }

    /** Counters for status endpoints and metrics. */
    public Map<String, Object> status() {
        Map<String, Object> m = new LinkedHashMap<>();
        DeployedModel live = slot.live();
        DeployedModel prev = slot.previous();
        m.put("edgeId", settings.edgeId());
        m.put("taskId", settings.taskId());
        m.put("cohortModelId", slot.cohortModelId());
        m.put("running", live == null ? null : Map.of("modelId", live.modelId(), "version", live.version(),
                "sha256", live.sha256(), "syntheticSetVersion", live.syntheticSetVersion(),
                "acceptedAt", live.acceptedAt().toString()));
        m.put("previous", prev == null ? null : prev.toString());
        m.put("modelSwaps", slot.swaps());
        m.put("personalisedDeclined", slot.declinedCount());
        ModelSlot.Declined last = slot.lastDeclined();
        m.put("lastDeclined", last == null ? null : Map.of("model", last.model(), "reason", last.reason(), "at", last.at().toString()));
        m.put("rejectedUpdates", slot.rejectedCounts());
        m.put("roundsAnswered", roundsAnswered.get());
        m.put("latestRound", latestRound.get() == null ? null : latestRound.get().getRoundId());
        m.put("knowledgeSent", knowledgeSent.get());
        ClassificationMetrics e = lastEvaluation;
        m.put("localMacroF1", e == null ? null : e.macroF1());
        m.put("localAccuracy", e == null ? null : e.accuracy());
        m.put("flowsScored", flowsScored.get());
        m.put("flowsUnscored", flowsUnscored.get());
        m.put("alertsSent", alertsSent.get());
        m.put("alertsSuppressed", alertsSuppressed.get());
        Map<String, Long> byClass = new LinkedHashMap<>();
        alertsByClass.forEach((k, v) -> byClass.put(k, v.get()));
        m.put("alertsByClass", byClass);
        m.put("localData", data.get().description() + ", " + data.get().size() + " rows, class counts "
                + Arrays.toString(data.get().raw().classCounts()));
        return m;
    }

    public long roundsAnswered() {
        return roundsAnswered.get();
    }

    public long knowledgeSent() {
        return knowledgeSent.get();
    }

    public long alertsSent() {
        return alertsSent.get();
    }

    public long alertsSuppressed() {
        return alertsSuppressed.get();
    }

    public long flowsScored() {
        return flowsScored.get();
    }
}
