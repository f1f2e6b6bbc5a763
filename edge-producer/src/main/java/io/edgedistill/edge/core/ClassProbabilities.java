package io.edgedistill.edge.core;

/** Reading a model's class probabilities ({@code n × classes}, row-major) the way every edge path must agree on. */
final class ClassProbabilities {
    private ClassProbabilities() {
    }

    /** The most probable class of one row; on a tie the lower class index wins (as {@code MlpModel.predict}). */
    static int argmax(float[] proba, int row, int classes) {
        int best = 0;
        for (int j = 1; j < classes; j++) {
            if (proba[row * classes + j] > proba[row * classes + best]) {
                best = j;
            }
        }
        return best;
    }
}
