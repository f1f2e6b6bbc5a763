package io.edgedistill.core.mixture;

/**
 * Rounding to IEEE 754 binary16 (float16) and back, for measuring what a float16 wire format would cost in
 * quality ({@link SubClusterSummary#roundedToFloat16()}). Java 17 has no {@code Float.floatToFloat16}; this
 * rounds to nearest, ties to even, with subnormals, and rejects values beyond the float16 range (65504), which
 * standardised features (|z| ≤ clip) and their variances never reach.
 */
public final class HalfPrecision {
    /** Largest finite float16. */
    public static final float MAX = 65504f;

    private HalfPrecision() {
    }

    /** The float16 value nearest to {@code v}, as a float. */
    public static float round(float v) {
        if (v == 0f || Float.isNaN(v)) {
            return v;
        }
        if (!(Math.abs(v) <= MAX)) {
            throw new IllegalArgumentException(v + " is outside the float16 range");
        }
        int e = Math.max(Math.getExponent(v), -14); // below 2^-14 float16 is subnormal with a fixed quantum
        double quantum = Math.scalb(1.0, e - 10);
        float r = (float) (Math.rint(v / quantum) * quantum);
        if (Math.abs(r) > MAX) {
            throw new IllegalArgumentException(v + " rounds outside the float16 range");
        }
        return r;
    }

    /** A rounded copy of an array. */
    public static float[] round(float[] v) {
        float[] out = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = round(v[i]);
        }
        return out;
    }
}
