package io.edgedistill.core.synth;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.edgedistill.core.nn.Activation;
import io.edgedistill.core.nn.EmbeddingNetworks;

/**
 * The distribution-matching loss of a class-major synthetic set (p classes in equal contiguous blocks of b
 * samples) and its exact gradient, written out by hand instead of recorded by autograd: the networks are
 * fixed, so the backward pass is two matmuls with the transposed weights and a few element-wise products,
 * and nothing needs to be recorded, kept or replayed. The set is held feature-major, xᵀ (d, m), so that the
 * forward pass starts with one GEMM and the gradient comes out in the same layout.
 *
 * <p>With ψ = act(W2ᵀ act(W1ᵀ xᵀ)) (K, e, m) reshaped to (K, e, p, b), the per-block moments
 * μ = mean_b ψ and s = mean_b ψ², and D1 = μ − t1, D2 = s − t2, the loss is
 * L = Σ D1² + λ Σ D2² + w (Σ E1² + λ Σ E2²), where E1, E2 are the same differences of the input-space block
 * moments of xᵀ. Its gradient w.r.t. ψ is (2/b)(D1 + 2λ D2 ⊙ ψ) (broadcast over each block), back through
 * the activations and weights to xᵀ, plus (2w/b)(E1 + 2λ E2 ⊙ xᵀ) from the input term. The unit test checks
 * it against autograd.
 */
final class BlockMatching implements AutoCloseable {
    private final EmbeddingNetworks networks;
    private final NDManager manager;
    private final NDArray w1t;      // (K·h, d)
    private final NDArray w1;       // (d, K·h), a view of w1t
    private final NDArray w2t;      // (K, e, h)
    private final NDArray w2;       // (K, h, e), a view of w2t
    private final NDArray target1;  // (K, e, p)
    private final NDArray target2;  // (K, e, p), or null without the second-moment term
    private final NDArray inMean;   // (d, p), or null without the input term
    private final NDArray inSecond; // (d, p), or null
    private final float lambda;
    private final float inputWeight;
    private final int blocks;
    private final int blockSize;

    /**
     * @param target1     first-moment targets, row-major (K, e, p)
     * @param target2     second-moment targets (K, e, p), or null to leave the second-moment term out
     * @param lambda      weight of the second-moment terms
     * @param inMean      input-space mean targets, row-major (p, d), or null to leave the input term out
     * @param inSecond    input-space second-moment targets (p, d); with {@code inMean}
     * @param inputWeight weight w of the input term
     * @param blockSize   samples per block, b
     */
    BlockMatching(EmbeddingNetworks networks, NDManager manager, float[] target1, float[] target2, float lambda,
                  float[] inMean, float[] inSecond, float inputWeight, int blockSize) {
        this.networks = networks;
        this.manager = manager.newSubManager();
        int k = networks.spec().k();
        int d = networks.spec().dIn();
        int e = networks.spec().embedDim();
        this.blocks = target1.length / (k * e);
        this.blockSize = blockSize;
        EmbeddingNetworks.Loaded loaded = networks.load(this.manager);
        this.w1t = loaded.w1t();
        this.w2t = loaded.w2t();
        this.w1 = w1t.transpose();       // views: the matmuls read them transposed, nothing is copied
        this.w2 = w2t.transpose(0, 2, 1);
        Shape targetShape = new Shape(k, e, blocks);
        this.target1 = this.manager.create(target1, targetShape);
        this.target2 = target2 == null ? null : this.manager.create(target2, targetShape);
        this.lambda = target2 == null ? 0f : lambda;
        if (inMean != null && inputWeight > 0) {
            this.inMean = this.manager.create(transpose(inMean, blocks, d), new Shape(d, blocks));
            this.inSecond = this.manager.create(transpose(inSecond, blocks, d), new Shape(d, blocks));
            this.inputWeight = inputWeight;
        } else {
            this.inMean = null;
            this.inSecond = null;
            this.inputWeight = 0f;
        }
    }

