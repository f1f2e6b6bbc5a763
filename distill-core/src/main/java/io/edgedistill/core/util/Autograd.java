package io.edgedistill.core.util;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.training.GradientCollector;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Guards DJL's gradient recording. The PyTorch engine allows only one open {@link GradientCollector} per
 * JVM, so every optimiser in this library runs its steps under {@link #LOCK}; concurrent callers queue
 * instead of failing.
 */
public final class Autograd {
    /** Held while a gradient collector is open. */
    public static final ReentrantLock LOCK = new ReentrantLock();

    private Autograd() {
    }

    /** Opens a gradient collector; call with {@link #LOCK} held. */
    public static GradientCollector collector() {
        return Engine.getInstance().newGradientCollector();
    }

    /**
     * A scalar operand for the autograd path, owned by {@code like}'s manager so that it lives until the backward pass
     * has run. Use it instead of DJL's {@code mul(Number)}, {@code div(Number)} and the like on recorded arrays: those
     * create the scalar over a direct buffer and close it at once, autograd keeps the tensor for the backward pass, and
     * the buffer's memory can be freed by the garbage collector before the gradient reads it. Training then depended on
     * when the JVM collected garbage (a distilled student collapsed to one class in about one JVM of a dozen).
     */
    public static NDArray scalar(NDArray like, double value) {
        return like.getManager().create((float) value);
    }

    /** Sets the accumulated gradient of {@code param} to zero (in place, outside recording). */
    public static void zeroGradient(NDArray param) {
        try (NDArray g = param.getGradient()) {
            g.subi(g);
        }
    }
}
