package io.edgedistill.core.model;

import ai.djl.ndarray.NDArray;
import io.edgedistill.core.util.Autograd;

/**
 * Knowledge-distillation loss (Hinton et al. 2015): α·T²·KL(p_t^T ‖ softmax(z_s/T)) + (1 − α)·CE(y,
 * softmax(z_s)), averaged over the batch. p_t^T are the teacher's (or a synthetic set's) class probabilities
 * at temperature T. The T² factor keeps gradient magnitudes comparable across temperatures.
 */
public final class DistillationLoss {
    private DistillationLoss() {
    }

    /**
     * Differentiable loss on DJL arrays.
     *
     * @param studentLogits (n, C)
     * @param softTargets   teacher probabilities at temperature T, (n, C); may be null when α = 0
     * @param oneHot        hard labels one-hot, (n, C); may be null when α = 1
     */
    public static NDArray loss(NDArray studentLogits, NDArray softTargets, NDArray oneHot, float temperature,
                               float alpha) {
        long n = studentLogits.getShape().get(0);
        NDArray total = null;
        if (alpha > 0) {
            NDArray logQ = studentLogits.div(Autograd.scalar(studentLogits, temperature)).logSoftmax(1);
            NDArray logP = softTargets.maximum(1e-12f).log();
            NDArray kl = softTargets.mul(logP.sub(logQ)).sum().div(Autograd.scalar(studentLogits, n));
            total = kl.mul(Autograd.scalar(studentLogits, alpha * temperature * temperature));
        }
        if (alpha < 1) {
            NDArray ce = oneHot.mul(studentLogits.logSoftmax(1)).sum().neg().div(Autograd.scalar(studentLogits, n));
            ce = ce.mul(Autograd.scalar(studentLogits, 1 - alpha));
            total = total == null ? ce : total.add(ce);
        }
        return total;
    }

    /** Plain-Java value of the loss for one sample (reference). */
    public static double value(float[] studentLogits, float[] teacherLogits, int label, float temperature,
                               float alpha) {
        double[] pt = softmax(teacherLogits, temperature);
        double[] qs = softmax(studentLogits, temperature);
        double kl = 0;
        for (int i = 0; i < pt.length; i++) {
            kl += pt[i] * Math.log(pt[i] / qs[i]);
        }
        double ce = -Math.log(softmax(studentLogits, 1)[label]);
        return alpha * temperature * temperature * kl + (1 - alpha) * ce;
    }

    /** softmax(z / T) in double. */
    public static double[] softmax(float[] z, float temperature) {
        double max = Double.NEGATIVE_INFINITY;
        for (float v : z) {
            max = Math.max(max, v / temperature);
        }
        double[] p = new double[z.length];
        double s = 0;
        for (int i = 0; i < z.length; i++) {
            p[i] = Math.exp(z[i] / temperature - max);
            s += p[i];
        }
        for (int i = 0; i < z.length; i++) {
            p[i] /= s;
        }
        return p;
    }
}
