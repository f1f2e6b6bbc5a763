package io.edgedistill.demo;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import io.edgedistill.core.data.Dataset;
import io.edgedistill.core.data.FeatureSpec;
import io.edgedistill.core.model.MlpModel;
import io.edgedistill.core.model.MlpTrainer;
import io.edgedistill.core.model.TrainConfig;
import io.edgedistill.edge.core.DeployedModel;
import io.edgedistill.edge.core.LocalData;

/**
 * The figure the system aims at: a model of the edges' architecture trained, plainly supervised, on every edge's
 * rows pooled. Only a simulation can compute it (it holds every edge's rows); the demo reports the edges' model
 * as a fraction of it. Deterministic by its seed.
 *
 * @param specJson the round's preprocessing spec (the one the edges and the updater use)
 * @param classes  output classes in the order of the edges' model
 * @param hidden   hidden widths of the edges' student ({@code updater.training.student-hidden})
 * @param seed     seed of initialisation and shuffling
 */
record PooledReference(String specJson, List<String> classes, int[] hidden, long seed) {

    /** The student's default width in the updater ({@code updater.training.student-hidden}). */
    static final int[] STUDENT_HIDDEN = {32};
    /**
     * The recipe of the evaluation's {@code pooled} method (bench's {@code MlpClassifier.TrainConfig.pooled()}: 8
     * epochs, batch 128, lr 3e-3, weight decay 1e-5, hard labels only), so that the demo's figure and docs/results.md's
     * "% of pooled" mean the same.
     */
    static final TrainConfig RECIPE_WITHOUT_SEED = new TrainConfig(8, 128, 3e-3f, 1e-5f, 1f, 0f, 0);

    /** A trained reference and what it scored. */
    record Scored(double macroF1, double seconds, int rows) {
    }

    /** Trains on the union of {@code edgesRows} and scores on {@code heldOut} as the demo scores the edges' model. */
    Scored trainAndScore(List<LocalData> edgesRows, LocalData heldOut) {
        long t0 = System.nanoTime();
        Dataset pooled = pooled(edgesRows);
        int[] y = inModelClasses(pooled);
        TrainConfig r = RECIPE_WITHOUT_SEED;
        MlpModel model = MlpTrainer.train(hidden, pooled.x(), pooled.size(), y, null, classes.size(),
                new TrainConfig(r.epochs(), r.batchSize(), r.learningRate(), r.weightDecay(), r.temperature(), r.alpha(), seed));
        double f1 = deployed(model).evaluate(heldOut).map(c -> c.macroF1()).orElse(Double.NaN);
        return new Scored(f1, (System.nanoTime() - t0) / 1e9, pooled.size());
    }

    private Dataset pooled(List<LocalData> edgesRows) {
        List<Dataset> parts = new ArrayList<>();
        for (LocalData d : edgesRows) {
            parts.add(d.preprocessed(specJson));
        }
        return Dataset.concat(parts);
    }

    /** Labels in the model's class order; the spec's classes are the round's, so every row maps. */
    private int[] inModelClasses(Dataset ds) {
        int[] y = new int[ds.size()];
        for (int i = 0; i < y.length; i++) {
            int c = classes.indexOf(ds.classNames().get(ds.y()[i]));
            if (c < 0) {
                throw new IllegalArgumentException("class " + ds.classNames().get(ds.y()[i]) + " not among " + classes);
            }
            y[i] = c;
        }
        return y;
    }

    /** Wrapped as an edge's model, so that it is scored by exactly the code that scores the edges' model. */
    private DeployedModel deployed(MlpModel model) {
        return new DeployedModel("pooled-reference", 0, "", model, specJson, FeatureSpec.fromJson(specJson), classes, -1,
                Instant.now());
    }
}
