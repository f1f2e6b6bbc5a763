package io.edgedistill.core.util;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.time.Duration;

/**
 * Start-up warm-up of the tensor engine. Loading the PyTorch natives, creating the first manager and the
 * first autograd pass cost one to two seconds on a small CPU; a service calls {@link #warmUp()} once at
 * start (off its request path) so that the first round does not pay for it.
 */
public final class Engines {
    private Engines() {
    }

    /** Loads the engine and runs one small matmul and one backward pass; returns the time it took. */
    public static Duration warmUp() {
        long t0 = System.nanoTime();
        Engine engine = Engine.getInstance();
        try (NDManager m = NDManager.newBaseManager(engine.defaultDevice())) {
            NDArray w = m.randomNormal(new Shape(64, 64));
            NDArray x = m.randomNormal(new Shape(32, 64));
            x.matMul(w).toFloatArray();
            w.setRequiresGradient(true);
            Autograd.LOCK.lock();
            try (GradientCollector gc = Autograd.collector()) {
                gc.backward(x.matMul(w).maximum(0f).mean());
            } finally {
                Autograd.LOCK.unlock();
            }
            w.getGradient().toFloatArray();
        }
        return Duration.ofNanos(System.nanoTime() - t0);
    }
}
