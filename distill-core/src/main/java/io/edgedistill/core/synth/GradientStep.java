package io.edgedistill.core.synth;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

/**
 * How the matching loss and its gradient are computed at an iterate of the set, the one part in which the
 * two optimisation paths differ: {@link HandWrittenGradient} for a class-major set in equal blocks (the
 * usual case, nothing recorded), {@link AutogradGradient} for any labelling (recorded and differentiated by
 * DJL). {@link ProjectedAdam} runs the same loop over either, and {@link DistilledSetOptimizer#loss} /
 * {@link DistilledSetOptimizer#gradient} evaluate through them, so Adam, the box projection and the
 * best-iterate bookkeeping exist once.
 *
 * <p>Each path keeps the iterate in the layout its loss reads fastest ({@link #toDevice} / {@link #toRows}
 * convert from and to the row-major m × d layout of {@link DistilledSet}).
 */
interface GradientStep extends AutoCloseable {

    /** Loss at an iterate and its gradient (same layout as the iterate; null when not asked for). */
    record Result(float loss, NDArray gradient) {
    }

    /** The row-major (m × d) values {@code rows} as an iterate in this path's layout, in {@code manager}. */
    NDArray toDevice(float[] rows, NDManager manager);

    /** Values of an iterate in this path's layout, back to row-major (m × d). */
    float[] toRows(float[] values);

    /** Called on the iterate when it starts and after each projection (which gives it new storage). */
    void track(NDArray x);

    /**
     * Loss at {@code x} and, if {@code gradient}, its gradient; every temporary and the gradient are attached
     * to {@code scratch}.
     */
    Result evaluate(NDArray x, boolean gradient, NDManager scratch);

    @Override
    void close();
}
