package io.edgedistill.core.nn;

/**
 * Names a family of K random embedding networks d_in → hidden → embedDim (activation after each layer, no
 * biases, no learned normalisation). Cloud and edges build identical networks from the same spec.
 *
 * @param seed      round seed
 * @param k         number of networks K
 * @param dIn       input feature dimension
 * @param hidden    width of the hidden layer
 * @param embedDim  embedding width (output of the second layer)
 * @param activation non-linearity after each layer
 * @param init      initialisation transform of the portable generator
 */
public record EmbeddingSpec(long seed, int k, int dIn, int hidden, int embedDim, Activation activation,
                            WeightInit init) {
    /** Default number of networks. */
    public static final int DEFAULT_K = 8;
    /** Default hidden width. */
    public static final int DEFAULT_HIDDEN = 128;
    /** Default embedding width. */
    public static final int DEFAULT_EMBED = 64;

    /** Validates dimensions. */
    public EmbeddingSpec {
        if (k <= 0 || dIn <= 0 || hidden <= 0 || embedDim <= 0) {
            throw new IllegalArgumentException("all dimensions must be positive: " + k + "," + dIn + ","
                    + hidden + "," + embedDim);
        }
        if (activation == null || init == null) {
            throw new IllegalArgumentException("activation and init are required");
        }
    }

    /** Spec with the defaults K=8, hidden=128, embed=64, ReLU, He-uniform. */
    public static EmbeddingSpec defaults(long seed, int dIn) {
        return new EmbeddingSpec(seed, DEFAULT_K, dIn, DEFAULT_HIDDEN, DEFAULT_EMBED, Activation.RELU,
                WeightInit.HE_UNIFORM);
    }

    /** Multiply-adds per sample for all K networks (×2 for FLOPs). */
    public long macsPerSample() {
        return (long) k * ((long) dIn * hidden + (long) hidden * embedDim);
    }
}
