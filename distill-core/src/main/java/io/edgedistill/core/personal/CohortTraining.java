package io.edgedistill.core.personal;

import io.edgedistill.core.mixture.Allocation;
import io.edgedistill.core.mixture.GeneratedSet;
import io.edgedistill.core.mixture.MixturePrior;
import io.edgedistill.core.model.MlpModel;
import io.edgedistill.core.model.MlpTrainer;
import io.edgedistill.core.model.TrainConfig;
import io.edgedistill.core.nn.SplitMix64;

/**
 * The cloud's side of reverse distillation: a cohort's model, fine-tuned from the global model on rows drawn to look
 * like the cohort's traffic. Per class, the rows follow the cohort's class totals; of class c, the share the deployed
 * model gets wrong or is unsure of ({@code hard_c / total_c}) is drawn from the knowledge's sub-clusters (what the
 * drift changed), the rest from the fleet's mixture (what the global model already gets right). A class only the
 * cohort holds (no fleet components) is drawn from the knowledge alone; a class the cohort does not report keeps a
 * few fleet rows, so that the model still knows it. Starting from the global model keeps what the fleet taught it;
 * the fine-tune moves it only where the cohort differs.
 *
 * <p>Pure and deterministic given its arguments: the updater runs it for a cohort's knowledge, the evaluation harness
 * runs the same code.
 */
public final class CohortTraining {
    /**
     * @param rowsPerClass  generated rows per class the cohort reports, on average (spread by its class totals)
     * @param minPerClass   at least this many rows of every class the cohort reports
     * @param keepPerClass  fleet rows of each class the cohort does not report (0 = none)
     * @param epochs        passes of the fine-tune over the rows
     * @param batchSize     minibatch size
     * @param learningRate  Adam learning rate (a fine-tune: lower than training from scratch)
     * @param weightDecay   decoupled weight decay
     */
    public record Settings(int rowsPerClass, int minPerClass, int keepPerClass, int epochs, int batchSize,
                           float learningRate, float weightDecay) {
        public static final int DEFAULT_ROWS_PER_CLASS = 1000;
        public static final int DEFAULT_MIN_PER_CLASS = 50;
        public static final int DEFAULT_KEEP_PER_CLASS = 50;
        public static final int DEFAULT_EPOCHS = 10;
        public static final int DEFAULT_BATCH_SIZE = 128;
        public static final float DEFAULT_LEARNING_RATE = 1e-3f;
        public static final float DEFAULT_WEIGHT_DECAY = 1e-4f;

        /** Validates. */
        public Settings {
            if (rowsPerClass < 1 || minPerClass < 0 || keepPerClass < 0 || epochs < 1 || batchSize < 1
                    || !(learningRate > 0) || weightDecay < 0) {
                throw new IllegalArgumentException("invalid cohort-training settings");
            }
        }

        /** The defaults above. */
        public static Settings defaults() {
            return new Settings(DEFAULT_ROWS_PER_CLASS, DEFAULT_MIN_PER_CLASS, DEFAULT_KEEP_PER_CLASS, DEFAULT_EPOCHS,
                    DEFAULT_BATCH_SIZE, DEFAULT_LEARNING_RATE, DEFAULT_WEIGHT_DECAY);
        }

        /** The fine-tune's optimiser settings. */
        public TrainConfig trainConfig(long seed) {
            return new TrainConfig(epochs, batchSize, learningRate, weightDecay, 1f, 0f, seed);
        }
    }

    /** Rows to fine-tune on, and how many of them were drawn from the knowledge. */
    public record Rows(GeneratedSet set, int fromKnowledge) {
    }

    /** The cohort's model and the rows it was fine-tuned on. */
    public record Result(MlpModel model, Rows rows) {
    }

    private CohortTraining() {
    }

    /**
     * The rows the cohort's model is fine-tuned on (see the class comment).
     *
     * @param fleet       the fleet's mixture (the synthetic set's)
     * @param knowledge   the cohort's hard rows' mixture ({@code MixturePrior.pool} of the knowledge's sub-clusters),
     *                    or null when it carries none
     * @param classTotals the cohort's labelled rows per class (its traffic mix)
     * @param hardShares  per class, the share of its rows the deployed model gets wrong or is unsure of
     */
    public static Rows rows(MixturePrior fleet, MixturePrior knowledge, long[] classTotals, double[] hardShares,
                            Settings settings, long seed) {
        int c = fleet.numClasses();
        if (classTotals.length != c || hardShares.length != c || (knowledge != null
                && (knowledge.numClasses() != c || knowledge.dim() != fleet.dim()))) {
            throw new IllegalArgumentException("the knowledge must cover the fleet's " + c + " classes and width");
        }
        java.util.function.IntPredicate drawable = k -> fleet.hasClass(k) || hasKnowledge(knowledge, k);
        int reported = 0;
        for (int k = 0; k < c; k++) {
            reported += classTotals[k] > 0 && drawable.test(k) ? 1 : 0;
        }
        int[] alloc = Allocation.proportional(classTotals, drawable, settings.rowsPerClass() * reported,
                settings.minPerClass());
        int[] fromKnowledge = new int[c];
        for (int k = 0; k < c; k++) {
            if (alloc[k] == 0 && classTotals[k] == 0 && fleet.hasClass(k)) {
                alloc[k] = settings.keepPerClass();
            }
            if (alloc[k] > 0 && hasKnowledge(knowledge, k)) {
                fromKnowledge[k] = !fleet.hasClass(k) ? alloc[k]
                        : (int) Math.round(alloc[k] * Math.min(1, Math.max(0, hardShares[k])));
            }
        }
        int n = 0;
        int knowledgeRows = 0;
        for (int k = 0; k < c; k++) {
            n += alloc[k];
            knowledgeRows += fromKnowledge[k];
        }
        int d = fleet.dim();
        float[] x = new float[n * d];
        int[] y = new int[n];
        int row = 0;
        for (int k = 0; k < c; k++) {
            int fromFleet = alloc[k] - fromKnowledge[k];
            if (fromKnowledge[k] > 0) {
                float[] part = knowledge.sample(k, fromKnowledge[k], SplitMix64.keyed(seed, 1).nextLong());
                System.arraycopy(part, 0, x, row * d, part.length);
                java.util.Arrays.fill(y, row, row + fromKnowledge[k], k);
                row += fromKnowledge[k];
            }
            if (fromFleet > 0) {
                float[] part = fleet.sample(k, fromFleet, SplitMix64.keyed(seed, 2).nextLong());
                System.arraycopy(part, 0, x, row * d, part.length);
                java.util.Arrays.fill(y, row, row + fromFleet, k);
                row += fromFleet;
            }
        }
        return new Rows(new GeneratedSet(x, y, d), knowledgeRows);
    }

    /** The rows ({@link #rows}) and the global model fine-tuned on them. */
    public static Result train(MlpModel global, MixturePrior fleet, MixturePrior knowledge, long[] classTotals,
                               double[] hardShares, Settings settings, long seed) {
        if (global.inputDim() != fleet.dim() || global.numClasses() != fleet.numClasses()) {
            throw new IllegalArgumentException("the global model's shape differs from the fleet's mixture");
        }
        Rows rows = rows(fleet, knowledge, classTotals, hardShares, settings, seed);
        GeneratedSet g = rows.set();
        MlpModel model = g.size() == 0 ? global
                : MlpTrainer.fineTune(global, g.x(), g.size(), g.y(), settings.trainConfig(seed + 3));
        return new Result(model, rows);
    }

    private static boolean hasKnowledge(MixturePrior knowledge, int c) {
        return knowledge != null && knowledge.hasClass(c);
    }
}
