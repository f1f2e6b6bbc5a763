package io.edgedistill.updater.service;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import io.edgedistill.core.data.FeatureSpec;
import io.edgedistill.core.model.MlpModel;
import io.edgedistill.core.model.ModelFormat;
import io.edgedistill.core.model.ModelFormatException;
import io.edgedistill.core.util.Engines;
import io.edgedistill.schemas.AlertKind;
import io.edgedistill.schemas.AlertSource;
import io.edgedistill.schemas.AttackAlert;
import io.edgedistill.schemas.EdgeKnowledge;
import io.edgedistill.schemas.EdgeStatus;
import io.edgedistill.schemas.ModelUpdate;
import io.edgedistill.schemas.SyntheticSet;
import io.edgedistill.schemas.Topics;
import io.edgedistill.updater.config.UpdaterConfig.Training;
import io.edgedistill.updater.signing.UpdateSigner;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The model-updater's logic, free of Kafka (docs/design.md §3.5): for every new synthetic-set version of a task it
 * trains the cloud teacher (on rows generated from the set's sub-cluster mixture plus its samples, or on the samples
 * alone when the set carries no mixture), distils the small edge student, validates it on the
 * held-out validation rows preprocessed with the set's spec, and publishes a signed {@link ModelUpdate} only
 * when it is not worse than the live model; refusals are recorded in the history. Edge knowledge (reverse
 * distillation) produces a personalised student for the edge's cohort, trained on the synthetic set plus
 * samples drawn around the input moments of the classes the edge's model gets wrong; cohorts that sent
 * knowledge are re-personalised on every new synthetic set.
 *
 * <p>This class decides <em>what</em> to train when an input arrives and keeps the history; the work is done by
 * {@link CandidateDecider} (one attempt: {@link CandidateTrainer}, {@link ValidationRows},
 * {@link PublicationGate}, {@link SignedPublication}) and {@link CohortPersonalisation}.
 *
 * <p>Thread-safe: state changes are serialised; readers get snapshots.
 */
