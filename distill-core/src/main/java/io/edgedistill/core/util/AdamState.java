package io.edgedistill.core.util;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;

/**
 * Adam / AdamW (Kingma &amp; Ba 2015; Loshchilov &amp; Hutter 2019) for one parameter array, applied in place
 * with the engine's fused update kernel (one native call per step instead of a dozen element-wise ops), then
 * the gradient is zeroed. Moment buffers live in the parameter's manager.
 */
public final class AdamState implements AutoCloseable {
    private final NDArray param;
    private final NDArray m;
    private final NDArray v;
    private final float beta1;
    private final float beta2;
    private final float eps;
    private int t;

    /** Adam with β1=0.9, β2=0.999, ε=1e-8. */
    public AdamState(NDArray param) {
        this(param, 0.9f, 0.999f, 1e-8f);
    }

    /** Adam with explicit hyper-parameters. */
    public AdamState(NDArray param, float beta1, float beta2, float eps) {
        this.param = param;
        this.m = param.zerosLike();
        this.v = param.zerosLike();
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
    }

    /**
     * One update with the parameter's current gradient, then zeroes the gradient.
     *
     * @param lr          learning rate
     * @param weightDecay decoupled weight decay (AdamW), 0 for none
     * @param scratch     manager for temporaries (closed by the caller)
     */
    public void step(float lr, float weightDecay, NDManager scratch) {
        NDArray g = param.getGradient();
        g.attach(scratch);
        step(g, lr, weightDecay); // the fused update also zeroes the parameter's gradient
    }

    /**
     * One update with an explicitly computed gradient (a parameter that does not record gradients).
     *
     * @param gradient    gradient of the loss w.r.t. the parameter, same shape
     * @param lr          learning rate
     * @param weightDecay decoupled weight decay (AdamW), 0 for none
     */
    public void step(NDArray gradient, float lr, float weightDecay) {
        t++;
        float coef1 = 1f - (float) Math.pow(beta1, t);
        float coef2 = 1f - (float) Math.pow(beta2, t);
        float biasCorrected = (float) (lr * Math.sqrt(coef2) / coef1);
        param.getNDArrayInternal().adamUpdate(new NDList(param, gradient, m, v), new NDList(param),
                biasCorrected, lr, weightDecay, 1f, Float.POSITIVE_INFINITY, beta1, beta2, eps, true,
                weightDecay > 0);
    }

    @Override
    public void close() {
        m.close();
        v.close();
    }
}
