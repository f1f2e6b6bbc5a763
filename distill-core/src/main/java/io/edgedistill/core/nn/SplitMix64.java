package io.edgedistill.core.nn;

/**
 * SplitMix64 (Steele, Lea, Flood 2014): a tiny, portable 64-bit generator whose output depends only on
 * integer arithmetic, so every JVM on every platform produces exactly the same stream for the same key.
 *
 * <p>Not thread-safe; create one per stream.
 */
public final class SplitMix64 {
    /** The golden-ratio increment of SplitMix64. */
    public static final long GOLDEN_GAMMA = 0x9E3779B97F4A7C15L;

    private long state;

    /** Creates a generator whose first output is {@code mix64(state + GOLDEN_GAMMA)}. */
    public SplitMix64(long state) {
        this.state = state;
    }

    /**
     * Derives an independent stream key from a seed and a list of integer coordinates (e.g. network index k
     * and layer index). Each coordinate is mixed in with a full avalanche so that neighbouring coordinates
     * give unrelated streams.
     */
    public static SplitMix64 keyed(long seed, int... coordinates) {
        long key = mix64(seed ^ 0x5DEECE66DL);
        for (int c : coordinates) {
            key = mix64(key + GOLDEN_GAMMA * (c + 1L));
        }
        return new SplitMix64(key);
    }

    /** The SplitMix64 finaliser (variant 13 of Stafford's mixers). */
    public static long mix64(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** Next 64 random bits. */
    public long nextLong() {
        state += GOLDEN_GAMMA;
        return mix64(state);
    }

    /** Uniform float in [0, 1) with 24 random bits (exactly representable, no rounding). */
    public float nextFloat() {
        return (nextLong() >>> 40) * 0x1.0p-24f;
    }

    /** Uniform double in [0, 1) with 53 random bits. */
    public double nextDouble() {
        return (nextLong() >>> 11) * 0x1.0p-53;
    }

    /**
     * Standard normal deviate by the Box–Muller transform, using {@link StrictMath} so that the result is
     * bit-identical on every platform (StrictMath follows fdlibm exactly). Uses one pair of uniforms per
     * call and discards the second deviate, which keeps the stream position a pure function of the index.
     */
    public double nextGaussian() {
        double u1 = 1.0 - nextDouble(); // (0, 1]
        double u2 = nextDouble();
        return StrictMath.sqrt(-2.0 * StrictMath.log(u1)) * StrictMath.cos(2.0 * Math.PI * u2);
    }
}
