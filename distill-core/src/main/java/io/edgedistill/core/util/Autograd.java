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

    /** Sets the accumulated gradient of {@code param} to zero (in place, outside recording). */
    public static void zeroGradient(NDArray param) {
        try (NDArray g = param.getGradient()) {
            g.subi(g);
        }
    }
}