public final class ModelUpdateService implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ModelUpdateService.class);
    /** Weight encoding name: {@link ModelFormat} version 1. */
    public static final String FORMAT = SignedPublication.FORMAT;

    private final UpdateSigner signer;
    private final ModelPublisher publisher;
    private final Training settings;
    private final Map<String, String> cohortOfEdge;
    private final PreprocessingSpecs specs = new PreprocessingSpecs();
    private final ValidationRows validation;
    private final LiveModels live = new LiveModels();
    private final CandidateTrainer trainer;
    private final CandidateDecider decider;
    private final CohortPersonalisation personalisation;
    private final CohortLedger cohorts = new CohortLedger();
    private final NoveltyLedger novelty;
    private final DecisionHistory history = new DecisionHistory();
    private final Map<String, SyntheticSet> latestSets = new ConcurrentHashMap<>();
    private final Map<String, SyntheticSet> pendingSets = new LinkedHashMap<>();
    private final Refiner refiner;
    private final SignedPublication publication;
    private final StagedRollout rollout;
    private final AlertPublisher alerts;
    /** Updates for some edges seen while restoring, per model id in topic order: sorted out once the fleet's are known. */
    private final Map<String, List<ModelUpdate>> restoredCanaries = new LinkedHashMap<>();
    /** Canary updates kept per model id between restorations (the newest and the returns to the fleet's model after it). */
    private static final int KEPT_CANARIES = 8;
    /**
     * model id → the newest synthetic-set version a model on {@code models.updates} was built from, as restored or
     * followed (another updater instance's publications): a set whose model is already out is not trained again.
     */
    private final Map<String, Long> publishedFromSet = new ConcurrentHashMap<>();

    /**
     * Every new model to every edge at once (no staged rollout).
     *
     * @param settings     how candidates are trained and judged
     * @param cohortOfEdge edge id → cohort; edges not listed form their own cohort
     */
    public ModelUpdateService(ValidationSource validationSource, UpdateSigner signer, ModelPublisher publisher,
                              Training settings, Map<String, String> cohortOfEdge) {
        this(validationSource, signer, publisher, settings, cohortOfEdge, StagedRollout.Settings.off(), AlertPublisher.none());
    }

    /**
     * @param rolloutSettings the staged rollout of global models ({@link StagedRollout})
     * @param alerts          where a rolled-back canary is reported
     */
    public ModelUpdateService(ValidationSource validationSource, UpdateSigner signer, ModelPublisher publisher,
                              Training settings, Map<String, String> cohortOfEdge, StagedRollout.Settings rolloutSettings,
                              AlertPublisher alerts) {
        this.signer = signer;
        this.publisher = publisher;
        this.settings = settings;
        this.cohortOfEdge = Map.copyOf(cohortOfEdge);
        this.validation = new ValidationRows(validationSource);
        this.trainer = new CandidateTrainer(settings);
        this.novelty = new NoveltyLedger(settings.novelty().corroboratingEdges(), settings.novelty().approved());
        this.personalisation = new CohortPersonalisation(settings);
        this.publication = new SignedPublication(signer, publisher);
        this.rollout = new StagedRollout(rolloutSettings);
        this.alerts = alerts;
        this.decider = new CandidateDecider(trainer, PublicationGate.of(settings), validation, specs, live, publication,
                rollout);
        this.refiner = new Refiner(trainer::trainRefined, this::publishRefined);
    }

    // ------------------------------------------------------------------------------------------------
    // inputs

    /**
     * Makes a preprocessing spec known (from a round spec or configuration). Returns the sets that were
     * waiting for it, processed.
     *
     * @param declaredSha the SHA-256 the sender declared for the JSON (may be blank); the spec is indexed by
     *                    it and by the SHA-256 of the JSON's UTF-8 bytes
     */
    public synchronized List<HistoryEntry> registerPreprocessing(String json, String declaredSha) {
        PreprocessingSpecs.Registration r = specs.register(json, declaredSha);
        if (r.isNew()) {
            LOG.info("Preprocessing spec {} registered ({} features, {} classes)", r.sha().substring(0, 12),
                    r.spec().dim(), r.spec().classNames().size());
        }
        List<HistoryEntry> out = new ArrayList<>();
        for (SyntheticSet s : new ArrayList<>(pendingSets.values())) {
            if (specs.knows(s.getPreprocessingSha256())) {
                pendingSets.remove(s.getTaskId());
                out.addAll(onSyntheticSet(s));
            }
        }
        return out;
    }

    /**
     * Handles a synthetic-set version: trains, validates and publishes (or refuses) the task's global model,
     * then refreshes the personalised models of cohorts that sent knowledge. Older or repeated versions are
     * skipped; a set whose preprocessing spec is not known yet waits for it.
     */
    public synchronized List<HistoryEntry> onSyntheticSet(SyntheticSet set) {
        String task = set.getTaskId();
        SyntheticSet current = latestSets.get(task);
        if (current != null && set.getVersion() <= current.getVersion()) {
            LOG.info("Synthetic set {} v{} skipped: v{} already handled", task, set.getVersion(), current.getVersion());
            return List.of();
        }
        Long published = publishedFromSet.get(task);
        if (published != null && set.getVersion() <= published) {
            if (specs.forNewSet(set) != null) {
                latestSets.put(task, set); // cohorts' knowledge is judged against it
            }
            LOG.info("Synthetic set {} v{} skipped: a model built from set v{} is already on {} (published before this "
                    + "instance took over, or before it restarted)", task, set.getVersion(), published, Topics.MODEL_UPDATES);
            return List.of();
        }
        FeatureSpec spec = specs.forNewSet(set);
        if (spec == null) {
            pendingSets.put(task, set);
            LOG.info("Synthetic set {} v{} waits for preprocessing spec {}", task, set.getVersion(),
                    set.getPreprocessingSha256());
            return List.of();
        }
        latestSets.put(task, set);
        List<HistoryEntry> out = new ArrayList<>();
        SyntheticSet trainOn = novelty.withAdopted(set);
        String adopted = trainOn == set ? "" : ", with adopted novelty: " + novelty.describe(task);
        out.add(history.record(decider.decide(task, null, trainOn, spec, List.of(), "synthetic-set v" + set.getVersion()
                + adopted, null)));
        if (settings.generated().refines() && CandidateTrainer.hasMixture(set)) {
            refiner.request(trainOn, spec);
        }
        for (EdgeKnowledge k : cohorts.knowledgeOfTask(task)) {
            out.add(personalise(k, set, spec, "refresh on synthetic-set v" + set.getVersion()));
        }
        return out;
    }

    /**
     * Judges and publishes the refined model of a set, unless a newer set of the task has arrived meanwhile (its own
     * refined model is on the way then).
     */
    private synchronized void publishRefined(Refiner.Request r, CandidateTrainer.Trained trained) {
        SyntheticSet set = r.set();
        SyntheticSet newest = latestSets.get(set.getTaskId());
        if (newest != null && newest.getVersion() != set.getVersion()) {
            LOG.info("Refined model of {} set v{} dropped: set v{} arrived meanwhile", set.getTaskId(), set.getVersion(),
                    newest.getVersion());
            return;
        }
        history.record(decider.decideTrained(set.getTaskId(), set, r.spec(), trained,
                "synthetic-set v" + set.getVersion() + ", refined"));
    }

    /** Stops the background refinement. */
    @Override
    public void close() {
        refiner.close();
    }

    /**
     * Handles reverse-distillation knowledge from an edge: trains a personalised student for the edge's
     * cohort. Repeated knowledge about the same deployed model and synthetic set is skipped.
     */
    public synchronized Optional<HistoryEntry> onKnowledge(EdgeKnowledge knowledge) {
        String task = knowledge.getTaskId();
        String cohort = cohortOf(knowledge.getEdgeId());
        String modelId = modelId(task, cohort);
        String trigger = "knowledge from " + knowledge.getEdgeId();
        SyntheticSet set = latestSets.get(task);
        if (set == null) {
            return Optional.of(history.record(HistoryEntry.skipped(modelId, cohort, trigger, -1,
                    "no synthetic set of task " + task + " yet")));
        }
        adoptNovelty(knowledge, set);
        if (!cohorts.firstTime(modelId, knowledge, set)) {
            LOG.debug("Knowledge from {} about {} already handled", knowledge.getEdgeId(),
                    CohortLedger.key(knowledge, set));
            return Optional.empty();
        }
        int used = cohorts.personalisations(modelId, set);
        if (used >= settings.maxPersonalisationsPerSet()) {
            return Optional.of(history.record(HistoryEntry.skipped(modelId, cohort, trigger, set.getVersion(),
                    "already personalised " + used + " times on synthetic set v" + set.getVersion()
                            + " (limit updater.training.max-personalisations-per-set); waiting for a new set")));
        }
        cohorts.countPersonalisation(modelId, set);
        EdgeKnowledge merged = CohortPersonalisation.merge(cohorts.knowledge(modelId), knowledge);
        HistoryEntry e = personalise(merged, set, specs.forAcceptedSet(set), trigger + " (model "
                + knowledge.getModelId() + " v" + knowledge.getModelVersion() + ", local macro-F1 "
                + String.format("%.3f", knowledge.getLocalMacroF1()) + ")");
        if (e.status() != HistoryEntry.Status.SKIPPED && e.status() != HistoryEntry.Status.FAILED) {
            cohorts.remember(modelId, merged); // re-personalised on every new synthetic set
        }
        return Optional.of(e);
    }

    /**
     * Records the knowledge's sub-clusters in the {@link NoveltyLedger}; when that adopts a class, a new global candidate
     * is trained on the newest set with the adopted sub-clusters and judged as any global candidate.
     */
    private void adoptNovelty(EdgeKnowledge knowledge, SyntheticSet set) {
        FeatureSpec spec = specs.forAcceptedSet(set);
        List<String> newly = novelty.record(knowledge, set, spec == null ? -1 : spec.benignIndex());
        if (newly.isEmpty() || spec == null || !CandidateTrainer.hasMixture(set)) {
            return;
        }
        String task = set.getTaskId();
        LOG.info("Novelty adopted for {}: {}", task, novelty.describe(task));
        history.record(decider.decide(task, null, novelty.withAdopted(set), spec, List.of(), "novelty adopted: "
                + String.join(", ", newly) + " (knowledge from " + knowledge.getEdgeId() + "), synthetic-set v"
                + set.getVersion() + " with " + novelty.describe(task), null));
    }

    /**
     * Restores a live model from the compacted updates topic at start-up, and takes what the active instance publishes
     * while this one is a standby, so versions stay monotonic, the refusal test compares against what edges run and a
     * set whose model is out is not trained again. Updates that fail to parse are ignored with a warning.
     */
    public synchronized void restoreLive(ModelUpdate update) {
        live.published(update.getModelId(), update.getVersion());
        publishedFromSet.merge(update.getModelId(), update.getSyntheticSetVersion(), Math::max);
        if (!update.getAudience().isEmpty()) {
            List<ModelUpdate> canaries = restoredCanaries.computeIfAbsent(update.getModelId(), m -> new ArrayList<>());
            if (canaries.stream().noneMatch(c -> c.getVersion() == update.getVersion())) {
                canaries.add(update);
            }
            if (canaries.size() > KEPT_CANARIES) {
                canaries.remove(0); // the oldest: only the newest canary and the returns after it matter
            }
            return; // for some edges only: not the fleet's model
        }
        LiveModel prev = live.get(update.getModelId());
        if (prev != null && prev.update().getVersion() >= update.getVersion()) {
            return;
        }
        try {
            MlpModel model = ModelFormat.read(bytes(update.getWeights()));
            String json = update.getPreprocessing();
            FeatureSpec spec = json == null || json.isBlank() ? null : FeatureSpec.fromJson(json);
            String sha = json == null ? "" : PreprocessingSpecs.sha256(json);
            if (spec != null) {
                specs.keep(sha, spec, json);
            }
            live.put(new LiveModel(update, model, spec, sha));
            if (update.getCohort() == null) {
                rollout.fleetModel(update.getModelId(), update.getVersion());
            }
            LOG.info("Restored live model {} v{}", update.getModelId(), update.getVersion());
        } catch (ModelFormatException | RuntimeException e) {
            LOG.warn("Ignoring unreadable model update {} v{} while restoring: {}", update.getModelId(),
                    update.getVersion(), e.getMessage());
        }
    }

    /**
     * Ends the restoration: a canary newer than the fleet's model whose weights differ from it (not the canaries' return
     * to the fleet's model) was waiting for its canaries' reports when the updater stopped; it waits again, a full
     * {@code updater.rollout.wait-ms} from now.
     */
    public synchronized void finishRestore(Instant now) {
        rollout.clearPending(); // rebuilt from what models.updates says now: another instance may have decided them
        for (List<ModelUpdate> updates : restoredCanaries.values()) {
            ModelUpdate newest = updates.stream().max(java.util.Comparator.comparingLong(ModelUpdate::getVersion)).orElseThrow();
            LiveModel fleet = live.get(newest.getModelId());
            if (fleet == null) {
                continue;
            }
            for (ModelUpdate u : updates) {
                if (u.getVersion() > fleet.update().getVersion() && u.getSha256().equals(fleet.update().getSha256())) {
                    rollout.fleetWeightsAgain(u.getModelId(), u.getVersion()); // a canaries' return to the fleet's model
                }
            }
            if (newest.getVersion() <= fleet.update().getVersion() || newest.getSha256().equals(fleet.update().getSha256())) {
                continue;
            }
            try {
                LiveModel candidate = new LiveModel(newest, ModelFormat.read(bytes(newest.getWeights())), fleet.spec(),
                        fleet.specSha());
                rollout.started(candidate, fleet, Set.copyOf(newest.getAudience()), now);
                LOG.info("Resumed the staged rollout of {} v{} on the canaries {}", newest.getModelId(), newest.getVersion(),
                        newest.getAudience());
            } catch (ModelFormatException e) {
                LOG.warn("Ignoring unreadable canary {} v{} while restoring: {}", newest.getModelId(), newest.getVersion(),
                        e.getMessage());
            }
        }
        restoredCanaries.clear();
    }

    // ------------------------------------------------------------------------------------------------
    // staged rollout

    /** What an edge reports on {@code edge.status}: the fleet and the canaries' hold-out scores. */
    public void onStatus(EdgeStatus status) {
        rollout.onStatus(status);
    }

    /**
     * Decides the canaries that have reported or waited long enough: a promoted version goes to every edge (the same
     * weights, the next version, signed for everyone) and becomes the fleet's model; a rolled-back one is answered by
     * the fleet's model, as the next version, for the canaries only, and an alert. Returns the decisions.
     */
    public synchronized List<HistoryEntry> tick(Instant now) {
        List<HistoryEntry> out = new ArrayList<>();
        for (StagedRollout.Decision d : rollout.due(now)) {
            StagedRollout.Canary c = d.canary();
            String modelId = c.taskId();
            long version = live.nextVersion(modelId);
            try {
                if (d.promote()) {
                    ModelUpdate promoted = publication.republish(c.candidate().update(), version, List.of());
                    live.put(new LiveModel(promoted, c.candidate().model(), c.candidate().spec(), c.candidate().specSha()));
                    rollout.fleetModel(modelId, version);
                    LOG.info("Promoted {} v{} to every edge as v{}: {}", modelId, c.version(), version, d.reason());
                } else {
                    publication.republish(c.previous().update(), version, c.canaries());
                    live.published(modelId, version);
                    rollout.fleetWeightsAgain(modelId, version);
                    LOG.warn("Rolled back {} v{} on the canaries {} (they get v{} = the fleet's v{} again): {}", modelId,
                            c.version(), c.canaries(), version, c.previous().update().getVersion(), d.reason());
                    alerts.publish(rollbackAlert(c, version, d));
                }
                out.add(history.record(HistoryEntry.rollout(modelId, d.promote(), version,
                        c.candidate().update().getSyntheticSetVersion(), d.newMacroF1(), d.oldMacroF1(),
                        (d.promote() ? "v" + c.version() + " promoted to every edge: " : "v" + c.version()
                                + " rolled back, the canaries get the fleet's v" + c.previous().update().getVersion() + " back: ")
                                + d.reason())));
            } catch (RuntimeException e) {
                LOG.error("Publishing the end of the staged rollout of {} v{} failed; it is decided again", modelId,
                        c.version(), e);
                rollout.retry(c);
            }
        }
        return out;
    }

    /** The canary of a task waiting for its canaries' reports. */
    public Optional<StagedRollout.Canary> pendingCanary(String taskId) {
        return rollout.pending(taskId);
    }

    private static AttackAlert rollbackAlert(StagedRollout.Canary c, long version, StagedRollout.Decision d) {
        Instant now = Instant.now();
        return AttackAlert.newBuilder()
                .setAlertId("rollback-" + c.taskId() + "-v" + c.version())
                .setKind(AlertKind.MODEL_ROLLED_BACK)
                .setSource(AlertSource.UPDATER)
                .setEdgeId(String.join(",", new java.util.TreeSet<>(c.canaries())))
                .setAttackClass("model-rollback")
                .setScore(Double.isNaN(d.newMacroF1()) ? 1.0 : Math.max(0, d.oldMacroF1() - d.newMacroF1()))
                .setModelId(c.taskId())
                .setModelVersion(c.version())
                .setDetail("canary v" + c.version() + " withdrawn, the canaries run the fleet's model again as v" + version
                        + ": " + d.reason())
                .setObservedAt(c.started())
                .setDetectedAt(now)
                .build();
    }

    /**
     * Loads the validation rows and warms the tensor engine, so that the first synthetic set does not pay for
     * either; called once at start-up, off the Kafka loop.
     */
    public void warmUp() {
        validation.raw();
        LOG.info("Tensor engine warmed up in {} ms", Engines.warmUp().toMillis());
        publisher.prime();
        long t0 = System.nanoTime();
        trainer.warmUp();
        LOG.info("Training path warmed up in {} ms", (System.nanoTime() - t0) / 1_000_000);
    }

    // ------------------------------------------------------------------------------------------------
    // queries

    /** The decisions so far, oldest first (bounded). */
    /** {@code listener} sees every decision from now on (the metrics of training time per outcome). */
    public void onDecision(java.util.function.Consumer<HistoryEntry> listener) {
        history.onRecord(listener);
    }

    /** Distinct edges whose knowledge makes the global model adopt a class (0 = by approval only). */
    public int noveltyCorroboratingEdges() {
        return settings.novelty().corroboratingEdges();
    }

    public List<HistoryEntry> history() {
        return history.entries();
    }

    /** The live model of a model id. */
    public Optional<LiveModel> live(String modelId) {
        return Optional.ofNullable(live.get(modelId));
    }

    /** All live models. */
    public Collection<LiveModel> liveModels() {
        return live.all();
    }

    /** Decisions so far with the given status, not bounded. */
    public long count(HistoryEntry.Status status) {
        return history.count(status);
    }

    public UpdateSigner signer() {
        return signer;
    }

    public String validationDescription() {
        return validation.describe();
    }

    /** The cohort of an edge: as configured, else the edge on its own. */
    private String cohortOf(String edgeId) {
        return cohortOfEdge.getOrDefault(edgeId, edgeId);
    }

    public static String modelId(String taskId, String cohort) {
        return cohort == null ? taskId : taskId + "/" + cohort;
    }

    // ------------------------------------------------------------------------------------------------

    /**
     * A personalised model for the cohort of the knowledge's edge: the set plus samples around the cohort's hard
     * classes, judged on the cohort's traffic mix when it reported one. Skipped when the knowledge has no usable
     * input moments.
     */
    private HistoryEntry personalise(EdgeKnowledge k, SyntheticSet set, FeatureSpec spec, String trigger) {
        String cohort = cohortOf(k.getEdgeId());
        var v2 = CandidateTrainer.hasMixture(set) && spec.dim() == set.getFeatureDim()
                ? CohortPersonalisation.v2(k, set, io.edgedistill.core.mixture.ColumnLayout.of(spec))
                : java.util.Optional.<CohortPersonalisation.CohortKnowledge>empty();
        if (v2.isPresent()) {
            return history.record(decider.decideCohort(set.getTaskId(), cohort, set, spec, trigger + ", knowledge v2",
                    CohortPersonalisation.trafficMix(k, set),
                    () -> trainer.trainCohort(set, spec, startingModel(k, set, spec), v2.get(), cohort)));
        }
        List<CandidateTrainer.Sample> extra = personalisation.samplesAround(k, set);
        if (extra.isEmpty()) {
            return history.record(HistoryEntry.skipped(modelId(set.getTaskId(), cohort), cohort, trigger,
                    set.getVersion(), "knowledge carries no usable input moments (differential privacy drops them, "
                            + "or feature width differs): nothing to personalise on"));
        }
        return history.record(decider.decide(set.getTaskId(), cohort, set, spec, extra, trigger,
                CohortPersonalisation.trafficMix(k, set)));
    }

    /**
     * The model a cohort's fine-tune starts from: the one the knowledge was measured on when that is the cohort's live
     * model (its hard shares are relative to it), else the live global model, each only when trained under this set's
     * preprocessing; else the global student this set gives without adopted novelty (trained here).
     */
    private MlpModel startingModel(EdgeKnowledge k, SyntheticSet set, FeatureSpec spec) {
        String sha = specs.shaOf(set, spec);
        LiveModel cohortModel = live.get(modelId(set.getTaskId(), cohortOf(k.getEdgeId())));
        if (cohortModel != null && cohortModel.update().getModelId().equals(k.getModelId())
                && cohortModel.update().getVersion() == k.getModelVersion() && fits(cohortModel, set, sha)) {
            return cohortModel.model();
        }
        LiveModel g = live.get(set.getTaskId());
        if (g != null && fits(g, set, sha)) {
            return g.model();
        }
        return trainer.globalStudent(set, spec);
    }

    private static boolean fits(LiveModel m, SyntheticSet set, String sha) {
        return m.spec() != null && sha.equals(m.specSha()) && m.model().inputDim() == set.getFeatureDim()
                && m.model().numClasses() == set.getClasses().size();
    }

    static byte[] bytes(ByteBuffer buffer) {
        ByteBuffer b = buffer.duplicate();
        byte[] out = new byte[b.remaining()];
        b.get(out);
        return out;
    }
}
