package io.edgedistill.core.synth;

/**
 * Settings of the {@link SyntheticSetOptimizer}.
 *
 * @param ipc                samples per class
 * @param steps              Adam steps of a fresh optimisation
 * @param warmSteps          bounded Adam steps when warm-starting from an existing set
 * @param learningRate       Adam learning rate (inputs are standardised, so O(0.01–0.1))
 * @param secondMomentWeight λ of the second-moment term (used when targets carry second moments)
 * @param seed               seed of the initialisation noise
 */
public record SynthConfig(int ipc, int steps, int warmSteps, float learningRate, float secondMomentWeight,
                          long seed) {
    /** Validates. */
    public SynthConfig {
        if (ipc <= 0 || steps < 0 || warmSteps < 0 || !(learningRate > 0) || secondMomentWeight < 0) {
            throw new IllegalArgumentException("invalid synth config");
        }
    }

    /** IPC 10, 400 steps, 100 warm steps, lr 0.03, λ 0.5. */
    public static SynthConfig defaults(long seed) {
        return new SynthConfig(10, 400, 100, 0.03f, 0.5f, seed);
    }

    /** Same settings with another IPC. */
    public SynthConfig withIpc(int newIpc) {
        return new SynthConfig(newIpc, steps, warmSteps, learningRate, secondMomentWeight, seed);
    }
}
