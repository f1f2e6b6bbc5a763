package io.edgedistill.demo;

import io.edgedistill.core.data.Dataset;
import io.edgedistill.edge.core.ClassificationMetrics;
import io.edgedistill.edge.core.DeployedModel;
import io.edgedistill.edge.core.LocalData;

/** Scores a deployed edge model on labelled traffic it never saw (the demo's held-out set). */
final class HeldOut {

    private HeldOut() {
    }

    static ClassificationMetrics evaluate(DeployedModel model, LocalData data) {
        Dataset ds = data.preprocessed(model.specJson());
        int dim = ds.dim();
        int[] map = new int[ds.numClasses()];
        for (int c = 0; c < map.length; c++) {
            map[c] = model.classes().indexOf(ds.classNames().get(c));
        }
        int keep = 0;
        for (int y : ds.y()) {
            keep += map[y] >= 0 ? 1 : 0;
        }
        float[] x = new float[keep * dim];
        int[] truth = new int[keep];
        int r = 0;
        for (int i = 0; i < ds.size(); i++) {
            int label = map[ds.y()[i]];
            if (label >= 0) {
                System.arraycopy(ds.x(), i * dim, x, r * dim, dim);
                truth[r++] = label;
            }
        }
        return ClassificationMetrics.of(truth, model.model().predict(x, keep), model.classes().size());
    }
}
