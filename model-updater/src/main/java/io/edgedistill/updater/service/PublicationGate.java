package io.edgedistill.updater.service;

import io.edgedistill.core.model.ClassificationMetrics;
import io.edgedistill.updater.config.UpdaterConfig.Training;

/**
 * The publication rule: whether a validated candidate is published or refused, and why. It sees validation
 * scores only, never a network, so the rule can be read and tested on its own.
 *
 * <p>A global model replaces the live one only if it is at least {@code minImprovement} better: a worse model
 * would reach every edge. A cohort's model is held to a tolerance instead ({@code personalisedTolerance} below
 * its reference): the cloud's validation rows do not show the cohort's traffic, so whether it is better is for
 * the edges to judge on their own labelled hold-out; the gate only keeps clearly worse models away from them.
 */
public final class PublicationGate {

    /** The score of a live model a candidate is compared with, on the same validation rows. */
    public record Reference(String modelId, long version, double macroF1) {
    }

    /**
     * The gate's answer.
     *
     * @param metrics         the candidate's scores to record and publish
     * @param previousMacroF1 the score it was compared with (null when there was nothing to compare with)
     * @param refusal         why it is refused, or null when it is published
     */
    public record Verdict(ClassificationMetrics metrics, Double previousMacroF1, String refusal) {
        public boolean publishes() {
            return refusal == null;
        }
    }

    private final double minImprovement;
    private final double personalisedTolerance;
    private final double firstModelMargin;

    public PublicationGate(double minImprovement, double personalisedTolerance) {
        this(minImprovement, personalisedTolerance, 0);
    }

    public PublicationGate(double minImprovement, double personalisedTolerance, double firstModelMargin) {
        this.minImprovement = minImprovement;
        this.personalisedTolerance = personalisedTolerance;
        this.firstModelMargin = firstModelMargin;
    }

    static PublicationGate of(Training settings) {
        return new PublicationGate(settings.minImprovement(), settings.personalisedTolerance(), settings.firstModelMargin());
    }

    /**
     * As {@link #judge(ClassificationMetrics, Reference, Reference)}, except that a task's first global model (nothing
     * to compare with) must beat {@code baselineMacroF1}, the majority-class baseline's score on the same rows, by the
     * first-model margin: a model from a set built from too little does not reach every edge.
     */
    public Verdict judge(ClassificationMetrics candidate, Reference replaced, Reference global, double baselineMacroF1) {
        if (replaced == null && global == null) {
            double floor = baselineMacroF1 + firstModelMargin;
            if (Double.isNaN(candidate.macroF1()) || candidate.macroF1() < floor) {
                return new Verdict(candidate, null, String.format("first model: macro-F1 %.4f does not beat the "
                        + "majority-class baseline (%.4f) by %.4f", candidate.macroF1(), baselineMacroF1, firstModelMargin));
            }
        }
        return judge(candidate, replaced, global);
    }

    /**
     * Judges a candidate on the validation rows as they are: a global model, or a cohort's model when the cohort
     * did not report its traffic mix. It must reach the model it replaces plus {@code minImprovement}; the first
     * model of a cohort must be at most the tolerance below the global model; the first global model always passes.
     *
     * @param candidate the candidate's scores
     * @param replaced  the live model of the same model id, or null
     * @param global    the live global model of the task, or null (only looked at when {@code replaced} is null)
     */
    public Verdict judge(ClassificationMetrics candidate, Reference replaced, Reference global) {
        double threshold;
        String against;
        Reference reference;
        if (replaced != null) {
            reference = replaced;
            threshold = replaced.macroF1() + minImprovement;
            against = "live " + replaced.modelId() + " v" + replaced.version();
        } else if (global != null) {
            reference = global;
            threshold = global.macroF1() - personalisedTolerance;
            against = "global live " + global.modelId() + " v" + global.version() + " minus tolerance "
                    + personalisedTolerance;
        } else {
            return new Verdict(candidate, null, null);
        }
        String refusal = null;
        if (Double.isNaN(candidate.macroF1()) || candidate.macroF1() < threshold) {
            refusal = String.format("macro-F1 %.4f is below %s (%.4f, threshold %.4f)", candidate.macroF1(), against,
                    reference.macroF1(), threshold);
        }
        return new Verdict(candidate, reference.macroF1(), refusal);
    }

    /**
     * Judges a cohort's candidate on the validation rows reweighted to the cohort's traffic mix: it may be at most
     * the tolerance below what the cohort runs there, and at most the tolerance below the global model on the
     * rows as they are (a cohort's model must not unlearn the other classes). A published candidate is recorded
     * with its scores on the mix; a refused one with those on the rows as they are.
     *
     * @param onMix  the candidate's scores on the cohort's mix
     * @param whole  the candidate's network's scores (before its adaptation to the mix) on the rows as they are
     * @param runs   what the cohort runs (its previous model, else the global one), scored on the mix; or null
     * @param global the live global model scored on the rows as they are, or null
     * @throws IllegalStateException when the candidate's score on the mix is not a number and there is nothing to
     *                               compare it with: no verdict is possible, the attempt fails
     */
    public Verdict judgeOnCohortMix(ClassificationMetrics onMix, ClassificationMetrics whole, Reference runs,
                                    Reference global) {
        if (Double.isNaN(onMix.macroF1()) && runs == null) {
            throw new IllegalStateException("macro-F1 on the cohort's traffic mix is not a number and the cohort "
                    + "runs no model to compare with");
        }
        String refusal = io.edgedistill.core.personal.CohortOffer.refusal(onMix.macroF1(), whole.macroF1(),
                runs == null ? Double.NaN : runs.macroF1(), runs == null ? "-" : runs.modelId() + " v" + runs.version(),
                global == null ? Double.NaN : global.macroF1(),
                global == null ? "-" : global.modelId() + " v" + global.version(), personalisedTolerance).orElse(null);
        Double previous = runs == null ? null : runs.macroF1();
        ClassificationMetrics recorded = refusal == null
                ? new ClassificationMetrics(onMix.accuracy(), onMix.macroF1(), whole.samples(), onMix.perClassF1())
                : whole;
        return new Verdict(recorded, previous, refusal);
    }
}
