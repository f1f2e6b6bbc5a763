package io.edgedistill.core.model;

/**
 * Settings of {@link MlpTrainer}.
 *
 * @param epochs       passes over the training (or transfer) set
 * @param batchSize    minibatch size
 * @param learningRate Adam learning rate
 * @param weightDecay  decoupled weight decay (AdamW)
 * @param temperature  distillation temperature T
 * @param alpha        weight α of the soft-label KL term (1 − α on the hard-label cross-entropy)
 * @param seed         seed of initialisation and shuffling
 */
public record TrainConfig(int epochs, int batchSize, float learningRate, float weightDecay, float temperature,
                          float alpha, long seed) {
    /** Validates. */
    public TrainConfig {
        if (epochs < 0 || batchSize <= 0 || !(learningRate > 0) || weightDecay < 0 || !(temperature > 0)
                || alpha < 0 || alpha > 1) {
            throw new IllegalArgumentException("invalid training config");
        }
    }

    /** Teacher on a synthetic set: 300 epochs, batch 256, lr 3e-3, wd 1e-4, hard labels only. */
    public static TrainConfig teacher(long seed) {
        return new TrainConfig(300, 256, 3e-3f, 1e-4f, 1f, 0f, seed);
    }

    /** Student distillation: 100 epochs, batch 256, lr 3e-3, wd 1e-4, T = 4, α = 0.7. */
    public static TrainConfig student(long seed) {
        return new TrainConfig(100, 256, 3e-3f, 1e-4f, 4f, 0.7f, seed);
    }
}
