package io.edgedistill.updater.service;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.edgedistill.core.data.Dataset;
import io.edgedistill.core.data.FeatureSpec;
import io.edgedistill.core.data.RawDataset;
import io.edgedistill.core.model.ClassificationMetrics;
import io.edgedistill.core.model.MlpModel;
import io.edgedistill.schemas.ValidationMetrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The held-out validation rows and the scores of models on them. The raw rows are loaded once, on first use;
 * every preprocessing spec and class list gets its own view of them (cached), so that a candidate and the live
 * model it would replace are scored on the same rows even when their specs differ.
 *
 * <p>Thread-safe.
 */
final class ValidationRows {
    private static final Logger LOG = LoggerFactory.getLogger(ValidationRows.class);

    private final ValidationSource source;
    private final Map<String, Dataset> bySpecAndClasses = new HashMap<>();
    private RawDataset raw;

    ValidationRows(ValidationSource source) {
        this.source = source;
    }

    String describe() {
        return source.describe();
    }

    /** The raw rows, loaded on the first call. */
    synchronized RawDataset raw() {
        if (raw == null) {
            long t0 = System.nanoTime();
            raw = source.load();
            LOG.info("Validation set loaded: {} rows from {} in {} ms", raw.size(), source.describe(),
                    (System.nanoTime() - t0) / 1_000_000);
        }
        return raw;
    }

    /**
     * The rows under a spec, labels re-indexed to {@code classes} (rows of other classes dropped).
     *
     * @param specSha the spec's SHA-256, the cache key with the class list
     */
    synchronized Dataset under(FeatureSpec spec, String specSha, List<String> classes) {
        String key = specSha + "|" + String.join(",", classes);
        Dataset cached = bySpecAndClasses.get(key);
        if (cached != null) {
            return cached;
        }
        Dataset all = spec.transform(raw());
        int[] map = new int[all.numClasses()];
        for (int cl = 0; cl < map.length; cl++) {
            map[cl] = classes.indexOf(all.classNames().get(cl));
        }
        int keep = 0;
        for (int v : all.y()) {
            if (map[v] >= 0) {
                keep++;
            }
        }
        int d = all.dim();
        float[] x = new float[keep * d];
        int[] y = new int[keep];
        int r = 0;
        for (int i = 0; i < all.size(); i++) {
            int lab = map[all.y()[i]];
            if (lab >= 0) {
                System.arraycopy(all.x(), i * d, x, r * d, d);
                y[r++] = lab;
            }
        }
        Dataset val = new Dataset(x, y, d, classes, all.featureNames());
        bySpecAndClasses.put(key, val);
        return val;
    }

    /**
     * A live model on the rows of {@code classes} under its own spec, reweighted to the class mix {@code mix}
     * (null = as is). A model restored without a spec cannot be re-scored: the scores it was published with stand.
     */
    ClassificationMetrics scoreLive(LiveModel live, List<String> classes, double[] mix) {
        FeatureSpec spec = live.spec();
        if (spec == null) {
            ValidationMetrics vm = live.update().getMetrics();
            return new ClassificationMetrics(vm.getAccuracy(), vm.getMacroF1(), vm.getSamples(), new double[classes.size()]);
        }
        Dataset val = under(spec, live.specSha(), classes);
        return ClassificationMetrics.weighted(val.y(), live.model().predict(val.x(), val.size()), classes.size(),
                mix == null ? null : io.edgedistill.core.personal.CohortOffer.rowWeights(val.y(), mix, classes.size()));
    }

    /** A model on rows as they are. */
    /** The scores of always predicting the rows' most frequent class: the floor a first model must clear. */
    static ClassificationMetrics majorityBaseline(Dataset val, int numClasses) {
        long[] n = new long[numClasses];
        for (int y : val.y()) {
            n[y]++;
        }
        int majority = 0;
        for (int c = 1; c < numClasses; c++) {
            if (n[c] > n[majority]) {
                majority = c;
            }
        }
        int[] pred = new int[val.size()];
        java.util.Arrays.fill(pred, majority);
        return ClassificationMetrics.of(val.y(), pred, numClasses);
    }

    static ClassificationMetrics score(MlpModel model, Dataset val, int numClasses) {
        int[] pred = model.predict(val.x(), val.size());
        return ClassificationMetrics.of(val.y(), pred, numClasses);
    }
}
