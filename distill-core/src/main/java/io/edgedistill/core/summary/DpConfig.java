package io.edgedistill.core.summary;

import java.security.SecureRandom;
import java.util.Random;

/**
 * Differential-privacy settings of an edge summary.
 *
 * @param epsilon  target ε (> 0)
 * @param delta    target δ (0 < δ < 1)
 * @param clipNorm per-sample L2 clip norm C applied to each network's embedding
 * @param noise    noise source; use {@link #secure} in production (seeded sources only in tests)
 */
public record DpConfig(double epsilon, double delta, double clipNorm, Random noise) {
    /** Validates parameters. */
    public DpConfig {
        if (!(epsilon > 0) || !(delta > 0 && delta < 1) || !(clipNorm > 0)) {
            throw new IllegalArgumentException("need epsilon > 0, 0 < delta < 1, clipNorm > 0");
        }
        if (noise == null) {
            throw new IllegalArgumentException("noise source required");
        }
    }

    /** DP settings with a {@link SecureRandom} noise source. */
    public static DpConfig secure(double epsilon, double delta, double clipNorm) {
        return new DpConfig(epsilon, delta, clipNorm, new SecureRandom());
    }
}
