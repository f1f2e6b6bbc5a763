package io.edgedistill.core.synth;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.edgedistill.core.aggregate.TargetSnapshot;
import io.edgedistill.core.util.AdamState;

/**
 * The optimisation loop, written once for both gradient paths ({@link GradientStep}): from the initial set
 * projected into the {@link SearchBox}, {@code steps} Adam steps, each followed by the projection (projected
 * Adam), keeping the best iterate seen so that a warm start never returns a set worse than its origin.
 * Everything stays on the device until the chosen iterate is read back.
 */
final class ProjectedAdam {
    private final SynthConfig config;

    ProjectedAdam(SynthConfig config) {
        this.config = config;
    }

    /**
     * Runs {@code steps} Adam steps from {@code init} with the gradient of {@code gradient}, whose arrays
     * live in {@code base}; returns the best iterate seen and its loss.
     */
    DistilledSet run(GradientStep gradient, NDManager base, TargetSnapshot targets, DistilledSet init, int steps) {
        float[][] box = SearchBox.of(targets, init.labels(), config.boxSigmas());
        NDArray lower = box == null ? null : gradient.toDevice(box[0], base);
        NDArray upper = box == null ? null : gradient.toDevice(box[1], base);
        NDArray x = gradient.toDevice(init.x(), base);
        if (box != null) {
            project(x, lower, upper);
        }
        gradient.track(x);
        BestIterate best = new BestIterate(base);
        try (AdamState adam = new AdamState(x)) {
            for (int step = 0; step < steps; step++) {
                try (NDManager scratch = base.newSubManager()) {
                    if (box != null) {
                        scratch.tempAttachAll(lower, upper);
                    }
                    GradientStep.Result r = gradient.evaluate(x, true, scratch);
                    best.offer(r.loss(), x); // loss of x before this update
                    adam.step(r.gradient(), config.learningRate(), 0f);
                    if (box != null) {
                        project(x, lower, upper);
                        gradient.track(x);
                    }
                }
            }
        }
        float finalLoss;
        try (NDManager scratch = base.newSubManager()) {
            finalLoss = gradient.evaluate(x, false, scratch).loss();
        }
        float[] rows = gradient.toRows(best.choose(finalLoss, x));
        return new DistilledSet(init.numClasses(), init.dIn(), init.ipc(), rows, init.labels(), init.softLabels(),
                best.loss(), init.steps() + steps);
    }

    /**
     * The best iterate of a run, so that a warm start never returns a set worse than its origin: a copy on the
     * device of the step iterate with the lowest loss, against which the final iterate is chosen (it wins ties).
     */
    private static final class BestIterate {
        private final NDManager manager;
        private NDArray best;
        private double loss = Double.POSITIVE_INFINITY;

        BestIterate(NDManager manager) {
            this.manager = manager;
        }

        /** Keeps a copy of the step iterate {@code x} if {@code xLoss} is below the best so far. */
        void offer(double xLoss, NDArray x) {
            if (xLoss < loss) {
                if (best != null) {
                    best.close();
                }
                best = x.duplicate();
                best.attach(manager);
                loss = xLoss;
            }
        }

        /** The values of the final iterate {@code x} unless a step iterate was strictly better, then that one's. */
        float[] choose(double xLoss, NDArray x) {
            if (xLoss <= loss || best == null) {
                loss = xLoss;
                return x.toFloatArray();
            }
            return best.toFloatArray();
        }

        /** Loss of the iterate {@link #choose} returned. */
        double loss() {
            return loss;
        }
    }

    /** x ← clamp(x, lower, upper), in place (outside gradient recording), without leaving the device. */
    private static void project(NDArray x, NDArray lower, NDArray upper) {
        try (NDArray low = x.maximum(lower)) {
            x.intern(low.minimum(upper)); // x takes over the clamped array's storage
        }
    }
}