    /** Transpose of a row-major (rows × cols) matrix: (cols × rows), row-major (e.g. a set to feature-major). */
    static float[] transpose(float[] a, int rows, int cols) {
        float[] t = new float[a.length];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                t[c * rows + r] = a[r * cols + c];
            }
        }
        return t;
    }

    /** Loss and gradient; the gradient is null when not asked for. */
    record Result(float loss, NDArray gradient) {
    }

    /**
     * Loss of the feature-major set {@code xT} (d, m) and, if asked, its gradient (d, m). Every temporary and
     * the gradient are attached to {@code scratch}.
     */
    Result evaluate(NDArray xT, boolean gradient, NDManager scratch) {
        int k = networks.spec().k();
        int h = networks.spec().hidden();
        int e = networks.spec().embedDim();
        long d = xT.getShape().get(0);
        long m = xT.getShape().get(1);
        Activation act = networks.spec().activation();
        float twoOverB = 2f / blockSize;
        NDArray z1 = w1t.matMul(xT);                              // (K·h, m): one GEMM for all K first layers
        z1.attach(scratch);
        NDArray h1 = act.apply(z1);
        NDArray z2 = w2t.batchMatMul(h1.reshape(k, h, m));        // (K, e, m)
        z2.attach(scratch);
        NDArray psi = act.apply(z2);
        NDArray psi4 = psi.reshape(k, e, blocks, blockSize);
        NDArray d1 = psi4.mean(new int[] {3}).subi(target1);      // (K, e, p)
        double loss = sumOfSquares(d1);
        NDArray g = d1.expandDims(3);                             // (K, e, p, 1): ∂L/∂ψ · b/2, first moment
        if (target2 != null) {
            NDArray d2 = psi4.square().mean(new int[] {3}).subi(target2);
            loss += lambda * sumOfSquares(d2);
            if (gradient) {
                g = psi4.mul(d2.muli(2f * lambda).expandDims(3)).addi(g); // + 2λ D2 ⊙ ψ
            }
        }
        NDArray xb = null;
        NDArray e1 = null;
        NDArray e2 = null;
        if (inMean != null) {
            xb = xT.reshape(d, blocks, blockSize);
            xb.attach(scratch); // a view: what derives from it is freed with the step, xT stays
            e1 = xb.mean(new int[] {2}).subi(inMean);             // (d, p)
            e2 = xb.square().mean(new int[] {2}).subi(inSecond);
            loss += inputWeight * (sumOfSquares(e1) + lambda * sumOfSquares(e2));
        }
        if (!gradient) {
            return new Result((float) loss, null);
        }
        // the activations are not needed any more: each turns into its derivative in place (no new array)
        NDArray gz2 = derivativeInPlace(act, psi4).muli(g).reshape(k, e, m); // ∂L/∂z2 · b/2
        NDArray gh1 = w2.batchMatMul(gz2);                        // (K, h, m)
        gh1.attach(scratch);
        NDArray gz1 = gh1.reshape((long) k * h, m).muli(derivativeInPlace(act, h1));
        NDArray gx = w1.matMul(gz1);                              // (d, m)
        gx.attach(scratch);
        if (xb != null) {
            NDArray gin = e1.expandDims(2);                       // (d, p, 1)
            if (lambda > 0) {
                gin = xb.mul(e2.muli(2f * lambda).expandDims(2)).addi(gin);
            }
            gx.reshape(d, blocks, blockSize).addi(gin.muli(inputWeight)); // a view of gx: adds in place
        }
        return new Result((float) loss, gx.muli(twoOverB));
    }

    /** y ← act′ as a function of the activation's output y, in place: 1[y &gt; 0] for ReLU, 1 − y² for tanh. */
    private static NDArray derivativeInPlace(Activation act, NDArray y) {
        return switch (act) {
            case RELU -> y.signi();
            case TANH -> y.muli(y).negi().addi(1f);
        };
    }

    private static double sumOfSquares(NDArray a) {
        double norm = a.norm().getFloat(); // one reduction instead of a square and a sum
        return norm * norm;
    }

    @Override
    public void close() {
        manager.close();
    }
}
