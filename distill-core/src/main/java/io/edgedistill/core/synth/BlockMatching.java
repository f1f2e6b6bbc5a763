package io.edgedistill.core.synth;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
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
 * <p>With ψ = act(W2ᵀ act(W1ᵀ xᵀ)) (K, e, m), the rows of ψ and, when the input term is on, those of xᵀ are
 * stacked into Y (R, m), R = K·e (+ d), and handled as one array in blocks (R, p, b): μ = mean_b Y,
 * s = mean_b Y², D1 = μ − t1, D2 = s − t2 (t1, t2 stack the embedding and input-space targets). With the row
 * weight ω_r (1 for embedding rows, w for input rows) the loss is L = Σ ω (D1² + λ D2²), i.e.
 * Σ D1² + λ Σ D2² over the embeddings plus w (Σ E1² + λ Σ E2²) over the input moments, and its gradient
 * w.r.t. Y is ω (2/b)(D1 + 2λ D2 ⊙ Y) (broadcast over each block). The embedding rows go back through the
 * activations and weights to xᵀ, the input rows add to it directly.
 *
 * <p>At the default sizes (IPC 10) the step's four matmuls take about 0.4 ms and every other native call a few
 * microseconds, so the code keeps the calls few: both kinds of rows are handled as one array (one copy of ψ
 * instead of a second set of moment and gradient calls), the differences keep their block axis (no
 * re-broadcast), the activations turn into their derivatives in place, and the loss is summed on the host from
 * the small differences. The unit test checks loss and gradient against autograd.
 */
