package io.edgedistill.core.mixture;

/**
 * Rows drawn from a {@link MixturePrior}: x is n × d (row-major), y the class of each row, class-major order.
 */
public record GeneratedSet(float[] x, int[] y, int dim) {

    /** Validates shapes; arrays are not copied. */
    public GeneratedSet {
        if (dim <= 0 || (long) y.length * dim != x.length) {
            throw new IllegalArgumentException("x must hold y.length × dim values");
        }
    }

    public int size() {
        return y.length;
    }
}
