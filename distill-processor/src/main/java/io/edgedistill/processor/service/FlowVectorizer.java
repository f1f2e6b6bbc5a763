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
    /** Column name → position in {@link #columns}. */
    private final Map<String, Integer> columnIndex = new java.util.HashMap<>();
    private final Set<String> missingTokens;
    private final int dim;
    private final double clip;

    public FlowVectorizer(FeatureSpec spec) {
        this.spec = spec;
        for (FeatureSpec.ColumnSpec c : spec.columns()) {
            if (c.kind != FeatureSpec.Kind.DROPPED) {
                columnIndex.putIfAbsent(c.name, columns.size());
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

    /**
     * Writes the features of {@code flow} into {@code out} at {@code offset} (dim floats). Each entry of the flow's
     * two maps is looked up once in this vectorizer's column index (rather than every column in the flow's freshly
     * decoded maps), which keeps the hot path's hashing in one small, cache-resident table.
     */
    public void vectorize(TrafficFlow flow, float[] out, int offset) {
        int n = columns.size();
        double[] number = new double[n];
        boolean[] hasNumber = new boolean[n];
        String[] text = new String[n];
        for (Map.Entry<String, Double> e : flow.getNumeric().entrySet()) {
            Integer col = columnIndex.get(e.getKey());
            if (col != null && e.getValue() != null) {
                number[col] = e.getValue();
                hasNumber[col] = true;
            }
        }
        for (Map.Entry<String, String> e : flow.getCategorical().entrySet()) {
            Integer col = columnIndex.get(e.getKey());
            if (col != null) {
                text[col] = e.getValue();
            }
        }
        int pos = offset;
        for (int col = 0; col < n; col++) {
            FeatureSpec.ColumnSpec c = columns.get(col);
            if (c.kind == FeatureSpec.Kind.CATEGORICAL) {
                String v = text[col] != null ? text[col] : hasNumber[col] ? format(number[col]) : null;
                if (v != null) {
                    String t = v.trim();
                    if (!missingTokens.contains(t)) {
                        Integer idx = vocabIndex.get(col).get(t);
                        if (idx != null) {
                            out[pos + idx] = 1f;
                        }
                    }
                }
                pos += c.vocab.size();
                continue;
            }
            double v = Double.NaN;
            if (hasNumber[col]) {
                v = number[col];
            } else if (text[col] != null) {
                String t = text[col].trim();
                if (!missingTokens.contains(t)) {
                    try {
                        v = Double.parseDouble(t);
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
