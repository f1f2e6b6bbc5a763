package io.edgedistill.core.synth;

/**
 * Settings of the {@link DistilledSetOptimizer}.
 *
 * @param ipc                samples per class
 * @param steps              Adam steps of a fresh optimisation
 * @param warmSteps          bounded Adam steps when warm-starting from an existing set
 * @param learningRate       Adam learning rate (inputs are standardised, so O(0.01–0.1))
 * @param secondMomentWeight λ of the second-moment term (used when targets carry second moments)
 * @param seed               seed of the initialisation noise
 * @param inputMomentWeight  weight of the input-space moment term (per-class mean and, scaled by λ, second
 *                           moment of the inputs; used when the targets carry input moments), 0 = off
 * @param boxSigmas          feasible box of each synthetic sample, applied at initialisation and after every
 *                           step when the targets carry input moments: columns that are 0/1 in every class
 *                           stay in [0, 1], every other column within its class mean ± boxSigmas class standard
 *                           deviations; 0 = no box
 */
public record SynthConfig(int ipc, int steps, int warmSteps, float learningRate, float secondMomentWeight,
                          long seed, float inputMomentWeight, float boxSigmas) {
    /** Default weight of the input-space moment term. */
    public static final float DEFAULT_INPUT_MOMENT_WEIGHT = 3f;
    /** Default half-width of the per-class box, in class standard deviations. */
    public static final float DEFAULT_BOX_SIGMAS = 3f;

    /** Validates. */
    public SynthConfig {
        if (ipc <= 0 || steps < 0 || warmSteps < 0 || !(learningRate > 0) || secondMomentWeight < 0
                || !(inputMomentWeight >= 0) || !(boxSigmas >= 0)) {
            throw new IllegalArgumentException("invalid synth config");
        }
    }

    /** Settings with the default input-moment term and box. */
    public SynthConfig(int ipc, int steps, int warmSteps, float learningRate, float secondMomentWeight, long seed) {
        this(ipc, steps, warmSteps, learningRate, secondMomentWeight, seed, DEFAULT_INPUT_MOMENT_WEIGHT,
                DEFAULT_BOX_SIGMAS);
    }

    /** IPC 10, 400 steps, 100 warm steps, lr 0.03, λ 0.5, input-moment weight 3, box ± 3 σ. */
    public static SynthConfig defaults(long seed) {
        return new SynthConfig(10, 400, 100, 0.03f, 0.5f, seed);
    }

    /** Same settings with another IPC. */
    public SynthConfig withIpc(int newIpc) {
        return new SynthConfig(newIpc, steps, warmSteps, learningRate, secondMomentWeight, seed, inputMomentWeight,
                boxSigmas);
    }

    /** Same settings with another input-moment weight and box (0 switches either off). */
    public SynthConfig withInputTerms(float newInputMomentWeight, float newBoxSigmas) {
        return new SynthConfig(ipc, steps, warmSteps, learningRate, secondMomentWeight, seed, newInputMomentWeight,
                newBoxSigmas);
    }
}
