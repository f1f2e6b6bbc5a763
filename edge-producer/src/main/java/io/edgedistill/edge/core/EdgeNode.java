package io.edgedistill.edge.core;

import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import io.edgedistill.core.model.ClassificationMetrics;
import io.edgedistill.core.trust.SignedTrustList;
import io.edgedistill.schemas.EdgeStatus;
import io.edgedistill.schemas.EdgeKnowledge;
import io.edgedistill.schemas.EdgeSummary;
import io.edgedistill.schemas.ModelUpdate;
import io.edgedistill.schemas.RoundSpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One edge site's logic, without Kafka, and its single entry point: rounds are answered by a
 * {@link RoundResponder} (other tasks' rounds counted by a {@link RoundTaskFilter}), models verified and swapped by
 * the {@link ModelSlot} (personalised ones judged by a {@link HoldOutCheck}), flows scored by a {@link FlowScorer},
 * and reverse-distillation knowledge sent by a {@link KnowledgeReporter}. They share the local data window held
 * here. Outputs go to an {@link EdgeOutput}; {@link EdgeRuntime} connects it to Kafka. Thread-safe.
 */
public final class EdgeNode {
    private static final Logger LOG = LoggerFactory.getLogger(EdgeNode.class);

    private final EdgeSettings settings;
    private final ModelSlot slot;
    private final AtomicReference<LocalData> data = new AtomicReference<>();
    private final AtomicLong dataGeneration = new AtomicLong();
    private final RoundResponder rounds;
    private final FlowScorer scorer;
    private final KnowledgeReporter knowledge;
    private final EdgeOutput out;

    public EdgeNode(EdgeSettings settings, LocalData data, ModelSlot slot, EdgeOutput out) {
        this(settings, data, slot, out, null);
    }

    /** @param stateDir where the edge keeps what must outlive a restart (its drift reference); null = nothing kept */
    public EdgeNode(EdgeSettings settings, LocalData data, ModelSlot slot, EdgeOutput out, java.nio.file.Path stateDir) {
        this.settings = settings;
        this.out = out;
        this.slot = slot;
        this.data.set(data);
        this.rounds = new RoundResponder(settings.edgeId(), new RoundTaskFilter(settings.edgeId(), settings.taskId()),
                this.data::get, out);
        this.scorer = new FlowScorer(settings, slot, this.data::get, out);
        this.knowledge = new KnowledgeReporter(settings, slot, this.data::get, dataGeneration::get, rounds::latestRound,
                out, stateDir == null ? null : stateDir.resolve("drift-reference.properties"));
        slot.acceptLocally(new HoldOutCheck(settings, this.data::get));
    }

    // ------------------------------------------------------------------------------------------------
    // rounds

    /**
     * Answers a round of this edge's task with its summary (sent to the output); rounds already answered are
     * ignored, rounds of other tasks are ignored and counted ({@code foreignTaskRoundsSeen} in {@link #status()}).
     */
    public Optional<EdgeSummary> onRound(RoundSpec round) {
        return rounds.onRound(round);
    }

    /** Sorts rounds read from the log by task (shared with {@link RoundIntake}, so that both count the same way). */
    RoundTaskFilter roundTasks() {
        return rounds.tasks();
    }

    // ------------------------------------------------------------------------------------------------
    // models and knowledge

    /** Offers a model update to the slot (verify, version policy, atomic swap). */
    public ModelSlot.Decision onModelUpdate(ModelUpdate update) {
        return slot.offer(update);
    }

    /**
     * Applies the operator's trust list (verified under the edge's root keys, newer than the one applied) and, when
     * the key of the running model lost the trust, falls back ({@link ModelSlot#reviewTrust()}).
     *
     * @return whether the list was applied (false: not newer than the applied one)
     * @throws SignedTrustList.Refused when it does not verify
     */
    public boolean onTrustList(SignedTrustList list) throws SignedTrustList.Refused {
        if (!slot.verifier().apply(list)) {
            return false;
        }
        LOG.info("[{}] trust list {} applied: {}", settings.edgeId(), slot.verifier().trust().sequence(),
                slot.verifier().trust().list().map(l -> l.note()).orElse(""));
        slot.reviewTrust();
        return true;
    }

    /** The live model's accuracy and macro-F1 on the local labelled window (empty without a model). */
    public Optional<ClassificationMetrics> evaluateLocal() {
        return knowledge.evaluateLocal();
    }

    /**
     * Reverse distillation ({@link KnowledgeReporter}): sends knowledge when the live model underperforms locally.
     * Sent once per (model version, data window, round).
     */
    public Optional<EdgeKnowledge> maybeSendKnowledge() {
        return knowledge.maybeSend();
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
        return scorer.score(rows, flowIds, observedAt);
    }

    public void countUnscored(long n) {
        scorer.countUnscored(n);
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
        return Optional.ofNullable(rounds.latestRound());
    }

    public Optional<ClassificationMetrics> lastEvaluation() {
        return knowledge.lastEvaluation();
    }

    /**
     * Counters for status endpoints and metrics. {@code roundsAnswered} next to {@code foreignTaskRoundsSeen}
     * (task id → rounds) shows an edge whose {@code taskId} matches no round it receives.
     */
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
        m.put("trustListSequence", slot.verifier().trust().sequence());
        m.put("trustFallbacks", slot.trustFallbacks());
        m.put("roundsAnswered", rounds.answered());
        m.put("foreignTaskRoundsSeen", rounds.tasks().foreignTaskRoundsSeen());
        m.put("latestRound", rounds.latestRound() == null ? null : rounds.latestRound().getRoundId());
        m.put("knowledgeSent", knowledge.sent());
        ClassificationMetrics e = knowledge.lastEvaluation().orElse(null);
        m.put("localMacroF1", e == null ? null : e.macroF1());
        m.put("localAccuracy", e == null ? null : e.accuracy());
        m.put("flowsScored", scorer.flowsScored());
        m.put("flowsUnscored", scorer.flowsUnscored());
        m.put("alertsSent", scorer.alertsSent());
        m.put("alertsSuppressed", scorer.alertsSuppressed());
        m.put("alertsByClass", scorer.alertsByClass());
        m.put("localData", data.get().description() + ", " + data.get().size() + " rows, class counts "
                + Arrays.toString(data.get().raw().classCounts()));
        return m;
    }

    public long roundsAnswered() {
        return rounds.answered();
    }

    /** What {@link #status()} says, as the {@code edge.status} record. */
    public EdgeStatus statusRecord() {
        DeployedModel live = slot.live();
        ModelSlot.Declined last = slot.lastDeclined();
        ClassificationMetrics e = knowledge.lastEvaluation().orElse(null);
        return EdgeStatus.newBuilder()
                .setEdgeId(settings.edgeId())
                .setTaskId(settings.taskId())
                .setModelId(live == null ? null : live.modelId())
                .setModelVersion(live == null ? 0 : live.version())
                .setSyntheticSetVersion(live == null ? -1 : live.syntheticSetVersion())
                .setAcceptedAt(live == null ? null : live.acceptedAt())
                .setModelSwaps(slot.swaps())
                .setDeclinedUpdates(slot.declinedCount())
                .setLastDeclined(last == null ? null : last.model() + ": " + last.reason())
                .setRejectedUpdates(slot.rejectedCounts().values().stream().mapToLong(Long::longValue).sum())
                .setLatestRound(rounds.latestRound() == null ? -1 : rounds.latestRound().getRoundId())
                .setRoundsAnswered(rounds.answered())
                .setKnowledgeSent(knowledge.sent())
                .setLocalMacroF1(e == null || Double.isNaN(e.macroF1()) ? null : e.macroF1())
                .setFlowsScored(scorer.flowsScored())
                .setAlertsSent(scorer.alertsSent())
                .setSentAt(Instant.now())
                .setHoldOutMacroF1(holdOutMacroF1(live))
                .setPreviousModelVersion(globalBefore(live) == null ? 0 : globalBefore(live).version())
                .setPreviousHoldOutMacroF1(holdOutMacroF1(globalBefore(live)))
                .setTrustListSequence(slot.verifier().trust().sequence())
                .setSigningKeyId(live == null ? null : live.signingKeyId())
                .build();
    }

    /** The global model the edge ran before the running global model, if any. */
    private DeployedModel globalBefore(DeployedModel live) {
        DeployedModel prev = slot.previous();
        return live == null || live.personalised() || prev == null || prev.personalised()
                || !prev.modelId().equals(live.modelId()) ? null : prev;
    }

    /** A model's macro-F1 on the labelled hold-out rows; null without a model or rows. */
    private Double holdOutMacroF1(DeployedModel m) {
        return m == null ? null : m.evaluate(data.get(), LabelledRows::heldOut).map(ClassificationMetrics::macroF1)
                .filter(f -> !Double.isNaN(f)).orElse(null);
    }

    /** Sends {@link #statusRecord()} (best effort). */
    public void sendStatus() {
        out.status(statusRecord());
    }

    /** Rounds seen per other task (task id → rounds): non-empty with no round answered means a task id mismatch. */
    public Map<String, Long> foreignTaskRoundsSeen() {
        return rounds.tasks().foreignTaskRoundsSeen();
    }

    public long knowledgeSent() {
        return knowledge.sent();
    }

    /** The live model's drift reference on this edge: its first local reading ({@link DriftWatch}). */
    public Optional<io.edgedistill.core.personal.DriftRule.Reading> driftReference() {
        return knowledge.driftReference();
    }

    /** The drift that last made the edge send knowledge: why, and the reading that showed it. */
    public Optional<DriftWatch.Detected> lastDrift() {
        return knowledge.lastDrift();
    }

    public long alertsSent() {
        return scorer.alertsSent();
    }

    public long alertsSuppressed() {
        return scorer.alertsSuppressed();
    }

    public long flowsScored() {
        return scorer.flowsScored();
    }
}
