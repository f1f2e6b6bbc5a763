package io.edgedistill.updater.service;

import java.util.List;
import java.util.SplittableRandom;

import io.edgedistill.core.data.Dataset;
import io.edgedistill.core.data.FeatureSpec;
import io.edgedistill.core.data.Sampling;
import io.edgedistill.core.mixture.ColumnLayout;
import io.edgedistill.core.mixture.GeneratedTraining;
import io.edgedistill.core.mixture.MixtureOptions;
import io.edgedistill.core.mixture.MixturePrior;
import io.edgedistill.core.model.MlpModel;
import io.edgedistill.core.model.MlpTrainer;
import io.edgedistill.core.personal.CohortTraining;
import io.edgedistill.schemas.SyntheticSample;
import io.edgedistill.schemas.SyntheticSet;
import io.edgedistill.schemas.mapping.SubClusterMapping;
import io.edgedistill.updater.config.UpdaterConfig.Training;

/**
 * Trains a candidate edge model. When the synthetic set carries the fleet's sub-cluster mixture (summary v2), the
 * teacher trains on thousands of rows drawn from it plus the set's samples (and a cohort's extra samples), and the
 * student is distilled on the same rows (distill-core {@link GeneratedTraining}); a cohort with knowledge v2 gets the
 * global student fine-tuned for it ({@link #trainCohort}). Without a mixture: the teacher
 * on the set's samples (plus extra), then the student distilled from it (soft-label KL at temperature T plus hard
 * labels) on a transfer set of those samples and jittered copies. Deterministic: the randomness depends on what
 * is trained on only ({@link #trainingSeed}).
 */
final class CandidateTrainer {
    private final Training settings;

    /** A labelled sample added to a synthetic set (a cohort's samples drawn around its hard classes). */
    record Sample(float[] x, int y) {
    }

    /**
     * A trained student and the labels it was trained on: the synthetic set's samples first, then the extra ones
     * (shifting a model to a class mix needs the mix it was trained on).
     */
    record Trained(MlpModel student, int[] labels, int samples) {
    }

    CandidateTrainer(Training settings) {
        this.settings = settings;
    }

    /** Teacher and student on {@code set} plus {@code extra}; the set's feature width must be its spec's. */
    Trained train(SyntheticSet set, FeatureSpec spec, List<Sample> extra, String cohort) {
        if (hasMixture(set)) {
            return onGenerated(set, spec, extra, cohort, settings.generatedSettings());
        }
        int d = set.getFeatureDim();
        int c = set.getClasses().size();
        Rows rows = rows(set, extra);
        float[] x = rows.x();
        int[] y = rows.y();
        int n = y.length;
        long seed = trainingSeed(set, cohort);
        MlpModel teacher = MlpTrainer.train(settings.teacherHidden(), x, n, y, null, c, settings.teacherConfig(seed));
        // transfer set: the training samples plus jittered copies (labels kept), soft targets from the teacher
        int copies = settings.transferCopies();
        int m = n * (1 + copies);
        float[] tx = new float[m * d];
        int[] ty = new int[m];
        System.arraycopy(x, 0, tx, 0, n * d);
        System.arraycopy(y, 0, ty, 0, n);
        SplittableRandom rng = new SplittableRandom(seed);
        for (int r = n; r < m; r++) {
            int src = r % n;
            for (int j = 0; j < d; j++) {
                tx[r * d + j] = x[src * d + j] + (float) (settings.transferNoise() * Sampling.normal(rng));
            }
            ty[r] = y[src];
        }
        MlpModel student = MlpTrainer.distill(teacher, settings.studentHidden(), tx, m, ty,
                settings.studentConfig(seed + 1));
        return new Trained(student, y, n);
    }

    /** Whether the set carries a mixture with at least one class to sample. */
    static boolean hasMixture(SyntheticSet set) {
        return set.getMixture() != null && set.getMixture().stream().anyMatch(m -> !m.getComponents().isEmpty());
    }

    /**
     * The refined global model of a set with a mixture: the same as the first one on more rows and epochs
     * ({@code updater.training.generated.refined-*}), trained off the round's critical path.
     */
    Trained trainRefined(SyntheticSet set, FeatureSpec spec) {
        return onGenerated(set, spec, List.of(), "refined", settings.refinedSettings());
    }

