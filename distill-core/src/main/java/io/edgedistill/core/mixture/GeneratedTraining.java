package io.edgedistill.core.mixture;

import io.edgedistill.core.model.MlpModel;
import io.edgedistill.core.model.MlpTrainer;
import io.edgedistill.core.model.TrainConfig;

/**
 * The cloud's training on rows generated from a {@link MixturePrior}: the teacher learns from thousands of rows
 * drawn in the fleet's class proportions, and the edge's student is distilled from it (soft labels at temperature
 * T plus hard labels) on the same rows. The model-updater ships the student; the evaluation harness measures
 * this same code, so that its table's number is the number the edges get.
 *
 * <p>Why a large-set recipe here: the teacher recipe of {@code TrainConfig.teacher} (weight decay 3, 200 epochs)
 * is made for a 90-sample synthetic set and underfits thousands of generated rows; with that many rows the usual
 * light regularisation is right, and a few epochs suffice.
 */
public final class GeneratedTraining {
    /**
     * A set's model: generated rows per sampled class on average and epochs, sized for the round's critical path
     * (harness: 96.7 % of pooled on generated data; docs/results.md has the cost against quality).
     */
    public static final int DEFAULT_ROWS_PER_CLASS = 1000;
    public static final int DEFAULT_MIN_PER_CLASS = 50;
    public static final int DEFAULT_TEACHER_EPOCHS = 10;
    public static final int DEFAULT_STUDENT_EPOCHS = 20;
    /** A refined model trained after it in the background, when the updater is asked to (harness: 97.4 %). */
    public static final int REFINED_ROWS_PER_CLASS = 2000;
    public static final int REFINED_TEACHER_EPOCHS = 10;
    public static final int REFINED_STUDENT_EPOCHS = 20;

    /**
     * @param rowsPerClass  generated rows per sampled class on average (the total is this × the classes the
     *                      mixture can sample, spread in proportion to the class weights)
     * @param minPerClass   at least this many rows of every class the mixture can sample
     * @param teacherEpochs passes of the teacher over the generated rows
     * @param studentEpochs passes of the student over them
     * @param temperature   distillation temperature T
     * @param alpha         weight of the soft-label term (1 − α on the hard labels)
     */
    public record Settings(int rowsPerClass, int minPerClass, int teacherEpochs, int studentEpochs, float temperature,
                           float alpha) {
        /** Validates. */
        public Settings {
            if (rowsPerClass < 1 || minPerClass < 0 || teacherEpochs < 1 || studentEpochs < 1 || !(temperature > 0)
                    || alpha < 0 || alpha > 1) {
                throw new IllegalArgumentException("invalid generated-training settings");
            }
        }

        /** The default rows and epochs with the given distillation temperature and α. */
        public static Settings defaults(float temperature, float alpha) {
            return new Settings(DEFAULT_ROWS_PER_CLASS, DEFAULT_MIN_PER_CLASS, DEFAULT_TEACHER_EPOCHS,
                    DEFAULT_STUDENT_EPOCHS, temperature, alpha);
        }

        /** The refined model's rows and epochs with the given distillation temperature and α. */
        public static Settings refined(float temperature, float alpha) {
            return new Settings(REFINED_ROWS_PER_CLASS, DEFAULT_MIN_PER_CLASS, REFINED_TEACHER_EPOCHS,
                    REFINED_STUDENT_EPOCHS, temperature, alpha);
        }

        /** Teacher (batch 128, lr 3e-3, weight decay 1e-4, hard labels) for {@link #teacherEpochs}. */
        public TrainConfig teacherConfig(long seed) {
            return new TrainConfig(teacherEpochs, 128, 3e-3f, 1e-4f, 1f, 0f, seed);
        }

        /** Student (batch 256, lr 3e-3, weight decay 1e-4, T, α) for {@link #studentEpochs}. */
        public TrainConfig studentConfig(long seed) {
            return new TrainConfig(studentEpochs, 256, 3e-3f, 1e-4f, temperature, alpha, seed);
        }
    }

    /** The trained pair and the rows they were trained on (generated rows first, then the extra ones). */
    public record Result(MlpModel teacher, MlpModel student, GeneratedSet rows) {
    }

    private GeneratedTraining() {
    }

    /**
     * Draws the rows and trains teacher and student. Deterministic given the arguments.
     *
     * @param classWeights  the fleet's rows per class (the mixture's class counts, or what the caller knows)
     * @param teacherHidden hidden widths of the teacher
     * @param studentHidden hidden widths of the student (the edges' architecture)
     */
    public static Result train(MixturePrior prior, long[] classWeights, int[] teacherHidden, int[] studentHidden,
                               Settings settings, long seed) {
        return train(prior, classWeights, new float[0], new int[0], teacherHidden, studentHidden, settings, seed);
    }

    /**
     * As {@link #train(MixturePrior, long[], int[], int[], Settings, long)}, with labelled rows added to the generated
     * ones (e.g. the compact synthetic set, or samples drawn around one edge's hard classes).
     *
     * @param extraX row-major extra rows (m × d), possibly empty
     * @param extraY their labels (m)
     */
    public static Result train(MixturePrior prior, long[] classWeights, float[] extraX, int[] extraY,
                               int[] teacherHidden, int[] studentHidden, Settings settings, long seed) {
        int d = prior.dim();
        if (extraX.length != extraY.length * d) {
            throw new IllegalArgumentException("extra rows must be m × " + d + " with m labels");
        }
        int sampled = 0;
        for (int c = 0; c < prior.numClasses(); c++) {
            sampled += prior.hasClass(c) && classWeights[c] > 0 ? 1 : 0;
        }
        if (sampled == 0) {
            throw new IllegalArgumentException("the mixture has no class to sample");
        }
        GeneratedSet generated = prior.sampleTrainingSet(classWeights, settings.rowsPerClass() * sampled,
                settings.minPerClass(), seed);
        GeneratedSet rows = concat(generated, extraX, extraY);
        MlpModel teacher = MlpTrainer.train(teacherHidden, rows.x(), rows.size(), rows.y(), null, prior.numClasses(),
                settings.teacherConfig(seed + 1));
        MlpModel student = MlpTrainer.distill(teacher, studentHidden, rows.x(), rows.size(), rows.y(),
                settings.studentConfig(seed + 2));
        return new Result(teacher, student, rows);
    }

    private static GeneratedSet concat(GeneratedSet g, float[] extraX, int[] extraY) {
        if (extraY.length == 0) {
            return g;
        }
        float[] x = new float[g.x().length + extraX.length];
        System.arraycopy(g.x(), 0, x, 0, g.x().length);
        System.arraycopy(extraX, 0, x, g.x().length, extraX.length);
        int[] y = new int[g.y().length + extraY.length];
        System.arraycopy(g.y(), 0, y, 0, g.y().length);
        System.arraycopy(extraY, 0, y, g.y().length, extraY.length);
        return new GeneratedSet(x, y, g.dim());
    }
}
