package io.edgedistill.core.nn;

/**
 * Generates initial weights that are bit-identical on every platform and every tensor engine: the random
 * stream of one weight matrix is keyed by (seed, k, layer) through {@link SplitMix64#keyed}, filled in
 * row-major order (fanIn rows × fanOut columns), and transformed with operations that Java specifies
 * exactly (float multiply/subtract, {@link StrictMath}).
 */
public final class PortableWeights {
    private PortableWeights() {
    }

    /**
     * Weight matrix of network {@code k}, layer {@code layer}, shape fanIn × fanOut, row-major
     * (element [i][j] at {@code i * fanOut + j}), so that y = x · W.
     */
    public static float[] matrix(long seed, int k, int layer, int fanIn, int fanOut, WeightInit init) {
        if (fanIn <= 0 || fanOut <= 0) {
            throw new IllegalArgumentException("fanIn and fanOut must be positive");
        }
        SplitMix64 rng = SplitMix64.keyed(seed, k, layer);
        float[] w = new float[Math.multiplyExact(fanIn, fanOut)];
        switch (init) {
            case HE_UNIFORM -> {
                float a = (float) StrictMath.sqrt(6.0 / fanIn);
                for (int i = 0; i < w.length; i++) {
                    w[i] = (rng.nextFloat() * 2f - 1f) * a;
                }
            }
            case HE_NORMAL -> {
                double std = StrictMath.sqrt(2.0 / fanIn);
                for (int i = 0; i < w.length; i++) {
                    w[i] = (float) (rng.nextGaussian() * std);
                }
            }
            default -> throw new IllegalArgumentException("unknown init " + init);
        }
        return w;
    }
}
