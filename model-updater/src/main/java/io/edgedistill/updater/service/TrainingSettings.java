package io.edgedistill.updater.service;

import java.util.Map;

import io.edgedistill.core.model.TrainConfig;

/**
 * How the updater trains and judges models.
 *
 * @param teacherHidden              hidden widths of the cloud teacher
 * @param studentHidden              hidden widths of the edge student
 * @param teacherEpochs              teacher epochs on the synthetic set
 * @param studentEpochs              student distillation epochs on the transfer set
 * @param temperature                distillation temperature T
 * @param alpha                      weight of the soft-label KL term (1 − α on hard labels)
 * @param transferCopies             jittered copies of each synthetic sample added to the transfer set
 * @param transferNoise              standard deviation of that jitter (preprocessed, z-scored units)
 * @param knowledgeSamplesPerClass   samples drawn around each hard class of an edge's knowledge (0 = the
 *                                   synthetic set's samples per class)
 * @param knowledgeSpread            scale of the standard deviation of those samples relative to the
 *                                   reported per-feature standard deviation (the hard samples are
 *                                   multi-modal: a full-width Gaussian would cover other classes)
 * @param minImprovement             a candidate is published only if macroF1 ≥ live + minImprovement
 * @param personalisedTolerance      a personalised model may be at most this much below the global model's macro-F1
 *                                   (whole validation set) and below what its cohort runs (on the cohort's mix);
 *                                   whether it is better is judged by the edge on its own labelled hold-out
 * @param maxPersonalisationsPerSet  knowledge-triggered trainings per cohort and synthetic-set version (an
 *                                   edge whose personalised model still underperforms keeps reporting; this
 *                                   bounds the loop until the next synthetic set)
 * @param cohorts                    edge id → cohort (edges not listed form their own cohort)
 */
public record TrainingSettings(int[] teacherHidden, int[] studentHidden, int teacherEpochs, int studentEpochs,
                               float temperature, float alpha, int transferCopies, float transferNoise,
                               int knowledgeSamplesPerClass, float knowledgeSpread, double minImprovement, double personalisedTolerance,
                               int maxPersonalisationsPerSet, Map<String, String> cohorts) {

    /** Defaults: teacher 128-64, student 32, 200/100 epochs, T = 4, α = 0.7, 10 jittered copies (σ 0.2). */
    public static TrainingSettings defaults() {
        return new TrainingSettings(new int[] {128, 64}, new int[] {32}, 200, 100, 4f, 0.7f, 10, 0.2f, 0, 0.5f, 0.0,
                0.05, 3, Map.of());
    }

    TrainConfig teacherConfig(long seed) {
        TrainConfig t = TrainConfig.teacher(seed);
        return new TrainConfig(teacherEpochs, t.batchSize(), t.learningRate(), t.weightDecay(), 1f, 0f, seed);
    }

    TrainConfig studentConfig(long seed) {
        TrainConfig s = TrainConfig.student(seed);
        return new TrainConfig(studentEpochs, s.batchSize(), s.learningRate(), s.weightDecay(), temperature, alpha,
                seed);
    }

    /** The cohort of an edge. */
    public String cohortOf(String edgeId) {
        return cohorts.getOrDefault(edgeId, edgeId);
    }
}
