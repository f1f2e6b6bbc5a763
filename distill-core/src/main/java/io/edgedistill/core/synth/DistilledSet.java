package io.edgedistill.core.synth;

import java.util.Objects;

/**
 * A distilled synthetic set: {@code ipc} samples for each present class, class-major order.
 *
 * @param numClasses C
 * @param dIn        input dimension
 * @param ipc        samples per class
 * @param x          samples, row-major (m × dIn)
 * @param labels     hard label per sample
 * @param softLabels class probabilities per sample, row-major (m × C), or null
 * @param loss       distribution-matching loss of the set against the targets it was optimised for
 * @param steps      optimiser steps taken in total (including those of a warm-start origin)
 */
public record DistilledSet(int numClasses, int dIn, int ipc, float[] x, int[] labels, float[] softLabels,
                           double loss, long steps) {
    /** Validates shapes. */
    public DistilledSet {
        Objects.requireNonNull(x, "x");
        Objects.requireNonNull(labels, "labels");
        if (x.length != labels.length * dIn) {
            throw new IllegalArgumentException("x must be m*dIn with m = labels.length");
        }
        if (softLabels != null && softLabels.length != labels.length * numClasses) {
            throw new IllegalArgumentException("softLabels must be m*C");
        }
    }

    /** Number of samples m. */
    public int size() {
        return labels.length;
    }

    /** A copy with soft labels attached. */
    public DistilledSet withSoftLabels(float[] soft) {
        return new DistilledSet(numClasses, dIn, ipc, x, labels, soft, loss, steps);
    }
}
