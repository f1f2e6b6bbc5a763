package io.edgedistill.core.nn;

/** Weight initialisation schemes of the portable generator. Both are Kaiming/He (fan-in, ReLU gain √2). */
public enum WeightInit {
    /** Uniform on [-a, a] with a = √(6 / fanIn): float arithmetic only, exact on every platform. */
    HE_UNIFORM,
    /** Normal with std √(2 / fanIn) via Box–Muller on {@link StrictMath}: also exact on every platform. */
    HE_NORMAL
}
