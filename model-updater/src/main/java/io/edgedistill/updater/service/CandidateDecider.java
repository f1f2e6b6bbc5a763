package io.edgedistill.updater.service;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;

import io.edgedistill.core.data.Dataset;
import io.edgedistill.core.data.FeatureSpec;
import io.edgedistill.core.model.ClassificationMetrics;
import io.edgedistill.core.model.MlpModel;
import io.edgedistill.core.personal.CohortOffer;
import io.edgedistill.schemas.SyntheticSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One attempt at a new model version, start to end: trains the candidate, scores it and the live models it is
 * compared with on the same validation rows, asks the {@link PublicationGate}, and publishes a signed update when
 * the gate lets it through. For a cohort that reported its traffic mix it first chooses between two candidates
 * (see {@link #judgeOnCohortMix}). Every outcome, failures included, becomes a {@link HistoryEntry}.
 *
 * <p>Not thread-safe: the service serialises attempts.
 */
final class CandidateDecider {
    /** Decisions are logged under the service's name, as before the split, so that log filters keep working. */
    private static final Logger LOG = LoggerFactory.getLogger(ModelUpdateService.class);

    private final CandidateTrainer trainer;
    private final PublicationGate gate;
    private final ValidationRows validation;
    private final PreprocessingSpecs specs;
    private final LiveModels live;
    private final SignedPublication publication;
    private final StagedRollout rollout;

    CandidateDecider(CandidateTrainer trainer, PublicationGate gate, ValidationRows validation, PreprocessingSpecs specs,
                     LiveModels live, SignedPublication publication, StagedRollout rollout) {
        this.trainer = trainer;
        this.gate = gate;
        this.validation = validation;
        this.specs = specs;
        this.live = live;
        this.publication = publication;
        this.rollout = rollout;
    }

    /** The candidate the gate judged, and the note on which variant it is (empty for the trained student). */
    private record Judged(MlpModel model, String variant, PublicationGate.Verdict verdict) {
    }

    /**
     * Trains, judges and publishes (or refuses) a new version of the model of {@code taskId} and {@code cohort}.
     *
     * @param extra     samples added to the set (a cohort's), or none
     * @param cohortMix the cohort's class mix, or null: then the candidate is judged on the rows as they are
     */
    HistoryEntry decide(String taskId, String cohort, SyntheticSet set, FeatureSpec spec,
                        List<CandidateTrainer.Sample> extra, String trigger, double[] cohortMix) {
        return decide(taskId, cohort, set, spec, trigger, cohortMix, () -> trainer.train(set, spec, extra, cohort));
    }

    /**
     * As {@link #decide}, for a cohort's candidate that {@code training} trains (knowledge v2's fine-tune), judged on
     * the cohort's class mix when it reported one.
     */
    HistoryEntry decideCohort(String taskId, String cohort, SyntheticSet set, FeatureSpec spec, String trigger,
                              double[] cohortMix, Supplier<CandidateTrainer.Trained> training) {
        return decide(taskId, cohort, set, spec, trigger, cohortMix, training);
    }

    /**
     * Judges and publishes (or refuses) a candidate trained elsewhere (the refined model, trained off the service's
     * lock), exactly as {@link #decide} does with one it trains itself.
     */
    HistoryEntry decideTrained(String taskId, SyntheticSet set, FeatureSpec spec, CandidateTrainer.Trained trained,
                               String trigger) {
        return decide(taskId, null, set, spec, trigger, null, () -> trained);
    }

    private HistoryEntry decide(String taskId, String cohort, SyntheticSet set, FeatureSpec spec, String trigger,
                                double[] cohortMix, Supplier<CandidateTrainer.Trained> training) {
        String modelId = ModelUpdateService.modelId(taskId, cohort);
        HistoryEntry.Attempt attempt = HistoryEntry.Attempt.start(modelId, cohort, live.nextVersion(modelId), trigger,
                set.getVersion());
        try {
            if (spec.dim() != set.getFeatureDim()) {
                return HistoryEntry.failed(attempt, "synthetic set feature width " + set.getFeatureDim()
                        + " differs from its preprocessing spec's " + spec.dim());
            }
            CandidateTrainer.Trained trained = training.get();
            String specSha = specs.shaOf(set, spec);
            Dataset val = validation.under(spec, specSha, set.getClasses());
            Judged judged = cohortMix == null
                    ? judge(taskId, modelId, trained.student(), set, val)
                    : judgeOnCohortMix(taskId, modelId, trained, set, val, cohortMix);
            PublicationGate.Verdict verdict = judged.verdict();
            if (!verdict.publishes()) {
                LOG.info("Refused {} v{}: {}", modelId, attempt.version(), verdict.refusal());
                return HistoryEntry.refused(attempt, verdict.metrics(), verdict.previousMacroF1(), verdict.refusal());
            }
            MlpModel student = judged.model();
            // a new version of a global model that replaces one goes to the canaries first (staged rollout)
            LiveModel previous = live.get(modelId);
            boolean staged = cohort == null && previous != null && rollout.settings().enabled();
            Set<String> canaries = staged ? rollout.canariesFor(taskId, Instant.now()) : Set.of();
            if (staged && canaries.isEmpty()) {
                String why = "staged rollout: no edge of " + taskId + " can be a canary (none has reported a hold-out score "
                        + "under the global model in the last " + StagedRollout.RECENT.toMinutes() + " min); held back";
                LOG.warn("Held back {} v{}: {}", modelId, attempt.version(), why);
                return HistoryEntry.refused(attempt, verdict.metrics(), verdict.previousMacroF1(), why);
            }
            LiveModel published = new LiveModel(publication.publish(attempt, taskId, student, set, specs.jsonOf(set, spec),
                    verdict.metrics(), verdict.previousMacroF1(), canaries), student, spec, specSha);
            String reason = publishedReason(verdict, cohortMix == null ? "" : " on the cohort's traffic mix"
                    + judged.variant(), student);
            if (!canaries.isEmpty()) {
                live.published(modelId, attempt.version());
                rollout.started(published, previous, canaries, Instant.now());
                LOG.info("Published {} v{} (set v{}) to the canaries {}: {}", modelId, attempt.version(), set.getVersion(),
                        canaries, reason);
                return HistoryEntry.canary(attempt, verdict.metrics(), verdict.previousMacroF1(), reason + "; to the canaries "
                        + canaries + ", promoted or rolled back on their hold-out reports");
            }
            live.put(published);
            if (cohort == null) {
                rollout.fleetModel(taskId, attempt.version());
            }
            LOG.info("Published {} v{} (set v{}): {}", modelId, attempt.version(), set.getVersion(), reason);
            return HistoryEntry.published(attempt, verdict.metrics(), verdict.previousMacroF1(), reason);
        } catch (RuntimeException e) {
            LOG.error("Training or publishing {} failed", modelId, e);
            return HistoryEntry.failed(attempt, e.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }

    /**
     * A global model against the live one; a cohort's first model (no mix) against the global live model; the
     * next ones against the cohort's live model.
     */
    private Judged judge(String taskId, String modelId, MlpModel student, SyntheticSet set, Dataset val) {
        ClassificationMetrics candidate = ValidationRows.score(student, val, set.getClasses().size());
        LiveModel current = live.get(modelId);
        LiveModel global = current == null && !modelId.equals(taskId) ? live.get(taskId) : null;
        return new Judged(student, "", gate.judge(candidate, scoredAsIs(current, set), scoredAsIs(global, set),
                ValidationRows.majorityBaseline(val, set.getClasses().size()).macroF1()));
    }

    /**
     * A cohort's candidates: the trained one (knowledge v2: the fine-tuned model; v1: the student re-distilled with
     * the samples around the edge's hard examples), shifted to the cohort's class mix from the rows it was trained on,
     * and, while the cohort runs the global model, that model shifted from the fleet's class counts to the cohort's
     * mix (when it fits the set), in that order of preference: the first the gate lets through is offered
     * ({@link CohortOffer#firstOffered}). The validation rows cannot show what the edge saw, so the edge judges the
     * offer on its own labelled hold-out (the edge's ModelSlot).
     */
    private Judged judgeOnCohortMix(String taskId, String modelId, CandidateTrainer.Trained trained, SyntheticSet set,
                                    Dataset val, double[] cohortMix) {
        int c = set.getClasses().size();
        LiveModel current = live.get(modelId);
        LiveModel runs = current != null ? current : live.get(taskId);
        PublicationGate.Reference runsOnMix = runs == null ? null
                : runs.reference(validation.scoreLive(runs, set.getClasses(), cohortMix).macroF1());
        PublicationGate.Reference global = scoredAsIs(live.get(taskId), set);
        List<CohortOffer.Candidate> candidates = new ArrayList<>();
        List<String> variants = new ArrayList<>();
        candidates.add(new CohortOffer.Candidate(trained.student(),
                CohortOffer.classCounts(trained.labels(), trained.samples(), c)));
        variants.add("");
        // the global model shifted from the fleet's class counts to the cohort's mix (a cohort's own model already
        // follows its mix: offering it again would only repeat it)
        if (current == null && runs != null && runs.spec() != null && runs.spec().dim() == set.getFeatureDim()
                && runs.model().numClasses() == c) {
            candidates.add(new CohortOffer.Candidate(runs.model(), CohortPersonalisation.trainingCounts(set)));
            variants.add(" (" + runs.update().getModelId() + " v" + runs.update().getVersion()
                    + " adapted to the cohort's class mix)");
        }
        // the rule sees the network before its adaptation to the mix on the rows as they are (has the fine-tune
        // unlearnt a class?) and the adapted model on the mix
        CohortOffer.Offer<PublicationGate.Verdict> offer = CohortOffer.firstOffered(candidates, val, cohortMix,
                (onMix, whole) -> gate.judgeOnCohortMix(onMix, whole, runsOnMix, global), PublicationGate.Verdict::publishes);
        return new Judged(offer.model(), variants.get(offer.index()), offer.verdict());
    }

    /** A live model's reference score on the rows of the set's classes as they are; null for no model. */
    private PublicationGate.Reference scoredAsIs(LiveModel model, SyntheticSet set) {
        return model == null ? null : model.reference(validation.scoreLive(model, set.getClasses(), null).macroF1());
    }

    private static String publishedReason(PublicationGate.Verdict verdict, String judgedOn, MlpModel student) {
        ClassificationMetrics m = verdict.metrics();
        Double previous = verdict.previousMacroF1();
        return String.format("macro-F1 %.4f, accuracy %.4f%s%s; %s, %d parameters", m.macroF1(), m.accuracy(),
                previous == null ? " (first model)" : String.format(" vs %.4f", previous), judgedOn,
                SignedPublication.architecture(student), student.parameterCount());
    }
}
