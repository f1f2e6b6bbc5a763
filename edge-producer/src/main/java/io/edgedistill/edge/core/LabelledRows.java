package io.edgedistill.edge.core;

import java.util.function.IntPredicate;

import io.edgedistill.core.data.Dataset;

/**
 * Local rows under a model's preprocessing with labels in the model's class indexing; rows of classes the model
 * does not know are dropped. Evaluating a model, judging a personalised candidate and selecting knowledge all
 * start from this view, so they agree on which rows count.
 *
 * @param x    features, {@code n × dim}, row-major
 * @param y    labels in the model's class indexing
 * @param n    rows kept
 * @param rows the local row index of each kept row (to find it again under another preprocessing)
 */
record LabelledRows(float[] x, int[] y, int n, int[] rows) {

    /**
     * Every {@code HOLD_OUT_EVERY}-th local row is held out of the knowledge the edge sends, so that it can judge
     * a personalised model trained on that knowledge on rows the model has not learnt from.
     */
    static final int HOLD_OUT_EVERY = 4;

    static boolean heldOut(int row) {
        return row % HOLD_OUT_EVERY == HOLD_OUT_EVERY - 1;
    }

    static LabelledRows of(DeployedModel m, LocalData d) {
        return of(m, d, row -> true);
    }

    /** The same, only of the local rows {@code keepRow} accepts. */
    static LabelledRows of(DeployedModel m, LocalData d, IntPredicate keepRow) {
        Dataset ds = d.preprocessed(m.specJson());
        int[] map = new int[ds.numClasses()];
        for (int c = 0; c < map.length; c++) {
            map[c] = m.classes().indexOf(ds.classNames().get(c));
        }
        int dim = ds.dim();
        int keep = 0;
        for (int i = 0; i < ds.size(); i++) {
            if (map[ds.y()[i]] >= 0 && keepRow.test(i)) {
                keep++;
            }
        }
        float[] x = new float[keep * dim];
        int[] y = new int[keep];
        int[] rows = new int[keep];
        int r = 0;
        for (int i = 0; i < ds.size(); i++) {
            int lab = map[ds.y()[i]];
            if (lab >= 0 && keepRow.test(i)) {
                System.arraycopy(ds.x(), i * dim, x, r * dim, dim);
                y[r] = lab;
                rows[r++] = i;
            }
        }
        return new LabelledRows(x, y, keep, rows);
    }
}
