package io.edgedistill.processor.service;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.edgedistill.core.data.FeatureSpec;
import io.edgedistill.schemas.TrafficFlow;

/**
 * Turns a {@link TrafficFlow} (numeric and categorical maps by column name) into the model's input vector
 * with the same arithmetic as {@link FeatureSpec#transformRecord}: numeric → training median when missing,
 * optional log1p (negatives clamped to 0), z-score, |z| clipped, optional 0/1 missing indicator; categorical →
 * one-hot over the vocabulary (unknown or missing → zeros). It reads the doubles directly instead of going
 * through strings, so it is fast enough for the scoring hot path. A numeric column sent as a string is parsed;
 * a categorical column sent as a number is formatted (integral values without a decimal point).
 */
public final class FlowVectorizer {
    private final FeatureSpec spec;
    private final List<FeatureSpec.ColumnSpec> columns = new ArrayList<>();
    private final List<Map<String, Integer>> vocabIndex = new ArrayList<>();
    private final Set<String> missingTokens;
    private final int dim;
    private final double clip;

    public FlowVectorizer(FeatureSpec spec) {
        this.spec = spec;
        for (FeatureSpec.ColumnSpec c : spec.columns()) {
            if (c.kind != FeatureSpec.Kind.DROPPED) {
                columns.add(c);
                Map<String, Integer> idx = new java.util.HashMap<>();
                for (int i = c.vocab.size() - 1; i >= 0; i--) {
                    idx.put(c.vocab.get(i), i); // first occurrence wins, as List.indexOf
                }
                vocabIndex.add(idx);
            }
        }
        this.missingTokens = new HashSet<>(spec.missingTokens());
        this.dim = spec.dim();
        this.clip = spec.clip();
    }

    public FeatureSpec spec() {
        return spec;
    }

    public int dim() {
        return dim;
    }

    /** Writes the features of {@code flow} into {@code out} at {@code offset} (dim floats). */
    public void vectorize(TrafficFlow flow, float[] out, int offset) {
        Map<String, Double> numeric = flow.getNumeric();
        Map<String, String> categorical = flow.getCategorical();
        int pos = offset;
        for (int col = 0; col < columns.size(); col++) {
            FeatureSpec.ColumnSpec c = columns.get(col);
            if (c.kind == FeatureSpec.Kind.CATEGORICAL) {
                String v = categorical.get(c.name);
                if (v == null) {
                    Double d = numeric.get(c.name);
                    v = d == null ? null : format(d);
                }
                if (v != null && !missingTokens.contains(v.trim())) {
                    Integer idx = vocabIndex.get(col).get(v.trim());
                    if (idx != null) {
                        out[pos + idx] = 1f;
                    }
                }
                pos += c.vocab.size();
                continue;
            }
            double v = Double.NaN;
            Double d = numeric.get(c.name);
            if (d != null) {
                v = d;
            } else {
                String s = categorical.get(c.name);
                if (s != null && !missingTokens.contains(s.trim())) {
                    try {
                        v = Double.parseDouble(s.trim());
                    } catch (NumberFormatException e) {
                        v = Double.NaN;
                    }
                }
            }
            boolean missing = !Double.isFinite(v);
            if (missing) {
                v = c.median;
            }
            double t = c.log1p ? Math.log1p(Math.max(0.0, v)) : v;
            double z = (t - c.mean) / c.std;
            if (clip > 0) {
                z = Math.max(-clip, Math.min(clip, z));
            }
            out[pos] = (float) z;
            if (c.missingIndicator) {
                out[pos + 1] = missing ? 1f : 0f;
                pos += 2;
            } else {
                pos += 1;
            }
        }
    }

    private static String format(double d) {
        if (d == Math.rint(d) && Math.abs(d) < 1e15) {
            return Long.toString((long) d);
        }
        return Double.toString(d);
    }
}
