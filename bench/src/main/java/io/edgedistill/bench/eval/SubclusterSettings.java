package io.edgedistill.bench.eval;

import io.edgedistill.core.mixture.GeneratedTraining;
import io.edgedistill.core.mixture.SubClusterOptions;
import io.edgedistill.core.model.TrainConfig;

/**
 * Settings of the sub-cluster methods ({@link SubclusterMethods}).
 *
 * @param maxClusters       M, sub-clusters per class per edge at most
 * @param kMin              privacy floor, rows per sub-cluster at least
 * @param generatedPerClass generated rows per class on average: the detector's set holds this × C rows, split
 *                          by the global class counts the cloud receives (so it mirrors the class mix
 *                          {@code pooled} trains on)
 * @param teacherPerClass   rows per class of the balanced draw the product's teacher trains on (0 = IPC, the
 *                          budget of {@code ours-core-teacher})
 * @param privacyCheck      also measure nearest-neighbour distances of generated rows to the real rows
 * @param float16           the cloud receives the means and variances rounded to float16 (bytes counted so)
 * @param shipped           the updater's recipe the {@code shipped} method runs (its defaults unless varied);
 *                          {@code shipped-refined} runs the updater's refined recipe
 */
public record SubclusterSettings(int maxClusters, int kMin, int generatedPerClass, int teacherPerClass,
                                 boolean privacyCheck, boolean float16, GeneratedTraining.Settings shipped) {
    public static final int DEFAULT_GENERATED_PER_CLASS = 2000;
    /**
     * Every class that can be sampled gets at least this many generated rows, so that a class holding a few
     * dozen of 40,000 rows is not rounded away (pooled still sees its real rows).
     */
    public static final int MIN_GENERATED_PER_CLASS = 50;

    /** Validates. */
    public SubclusterSettings {
        if (maxClusters < 1 || kMin < 1 || generatedPerClass < 1 || teacherPerClass < 0) {
            throw new IllegalArgumentException("invalid sub-cluster settings");
        }
    }

    /** M = 32, k_min = 10, 2000 rows per class, teacher on IPC per class, no privacy check, float32. */
    public static SubclusterSettings defaults() {
        return new SubclusterSettings(SubClusterOptions.DEFAULT_MAX_CLUSTERS, SubClusterOptions.DEFAULT_K_MIN,
                DEFAULT_GENERATED_PER_CLASS, 0, false, false, shippedDefaults());
    }

    /** The updater's recipe ({@code updater.training.generated.*}), with the student recipe's T and α. */
    public static GeneratedTraining.Settings shippedDefaults() {
        return GeneratedTraining.Settings.defaults(TrainConfig.student(0).temperature(), TrainConfig.student(0).alpha());
    }

    /** The refined recipe ({@code updater.training.generated.refined-*} as suggested in its documentation). */
    public static GeneratedTraining.Settings refinedDefaults() {
        return GeneratedTraining.Settings.refined(TrainConfig.student(0).temperature(), TrainConfig.student(0).alpha());
    }
}