final class BlockMatching implements AutoCloseable {
    private final EmbeddingNetworks networks;
    private final NDManager manager;
    private final NDArray w1t;      // (K, h, d): matMul with xᵀ (d, m) is one GEMM for all K first layers
    private final NDArray w1;       // (d, K·h), a transposed view of the same weights
    private final NDArray w2t;      // (K, e, h)
    private final NDArray w2;       // (K, h, e), a view of w2t
    private final NDArray target1;  // (R, p, 1): embedding targets, then input-space means
    private final NDArray target2;  // (R, p, 1), or null without the second-moment term
    private final NDArray scale1;   // (R, 1, 1): ω (2/b)
    private final NDArray scale2;   // (R, 1, 1): ω (2/b) 2λ, or null
    private final float[] rowWeight; // ω per stacked row
    private final boolean inputRows;
    private final float lambda;
    private final int blocks;
    private final int blockSize;
    private final int embedRows;    // K·e
    private final int rows;         // R

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
        int h = networks.spec().hidden();
        this.blocks = target1.length / (k * e);
        this.blockSize = blockSize;
        this.embedRows = k * e;
        this.inputRows = inMean != null && inputWeight > 0;
        this.rows = embedRows + (inputRows ? d : 0);
        this.lambda = target2 == null ? 0f : lambda;
        EmbeddingNetworks.Loaded loaded = networks.load(this.manager);
        NDArray w1Flat = loaded.w1t();                 // (K·h, d)
        this.w1t = w1Flat.reshape(k, h, d);
        this.w1 = w1Flat.transpose();                  // views: the matmuls read them transposed, nothing is copied
        this.w2t = loaded.w2t();
        this.w2 = w2t.transpose(0, 2, 1);
        Shape targetShape = new Shape(rows, blocks, 1);
        this.target1 = this.manager.create(stack(target1, inputRows ? inMean : null, d), targetShape);
        this.target2 = this.lambda == 0f ? null
                : this.manager.create(stack(target2, inputRows ? inSecond : null, d), targetShape);
        this.rowWeight = new float[rows];
        float[] s1 = new float[rows];
        float[] s2 = new float[rows];
        for (int r = 0; r < rows; r++) {
            rowWeight[r] = r < embedRows ? 1f : inputWeight;
            s1[r] = rowWeight[r] * 2f / blockSize;
            s2[r] = s1[r] * 2f * this.lambda;
        }
        this.scale1 = this.manager.create(s1, new Shape(rows, 1, 1));
        this.scale2 = this.lambda == 0f ? null : this.manager.create(s2, new Shape(rows, 1, 1));
    }

    /** Embedding targets (K·e rows of p) followed by the transposed input targets (d rows of p), if any. */
    private float[] stack(float[] embed, float[] inputRowMajor, int d) {
        if (inputRowMajor == null) {
            return embed;
        }
        float[] out = java.util.Arrays.copyOf(embed, embed.length + d * blocks);
        System.arraycopy(transpose(inputRowMajor, blocks, d), 0, out, embed.length, d * blocks);
        return out;
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

    /** Loss (NaN when not asked for) and gradient (null when not asked for). */
    record Result(float loss, NDArray gradient) {
    }

    /**
     * Loss of the feature-major set {@code xT} (d, m) and, if asked, its gradient (d, m). Every temporary and
     * the gradient are attached to {@code scratch}.
     */
    Result evaluate(NDArray xT, boolean withLoss, boolean gradient, NDManager scratch) {
        int k = networks.spec().k();
        int h = networks.spec().hidden();
        int e = networks.spec().embedDim();
        long d = xT.getShape().get(0);
        long m = xT.getShape().get(1);
        Activation act = networks.spec().activation();
        NDArray z1 = w1t.matMul(xT);                              // (K, h, m): one GEMM for all K first layers
        z1.attach(scratch);
        NDArray h1 = act.apply(z1);
        NDArray z2 = w2t.batchMatMul(h1);                         // (K, e, m)
        z2.attach(scratch);
        NDArray psi = act.apply(z2);
        NDArray y = psi.reshape(embedRows, m);
        if (inputRows) {
            y = y.concat(xT, 0);                                  // (R, m): a copy, ψ stays for the backward pass
        }
        NDArray y3 = y.reshape(rows, blocks, blockSize);
        NDArray d1 = y3.mean(new int[] {2}, true).subi(target1);  // (R, p, 1)
        NDArray d2 = target2 == null ? null : y3.square().mean(new int[] {2}, true).subi(target2);
        float loss = withLoss ? loss(d1, d2) : Float.NaN;
        if (!gradient) {
            return new Result(loss, null);
        }
        NDArray g = d1.muli(scale1);                              // ∂L/∂Y = ω (2/b)(D1 + 2λ D2 ⊙ Y)
        if (d2 != null) {
            g = y3.mul(d2.muli(scale2)).addi(g);                  // (R, p, b)
        }
        NDList parts = inputRows ? g.split(new long[] {embedRows}, 0) : new NDList(g);
        // ψ is not needed any more: it turns into its derivative in place (no new array)
        NDArray gz2 = derivativeInPlace(act, psi).reshape(embedRows, blocks, blockSize).muli(parts.get(0))
                .reshape(k, e, m);                                // ∂L/∂z2
        NDArray gh1 = w2.batchMatMul(gz2);                        // (K, h, m)
        gh1.attach(scratch);
        NDArray gx = w1.matMul(gh1.muli(derivativeInPlace(act, h1)).reshape((long) k * h, m)); // (d, m)
        gx.attach(scratch);
        if (inputRows) {
            gx.reshape(d, blocks, blockSize).addi(parts.get(1)); // a view of gx: adds in place
        }
        return new Result(loss, gx);
    }

    /** Σ ω (D1² + λ D2²), summed on the host: the differences are small (R × p) and come over in one copy each. */
    private float loss(NDArray d1, NDArray d2) {
        double sum = weightedSquares(d1.toFloatArray(), 1f);
        if (d2 != null) {
            sum += weightedSquares(d2.toFloatArray(), lambda);
        }
        return (float) sum;
    }

    private double weightedSquares(float[] diff, float factor) {
        double sum = 0;
        for (int r = 0; r < rows; r++) {
            double row = 0;
            for (int c = r * blocks; c < (r + 1) * blocks; c++) {
                row += (double) diff[c] * diff[c];
            }
            sum += rowWeight[r] * factor * row;
        }
        return sum;
    }

    /** y ← act′ as a function of the activation's output y, in place: 1[y &gt; 0] for ReLU, 1 − y² for tanh. */
    private static NDArray derivativeInPlace(Activation act, NDArray y) {
        return switch (act) {
            case RELU -> y.signi();
            case TANH -> y.muli(y).negi().addi(1f);
        };
    }

    @Override
    public void close() {
        manager.close();
    }
}
