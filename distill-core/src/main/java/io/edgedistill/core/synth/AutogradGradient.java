package io.edgedistill.core.synth;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import io.edgedistill.core.util.Autograd;

/**
 * The gradient by DJL autograd, for any labelling of the set: the loss of a {@link MatchingProblem} on the
 * device (class averaging by matrix, or by block reshape for a class-major set) is recorded and
 * differentiated by the engine. The iterate is row-major (m, d). Evaluating a gradient opens a
 * {@link GradientCollector}, so the caller must hold {@link Autograd#LOCK} (DJL allows one collector at a time).
 */
final class AutogradGradient implements GradientStep {
    private final MatchingProblem problem;
    private final Shape shape;

    /** The gradient of {@code problem} (built on the device) for a set of {@code m} samples of {@code d} values. */
    AutogradGradient(MatchingProblem problem, int m, int d) {
        this.problem = problem;
        this.shape = new Shape(m, d);
    }

    @Override
    public NDArray toDevice(float[] rows, NDManager manager) {
        return manager.create(rows, shape);
    }

    @Override
    public float[] toRows(float[] values) {
        return values;
    }

    @Override
    public void track(NDArray x) {
        x.setRequiresGradient(true); // the projected storage starts a new leaf
    }

    @Override
    public Result evaluate(NDArray x, boolean gradient, NDManager scratch) {
        scratch.tempAttachAll(x, problem.avg, problem.target, problem.targetSecond);
        if (!gradient) {
            return new Result(problem.loss(x).getFloat(), null);
        }
        float loss;
        try (GradientCollector gc = Autograd.collector()) {
            NDArray l = problem.loss(x);
            gc.backward(l);
            loss = l.getFloat();
        }
        NDArray g = x.getGradient();
        g.attach(scratch);
        return new Result(loss, g);
    }

    @Override
    public void close() {
        // the problem's arrays belong to the caller's manager
    }
}
