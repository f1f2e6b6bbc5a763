package io.edgedistill.core.nn;

import ai.djl.ndarray.NDArray;

/** Element-wise non-linearity applied after every layer of an embedding network. */
public enum Activation {
    /** max(0, x). */
    RELU,
    /** tanh(x). */
    TANH;

    /** Applies the activation on a DJL array (differentiable). */
    public NDArray apply(NDArray x) {
        return switch (this) {
            case RELU -> ai.djl.nn.Activation.relu(x);
            case TANH -> x.tanh();
        };
    }

    /** Applies the activation to one float (reference / pure-Java path). */
    public float apply(float x) {
        return switch (this) {
            case RELU -> x > 0f ? x : 0f;
            case TANH -> (float) Math.tanh(x);
        };
    }
}