    /**
     * A cohort's model from knowledge v2 (distill-core {@link CohortTraining}): {@code global} (the global student of
     * this set) fine-tuned on rows drawn like the cohort's traffic, from the set's mixture and the knowledge's
     * sub-clusters. The labels returned are those rows', whose class mix is already the cohort's.
     */
    Trained trainCohort(SyntheticSet set, FeatureSpec spec, MlpModel global, CohortPersonalisation.CohortKnowledge k,
                        String cohort) {
        int c = set.getClasses().size();
        MixturePrior fleet = SubClusterMapping.mixtureFromWire(set.getMixture(), c, set.getFeatureDim(),
                ColumnLayout.of(spec), MixtureOptions.defaults());
        CohortTraining.Result r = CohortTraining.train(global, fleet, k.hard(), k.classTotals(), k.hardShares(),
                settings.cohort().settings(), trainingSeed(set, cohort));
        return new Trained(r.model(), r.rows().set().y(), r.rows().set().size());
    }

    /** The global student of a set with a mixture, as {@link #train} trains it (deterministic: the same model). */
    MlpModel globalStudent(SyntheticSet set, FeatureSpec spec) {
        return onGenerated(set, spec, List.of(), null, settings.generatedSettings()).student();
    }

    private Trained onGenerated(SyntheticSet set, FeatureSpec spec, List<Sample> extra, String cohort,
                                GeneratedTraining.Settings recipe) {
        int c = set.getClasses().size();
        int d = set.getFeatureDim();
        Rows labelled = rows(set, extra);
        MixturePrior prior = SubClusterMapping.mixtureFromWire(set.getMixture(), c, d, ColumnLayout.of(spec),
                MixtureOptions.defaults());
        GeneratedTraining.Result r = GeneratedTraining.train(prior, SubClusterMapping.classCounts(set.getMixture(), c),
                labelled.x(), labelled.y(), settings.teacherHidden(), settings.studentHidden(), recipe,
                trainingSeed(set, cohort));
        return new Trained(r.student(), r.rows().y(), r.rows().size());
    }

    /** Labelled rows, row-major: the set's samples, then {@code extra}. */
    private record Rows(float[] x, int[] y) {
    }

    private static Rows rows(SyntheticSet set, List<Sample> extra) {
        int d = set.getFeatureDim();
        int n = set.getSamples().size() + extra.size();
        float[] x = new float[n * d];
        int[] y = new int[n];
        int i = 0;
        for (SyntheticSample s : set.getSamples()) {
            List<Float> f = s.getFeatures();
            for (int j = 0; j < d; j++) {
                x[i * d + j] = f.get(j);
            }
            y[i++] = s.getLabel();
        }
        for (Sample e : extra) {
            System.arraycopy(e.x(), 0, x, i * d, d);
            y[i++] = e.y();
        }
        return new Rows(x, y);
    }

    /**
     * Training randomness (initial weights, batch order, transfer-set jitter) as a function of what is trained on:
     * the set's round and version and the cohort, not the task's name. The same set retrained gives the same
     * model, and two tasks that distil the same round train with the same random numbers, so the difference
     * between their models is that of their sets.
     */
    static long trainingSeed(SyntheticSet set, String cohort) {
        long z = set.getRoundId() * 0x9E3779B97F4A7C15L + set.getVersion() * 1_000_003L
                + (cohort == null ? 0 : cohort.hashCode());
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /**
     * One teacher and student of each recipe, so that the training code is compiled and the tensor kernels are made
     * before the first set arrives: the first model is on the round's critical path (round start -> edges run it).
     * The compact recipe on a set of typical size (9 classes x 10 samples, 64 features); the generated recipe for
     * one epoch at its batch sizes on 1,024 rows (without it the first generated model took about 0.5 s longer
     * than the next: {@code bench.perf.TrainingWarmth}).
     */
    void warmUp() {
        int c = 9;
        int n = c * 10;
        Dataset rows = Sampling.classBlobs(n, 64, c, 1);
        float[] x = rows.x();
        int[] y = rows.y();
        MlpModel teacher = MlpTrainer.train(settings.teacherHidden(), x, n, y, null, c, settings.teacherConfig(1));
        MlpModel student = MlpTrainer.distill(teacher, settings.studentHidden(), x, n, y, settings.studentConfig(2));
        student.predict(x, n);
        GeneratedTraining.Settings g = settings.generatedSettings();
        GeneratedTraining.Settings oneEpoch = new GeneratedTraining.Settings(g.rowsPerClass(), g.minPerClass(), 1, 1,
                g.temperature(), g.alpha());
        int m = 1024;
        Dataset generated = Sampling.classBlobs(m, 64, c, 2);
        MlpModel t = MlpTrainer.train(settings.teacherHidden(), generated.x(), m, generated.y(), null, c,
                oneEpoch.teacherConfig(3));
        MlpTrainer.distill(t, settings.studentHidden(), generated.x(), m, generated.y(), oneEpoch.studentConfig(4));
    }
}
