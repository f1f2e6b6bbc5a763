package io.edgedistill.core.synth;

import io.edgedistill.core.aggregate.TargetSnapshot;

/**
 * The feasible region of a synthetic set, from the targets' input moments alone: columns that are 0/1 in
 * every class (one-hot blocks, missing indicators) stay in [0, 1], every other column within the class mean
 * ± {@link SynthConfig#boxSigmas} class standard deviations. Used both to clamp the initial set and to project
 * after every Adam step, so it lives apart from either.
 */
final class SearchBox {
    private SearchBox() {
    }

    /**
     * Columns that are 0/1 in every class the targets hold (second moment equal to the mean, mean in [0, 1]:
     * one-hot blocks, missing indicators), or null without input moments.
     */
    static boolean[] binaryColumns(TargetSnapshot t) {
        if (t.inputMeans() == null || t.inputSecondMoments() == null) {
            return null;
        }
        int d = t.dIn();
        boolean[] bin = new boolean[d];
        java.util.Arrays.fill(bin, true);
        for (int c = 0; c < t.numClasses(); c++) {
            if (!t.hasClass(c)) {
                continue;
            }
            for (int j = 0; j < d; j++) {
                float mu = t.inputMeans()[c * d + j];
                float q = t.inputSecondMoments()[c * d + j];
                if (Math.abs(q - mu) > 1e-5f * Math.max(1f, Math.abs(mu)) || mu < -1e-6f || mu > 1 + 1e-6f) {
                    bin[j] = false;
                }
            }
        }
        return bin;
    }

    /**
     * Per-sample box {lower, upper} (m × d each) for samples with the given labels, or null when the box is off
     * or the targets carry no input moments: 0/1 columns in [0, 1], every other column within the class mean ±
     * {@code boxSigmas} class standard deviations.
     */
    static float[][] of(TargetSnapshot t, int[] labels, float boxSigmas) {
        boolean[] bin = binaryColumns(t);
        if (boxSigmas <= 0 || bin == null) {
            return null;
        }
        int d = t.dIn();
        float[] lo = new float[labels.length * d];
        float[] hi = new float[labels.length * d];
        for (int i = 0; i < labels.length; i++) {
            int c = labels[i];
            for (int j = 0; j < d; j++) {
                float l;
                float h;
                if (bin[j]) {
                    l = 0f;
                    h = 1f;
                } else {
                    double mu = t.inputMeans()[c * d + j];
                    double sd = Math.sqrt(Math.max(0, t.inputSecondMoments()[c * d + j] - mu * mu));
                    l = (float) (mu - boxSigmas * sd);
                    h = (float) (mu + boxSigmas * sd);
                }
                lo[i * d + j] = l;
                hi[i * d + j] = h;
            }
        }
        return new float[][] {lo, hi};
    }
}
