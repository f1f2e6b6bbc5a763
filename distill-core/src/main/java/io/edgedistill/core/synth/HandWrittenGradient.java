package io.edgedistill.core.synth;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * The gradient written out by hand ({@link BlockMatching}) for a class-major set in equal blocks: no
 * autograd recording, hence no JVM-wide lock either. The iterate is held feature-major, xᵀ (d, m), so that
 * the forward pass starts with one GEMM and the gradient comes out in the same layout.
 */
final class HandWrittenGradient implements GradientStep {
    private final BlockMatching matching;
    private final int m;
    private final int d;

    /** The gradient of {@code problem} (which must be on the block path) for a set of {@code m} samples. */
    HandWrittenGradient(MatchingProblem problem, NDManager manager, int m, int d) {
        if (problem.blockClasses == null) {
            throw new IllegalArgumentException("the hand-written gradient needs a class-major set in equal blocks");
        }
        this.matching = problem.blockMatching(manager, m / problem.blockClasses.length);
        this.m = m;
        this.d = d;
    }

    @Override
    public NDArray toDevice(float[] rows, NDManager manager) {
        return manager.create(BlockMatching.transpose(rows, m, d), new Shape(d, m));
    }

    @Override
    public float[] toRows(float[] values) {
        return BlockMatching.transpose(values, d, m);
    }

    @Override
    public void track(NDArray x) {
        // nothing is recorded
    }

    @Override
    public Result evaluate(NDArray x, boolean gradient, NDManager scratch) {
        BlockMatching.Result r = matching.evaluate(x, gradient, scratch);
        return new Result(r.loss(), r.gradient());
    }

    @Override
    public void close() {
        matching.close();
    }
}
