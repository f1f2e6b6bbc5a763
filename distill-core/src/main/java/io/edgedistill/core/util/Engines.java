package io.edgedistill.core.util;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.time.Duration;

/**
 * The machine's speed ({@link #matmulGflops}: the figure every timing in the docs is reported beside) and the
 * start-up warm-up of the tensor engine. Loading the PyTorch natives, creating the first manager and the
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

    /** Seconds of one {@code a × b} on the engine (the result read back, so that the work is done). */
    public static double timeMatmul(NDManager m, NDArray a, NDArray b) {
        try (NDManager sm = m.newSubManager()) {
            sm.tempAttachAll(a, b);
            long t0 = System.nanoTime();
            a.matMul(b).getFloat(0, 0);
            return (System.nanoTime() - t0) / 1e9;
        }
    }

    /**
     * The median GFLOP/s of {@code repeats} square {@code size}³ float matmuls after one warm-up: the machine-speed
     * figure reported beside timings (2048 is the docs' reference size).
     */
    public static double matmulGflops(int size, int repeats) {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray a = m.randomNormal(new Shape(size, size));
            NDArray b = m.randomNormal(new Shape(size, size));
            timeMatmul(m, a, b);
            double[] t = new double[repeats];
            for (int i = 0; i < repeats; i++) {
                t[i] = timeMatmul(m, a, b);
            }
            java.util.Arrays.sort(t);
            return 2.0 * size * size * (double) size / t[repeats / 2] / 1e9;
        }
    }
}
